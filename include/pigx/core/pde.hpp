// A PDE as pigx sees it: its domain, coordinates, parameters, conditions and reference solution
// (host side, virtual), plus its residual written once as a template (device side, see PdeAdaptor).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pigx/core/box.hpp"
#include "pigx/core/loss_head.hpp"

namespace pigx {

/// A scalar parameter of a PDE, exposed in the config as problem.<name>.
struct PdeParameter {
  std::string name;
  std::string help;
  double* value;    ///< lives in the PDE object
  double min, max;  ///< accepted closed range
};

/// Where the test error is measured: a tensor grid with exact solution, or a reference file.
struct TestGridSpec {
  std::vector<int> counts;     ///< linspace points per coordinate (exact-solution problems)
  std::string reference_file;  ///< HDF5 file (relative to the shared data directory) for reference problems
  std::vector<std::string> reference_axes;  ///< storage order of the reference array, e.g. {"t","x","y"}
};

/// Host-side interface of a PDE. Implementations derive from PdeAdaptor<Eq>.
class Pde {
 public:
  virtual ~Pde() = default;
  /// Registered name, e.g. "helmholtz".
  virtual std::string name() const = 0;
  /// Input dimension (space + time).
  virtual int dim() const = 0;
  /// Number of solution components.
  virtual int outputs() const = 0;
  /// Highest derivative order in the residual.
  virtual int order() const = 0;
  /// Coordinate names in input order, e.g. {"x","y","t"}.
  virtual std::vector<std::string> coordinates() const = 0;
  /// Index of the time coordinate, or -1 for a stationary problem.
  virtual int time_axis() const { return -1; }
  /// Physical domain (with periodic axes marked).
  virtual Box domain() const = 0;
  /// Tunable parameters, readable as problem.<name>.
  virtual std::vector<PdeParameter> parameters() { return {}; }
  /// Checks the parameters after they were set; throws an input error naming the key.
  virtual void validate() const {}
  /// True if exact() gives the solution.
  virtual bool has_exact() const { return false; }
  /// Exact solution at x (host).
  virtual void exact(const double* x, double* u) const;
  /// Dirichlet data on the non-periodic spatial faces (host); defaults to exact().
  virtual void boundary_value(const double* x, double* u) const { exact(x, u); }
  /// Initial data at t = t0 (host); defaults to exact().
  virtual void initial_value(const double* x, double* u) const { exact(x, u); }
  /// True if the residual reads per-point source values (forcing()) carried with the residual points.
  virtual bool has_forcing() const { return false; }
  /// Source values of the equations at x (host; equations() values); used when has_forcing().
  virtual void forcing(const double* x, double* f) const;
  /// Test grid of the benchmark.
  virtual TestGridSpec test_grid() const = 0;
  /// Runs the residual head over a term's points (device).
  virtual void residual_head(const HeadArgs& args) const = 0;
  /// Runs the residual Jacobian head over a term's points (device; one equation per point).
  virtual void residual_jacobian_head(const HeadArgs& args, View2 J, View1 r) const = 0;
  /// Number of residual equations per point.
  virtual int equations() const = 0;
};

/// Implements the kernel side of Pde for an equation type Eq that provides:
/// static constexpr int dim, outputs, order, equations; and
/// template <class S> KOKKOS_INLINE_FUNCTION S residual(int eq, const double* x, const Taylor<S>& u) const,
/// or, with `static constexpr bool forced = true`, residual(int eq, const double* x, const double* f,
/// const Taylor<S>& u) where f holds the point's source values from Pde::forcing().
/// Eq is plain data (its parameters are members), copied into the kernels.
template <class Eq>
class PdeAdaptor : public Pde {
 public:
  int dim() const override { return Eq::dim; }
  int outputs() const override { return Eq::outputs; }
  int order() const override { return Eq::order; }
  int equations() const override { return Eq::equations; }
  bool has_forcing() const override { return IsForced<Eq>::value; }
  void residual_head(const HeadArgs& args) const override {
    run_head(PdeResidual<Eq>{eq_, args.forcing}, args);
  }
  void residual_jacobian_head(const HeadArgs& args, View2 J, View1 r) const override {
    run_jacobian_head(PdeResidual<Eq>{eq_, args.forcing}, args, J, r);
  }

 protected:
  Eq eq_;
};

/// Creates PDEs by name. Filled by register_all_pdes(); no static registration.
class PdeRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Pde>()>;
  /// Adds (or replaces) a PDE type.
  void add(const std::string& name, Factory f) { factories_[name] = std::move(f); }
  /// Creates a PDE; throws an input error for problem.type listing the known names.
  std::unique_ptr<Pde> create(const std::string& name) const;
  /// Registered names, sorted.
  std::vector<std::string> names() const;

 private:
  std::map<std::string, Factory> factories_;
};

/// Registers every built-in PDE; safe to call more than once on the same registry.
void register_all_pdes(PdeRegistry& registry);

/// The process-wide registry with every built-in PDE registered.
const PdeRegistry& builtin_pdes();

}  // namespace pigx
