// Interface conditions between two subdomain models on a shared face. Each is a set of linear rows in the
// probe values (Taylor data and PDE residuals, probe_head.hpp) of side A (the lower-numbered subdomain) and
// side B at an interface point, possibly at probes offset along the normal. The loss of a condition is its
// weight times the mean over interface points of the sum of its squared rows. A new condition is one file
// in src/core/interfaces/ plus a line in interface_list.hpp and register_all.cpp.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pigx/core/probe_head.hpp"

namespace pigx {

/// Where each probe value sits in a probe vector.
struct ProbeLayout {
  int dim = 0, outputs = 1, order = 2, equations = 1;
  /// Taylor components per output.
  int nc() const { return taylor_size(dim, order); }
  /// Values per probe.
  int width() const { return probe_width(outputs, nc(), equations); }
  /// Index of output o.
  int value(int o) const { return o * nc(); }
  /// Index of d u_o / d x_d.
  int gradient(int o, int d) const { return o * nc() + grad_index(d); }
  /// Index of d^2 u_o / d x_a d x_b.
  int hessian(int o, int a, int b) const { return o * nc() + hess_index(dim, a, b); }
  /// Index of residual equation e.
  int residual(int e) const { return outputs * nc() + e; }
};

/// One row: r = sum_q sum_k a[q * width + k] v_A(q, k) + b[q * width + k] v_B(q, k), q over the
/// condition's probe offsets.
struct InterfaceRow {
  std::vector<double> a, b;
};

/// A condition on the faces between subdomains.
class InterfaceCondition {
 public:
  virtual ~InterfaceCondition() = default;
  /// Registered name (the config key interface.<name>).
  virtual std::string name() const = 0;
  /// One line for --help.
  virtual std::string help() const = 0;
  /// Lowest PDE order whose probes carry the derivatives this condition reads.
  virtual int min_order() const { return 0; }
  /// Probe offsets along the face normal, in units of the step h (0: the interface point itself).
  virtual std::vector<double> offsets() const { return {0.0}; }
  /// The rows at an interface point of a face with normal along `normal_axis` (A to B), probe step h.
  virtual std::vector<InterfaceRow> rows(const ProbeLayout& L, int normal_axis, double h) const = 0;
};

/// Creates interface conditions by name, in registration order.
class InterfaceRegistry {
 public:
  using Factory = std::function<std::unique_ptr<InterfaceCondition>()>;
  /// Adds a condition type (names are unique; a repeated name replaces the factory in place).
  void add(const std::string& name, Factory f);
  /// Creates one; throws an input error for interface.<name> listing the known names.
  std::unique_ptr<InterfaceCondition> create(const std::string& name) const;
  /// Registered names in registration order.
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
  std::map<std::string, Factory> factories_;
};

/// The process-wide registry with every built-in condition.
const InterfaceRegistry& builtin_interface_conditions();

/// Helper for condition files: a zero row for L with `offsets` probes.
InterfaceRow zero_row(const ProbeLayout& L, std::size_t offsets = 1);

/// Helper for continuity conditions: one row v_A(k) - v_B(k) per probe value index k (one probe).
std::vector<InterfaceRow> continuity_rows(const ProbeLayout& L, const std::vector<int>& values);

}  // namespace pigx
