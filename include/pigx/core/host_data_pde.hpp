// PDEs whose domain, source term and boundary data come from the host code (the library API) rather
// than from closed forms: the API reaches them through this interface.
#pragma once

#include <functional>

#include "pigx/core/box.hpp"

namespace pigx {

/// A scalar field supplied by the host: its value at the point x (dim coordinates, host memory).
using HostField = std::function<double(const double* x)>;

/// Setters of a PDE that takes its data from the host. Implemented by PDE classes next to Pde.
class HostDataPde {
 public:
  virtual ~HostDataPde() = default;
  /// Replaces the domain box (its dimension must match the PDE); throws an input error otherwise.
  virtual void set_domain(const Box& box) = 0;
  /// Sets the source term f of the equation (default 0).
  virtual void set_source(HostField f) = 0;
  /// Sets the Dirichlet data g on the boundary (default 0).
  virtual void set_boundary(HostField g) = 0;
  /// Sets the exact solution, which enables test errors on the PDE's test grid (optional).
  virtual void set_exact(HostField u) = 0;
};

}  // namespace pigx
