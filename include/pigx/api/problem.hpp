// A PDE problem as a host code describes it: the PDE by name, settings under the keys of pigx-solve's
// INI files, and (for PDEs that take host data) the domain box, source term and boundary data.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pigx/api/field.hpp"

namespace pigx {

/// Description of a problem; plain host data, checked when a Solver is built from it. Not collective.
class Problem {
 public:
  /// A problem of a registered PDE type, e.g. "poisson_data" (2-D Poisson with host data) or "helmholtz".
  explicit Problem(std::string pde_type);

  /// Takes every key of a pigx-solve INI file; keys set with set() win, and the PDE type given here wins
  /// over the file's problem.type.
  void read_config(std::string ini_file);
  /// Sets a pigx-solve key as text, e.g. set("model.gaussians", "40") or set("train.stages", "adam:500");
  /// setting a key again replaces its value.
  void set(const std::string& key, const std::string& value);
  /// Sets a numeric pigx-solve key, e.g. set("train.learning_rate", 2e-2) (written with 17 digits).
  void set(const std::string& key, double value);

  /// Sets the domain box [lo, hi] (one entry per coordinate) of a PDE that takes host data.
  void set_domain(std::vector<double> lo, std::vector<double> hi);
  /// Sets the source term f as a callback (PDEs that take host data).
  void set_source(Field f);
  /// Sets the source term f as values on the host's grid, interpolated multilinearly to pigx's points.
  void set_source(GridField f);
  /// Sets the Dirichlet boundary data g as a callback (PDEs that take host data).
  void set_boundary(Field g);
  /// Sets the Dirichlet boundary data g as values on the host's grid (interpolated multilinearly).
  void set_boundary(GridField g);
  /// Sets the exact solution, so that Solver::solve reports the error on the PDE's test grid (optional).
  void set_exact(Field u);

  /// The PDE type.
  const std::string& pde_type() const { return type_; }
  /// The INI file given to read_config ("" if none).
  const std::string& config_file() const { return ini_; }
  /// Keys set with set(), in the order they were set.
  const std::vector<std::pair<std::string, std::string>>& settings() const { return settings_; }
  /// Domain box, if set: lower corner.
  const std::vector<double>& domain_lo() const { return lo_; }
  /// Domain box, if set: upper corner.
  const std::vector<double>& domain_hi() const { return hi_; }
  /// Source term as a callback, if given that way.
  const Field& source() const { return source_; }
  /// Source term as grid values, if given that way.
  const std::optional<GridField>& source_grid() const { return source_grid_; }
  /// Boundary data as a callback, if given that way.
  const Field& boundary() const { return boundary_; }
  /// Boundary data as grid values, if given that way.
  const std::optional<GridField>& boundary_grid() const { return boundary_grid_; }
  /// Exact solution, if given.
  const Field& exact() const { return exact_; }
  /// True if any host data (domain, source, boundary, exact) was given.
  bool has_host_data() const;

 private:
  std::string type_, ini_;
  std::vector<std::pair<std::string, std::string>> settings_;
  std::vector<double> lo_, hi_;
  Field source_, boundary_, exact_;
  std::optional<GridField> source_grid_, boundary_grid_;
};

}  // namespace pigx
