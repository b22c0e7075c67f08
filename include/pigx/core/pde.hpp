// A PDE as pigx sees it: its domain, coordinates, parameters, conditions and reference solution
// (host side, virtual), plus its residual written once as a template (device side, see PdeAdaptor).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "pigx/core/box.hpp"
#include "pigx/core/coefficient.hpp"
#include "pigx/core/error.hpp"
#include "pigx/core/probe_head.hpp"

namespace pigx {

/// A scalar parameter of a PDE, exposed in the config as problem.<name>.
struct PdeParameter {
  std::string name;
  std::string help;
  double* value;                       ///< lives in the PDE object
  double min, max;                     ///< accepted closed range
  Coefficient* coefficient = nullptr;  ///< set when the parameter may be trained (inverse problems)

  /// A parameter that may also be trained: a Coefficient member of the equation type.
  static PdeParameter trainable(std::string name, std::string help, Coefficient& c, double min, double max) {
    return {std::move(name), std::move(help), &c.value, min, max, &c};
  }
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
  /// Taylor data at x (host, [outputs][taylor_size(dim, 2)]) of the initial value carried forward for
  /// model.initial_lift: u0 itself (time derivatives 0), or u0 under the problem's diffusion alone where that
  /// keeps a kink of u0 from staying sharp. Equals initial_value() at t0. Returns false where the problem
  /// does not provide it (model.initial_lift then refuses it).
  virtual bool initial_taylor(const double* x, double* taylor) const;
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
  /// Writes probe values (Taylor data, then residuals; see probe_head.hpp) of points [begin, end) (device).
  virtual void probe_forward_head(const HeadArgs& args, View2 out) const = 0;
  /// Pulls probe-value adjoints back to the MLP and coefficient gradients and the feature adjoints (device).
  virtual void probe_reverse_head(const HeadArgs& args, View2 adjoint) const = 0;
  /// Jacobian rows of the probe-value combinations given by `coefficients` (device).
  virtual void probe_jacobian_head(const HeadArgs& args, View2 coefficients, View2 J) const = 0;
  /// Number of residual equations per point.
  virtual int equations() const = 0;
  /// Names of the parameters that may be trained (declared with PdeParameter::trainable).
  std::vector<std::string> trainable_coefficients();
  /// Trains the named coefficients (trainable ones, at most kMaxCoefficients, no repeats); their values then
  /// come from HeadArgs::coefficients in this order. An empty list trains none. Not collective.
  virtual void train_coefficients(const std::vector<std::string>& names) = 0;
  /// Names of the trained coefficients, in parameter-vector order.
  const std::vector<std::string>& trained_coefficients() const { return trained_; }

 protected:
  std::vector<std::string> trained_;
};

/// Implements the kernel side of Pde for an equation type Eq that provides:
/// static constexpr int dim, outputs, order, equations; and
/// template <class S> KOKKOS_INLINE_FUNCTION S residual(int eq, const double* x, const Taylor<S>& u) const,
/// or, with `static constexpr bool forced = true`, residual(int eq, const double* x, const double* f,
/// const Taylor<S>& u) where f holds the point's source values from Pde::forcing().
/// Eq is plain data (its parameters are members), copied into the kernels. A parameter that may be trained
/// is a `Coefficient` member read in the residual as `k.get<S>()` and declared with
/// PdeParameter::trainable(); its derivative then comes from one more dual direction, with no kernel code.
template <class Eq>
class PdeAdaptor : public Pde {
  static_assert(std::is_trivially_copyable_v<Eq>, "a PDE equation type must be plain data");
  // An equation type smaller than a Coefficient cannot hold one: no coefficient kernels are compiled for it.
  static constexpr bool kMayTrain = sizeof(Eq) >= sizeof(Coefficient);

 public:
  int dim() const override { return Eq::dim; }
  int outputs() const override { return Eq::outputs; }
  int order() const override { return Eq::order; }
  int equations() const override { return Eq::equations; }
  bool has_forcing() const override { return IsForced<Eq>::value; }
  void residual_head(const HeadArgs& args) const override {
    with_residual(args, [&](const auto& res) { run_head(res, args); });
  }
  void residual_jacobian_head(const HeadArgs& args, View2 J, View1 r) const override {
    with_residual(args, [&](const auto& res) { run_jacobian_head(res, args, J, r); });
  }
  void probe_forward_head(const HeadArgs& args, View2 out) const override {
    with_residual(args, [&](const auto& res) { run_probe_forward(res, args, out); });
  }
  void probe_reverse_head(const HeadArgs& args, View2 adjoint) const override {
    with_residual(args, [&](const auto& res) { run_probe_reverse(res, args, adjoint); });
  }
  void probe_jacobian_head(const HeadArgs& args, View2 coefficients, View2 J) const override {
    with_residual(args, [&](const auto& res) { run_probe_jacobian(res, args, coefficients, J); });
  }
  void train_coefficients(const std::vector<std::string>& names) override {
    PIGX_CHECK(names.size() <= static_cast<std::size_t>(kMaxCoefficients), "at most ", kMaxCoefficients,
               " coefficients can be trained together, got ", names.size());
    std::vector<std::ptrdiff_t> offsets;
    const auto params = parameters();
    for (std::size_t i = 0; i < names.size(); ++i) {
      const PdeParameter* found = nullptr;
      for (const auto& p : params)
        if (p.name == names[i] && p.coefficient) found = &p;
      PIGX_CHECK(found, "problem '", name(), "' has no trainable coefficient '", names[i], "'");
      for (std::size_t j = 0; j < i; ++j)
        PIGX_CHECK(names[j] != names[i], "coefficient '", names[i], "' is listed twice");
      // Where the Coefficient lives inside Eq, so that a kernel copy of eq_ can be bound (see bound()).
      const std::ptrdiff_t off =
          reinterpret_cast<const char*>(found->coefficient) - reinterpret_cast<const char*>(&eq_);
      PIGX_CHECK(off >= 0 && off + sizeof(Coefficient) <= sizeof(Eq), "coefficient '", names[i],
                 "' of problem '", name(), "' is not a member of its equation type");
      offsets.push_back(off);
    }
    offsets_ = std::move(offsets);
    trained_ = names;
  }

 protected:
  Eq eq_;

 private:
  // Calls run(residual functor): with coefficient directions when coefficients are trained.
  template <class Run>
  void with_residual(const HeadArgs& args, Run&& run) const {
    if constexpr (kMayTrain)
      if (!offsets_.empty()) return run(PdeResidual<Eq, kMaxCoefficients>{bound(args), args.forcing});
    run(PdeResidual<Eq, 0>{eq_, args.forcing});
  }

  // A copy of eq_ whose trained coefficients hold the current values and their dual directions.
  Eq bound(const HeadArgs& args) const {
    PIGX_CHECK(args.ncoef == static_cast<int>(offsets_.size()), "problem '", name(), "' trains ",
               offsets_.size(), " coefficients but the parameter vector holds ", args.ncoef);
    Eq e = eq_;
    for (std::size_t j = 0; j < offsets_.size(); ++j) {
      Coefficient* c = reinterpret_cast<Coefficient*>(reinterpret_cast<char*>(&e) + offsets_[j]);
      c->trained = args.coefficients[j];
      c->dir = PdeResidual<Eq, kMaxCoefficients>::kTaylor + static_cast<int>(j);
    }
    return e;
  }

  std::vector<std::ptrdiff_t> offsets_;  // byte offsets of the trained Coefficient members in Eq
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
