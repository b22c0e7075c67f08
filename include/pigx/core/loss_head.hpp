// The per-point "head" of a loss term: MLP on the feature Taylor data, the term's residual, its
// squared contribution, and the reverse pass to MLP gradients and feature adjoints. Device code.
#pragma once

#include <cmath>
#include <type_traits>

#include "pigx/core/boundary_factor.hpp"
#include "pigx/core/coefficient.hpp"
#include "pigx/core/dual.hpp"
#include "pigx/core/gaussian_encoder.hpp"
#include "pigx/core/initial_lift.hpp"
#include "pigx/core/mlp.hpp"
#include "pigx/core/taylor.hpp"

namespace pigx {

/// Largest number of residual equations per point.
constexpr int kMaxEquations = kMaxOutputs;

/// A residual weight that decays along the time axis, w(t) = norm exp(-gamma (t - t0)), norm such that w
/// averages 1 over the axis: a residual error made early is carried, and where the dynamics are unstable
/// amplified, to every later time, so early residuals weigh more (a static form of causal training).
/// Inactive (axis < 0): w = 1.
struct TimeWeight {
  int axis = -1;
  double t0 = 0, gamma = 0, norm = 1;

  /// sqrt(w) at the physical point x: the factor of the residual and its derivatives.
  KOKKOS_INLINE_FUNCTION double root(const double* x) const {
    return axis < 0 ? 1.0 : math::sqrt(norm) * math::exp(-0.5 * gamma * (x[axis] - t0));
  }
};

/// The weight of a residual term with decay rate gamma on the time axis [t0, t1] (inactive if gamma = 0).
inline TimeWeight make_time_weight(int axis, double t0, double t1, double gamma) {
  TimeWeight w;
  if (!(gamma > 0) || axis < 0) return w;
  const double span = gamma * (t1 - t0);
  w.axis = axis;
  w.t0 = t0;
  w.gamma = gamma;
  w.norm = span / -std::expm1(-span);
  return w;
}

/// Everything a head kernel reads and writes for one term: points [begin, end) of the batch.
struct HeadArgs {
  MlpDesc mlp;
  ConstView1 theta;  ///< device copy of the parameters
  std::size_t mlp_offset = 0;
  PointBatch batch;
  View3 F, Fbar;  ///< features in; feature adjoints out (when gradient is true)
  View2 targets;  ///< value terms: [n_batch][outputs] target values
  View2 forcing;  ///< residual terms of forced PDEs: [n_batch][equations] per-point source values
  int begin = 0, end = 0;
  int dim = 0, order = 0, outputs = 1;
  double scale = 1.0;  ///< term weight / global number of points of the term
  bool gradient = true;
  double* loss = nullptr;                      ///< out: scale * sum of squared residuals (host)
  double* mlp_grad = nullptr;                  ///< out: added MLP gradient (host, mlp.size entries)
  int ncoef = 0;                               ///< trained PDE coefficients (end of the parameter vector)
  double coefficients[kMaxCoefficients] = {};  ///< their current values
  std::size_t coef_offset = 0;                 ///< their first index in the parameter vector
  double* coef_grad = nullptr;                 ///< out: added coefficient gradient (host, ncoef entries)
  BoundaryFactor factor;                       ///< hard zero boundary: u = g(x) MLP (inactive: u = MLP)
  TimeWeight time_weight;                      ///< residual terms' weight along time (inactive: 1)
};

/// Multiplies the residuals of a point and their derivatives by sqrt(w(t)) of a.time_weight.
KOKKOS_INLINE_FUNCTION void apply_time_weight(const HeadArgs& a, const double* x, int neq, int nu, double* r,
                                              double* J, double* Jc) {
  if (a.time_weight.axis < 0) return;
  const double s = a.time_weight.root(x);
  for (int e = 0; e < neq; ++e) {
    r[e] *= s;
    for (int j = 0; j < nu; ++j) J[e * nu + j] *= s;
    for (int j = 0; j < kMaxCoefficients; ++j) Jc[e * kMaxCoefficients + j] *= s;
  }
}

/// u from the network output N at batch point p (physical x), in place on U [outputs][nc]: the boundary
/// factor, then the initial lift. The one definition of the output map, for the heads and evaluate_u.
KOKKOS_INLINE_FUNCTION void output_from_network(const BoundaryFactor& factor, const PointBatch& batch, int p,
                                                const double* x, int dim, int order, int outputs, double* U) {
  factor.apply(x, dim, order, outputs, U);
  add_initial_lift(batch, p, dim, order, outputs, U);  // no parameters: the reverse pass skips it
}

/// Shared start of every head: the point's features through the MLP, the boundary factor and the initial
/// lift (U, keeping the scratch for the reverse pass) and its physical coordinates x.
KOKKOS_INLINE_FUNCTION void head_forward(const HeadArgs& a, int p, MlpScratch& s, double* U, double* x) {
  const int nc = taylor_size(a.dim, a.order), K = a.mlp.width[0];
  double Fp[kMaxChannels * kMaxComp];
  for (int c = 0; c < K; ++c)
    for (int j = 0; j < nc; ++j) Fp[c * nc + j] = a.F(p, c, j);
  mlp_forward(a.mlp, a.theta.data() + a.mlp_offset, a.dim, a.order, Fp, s, U);
  for (int d = 0; d < a.dim; ++d) x[d] = a.batch.x(p, d);
  output_from_network(a.factor, a.batch, p, x, a.dim, a.order, a.outputs, U);
}

/// Shared end of every head: the adjoint Ubar of u's Taylor data (overwritten) through the boundary factor
/// and the MLP, adding MLP parameter adjoints to grad and writing the feature adjoints Fb.
KOKKOS_INLINE_FUNCTION void head_reverse(const HeadArgs& a, const double* x, MlpScratch& s, double* Ubar,
                                         double* grad, double* Fb) {
  a.factor.apply_adjoint(x, a.dim, a.order, a.outputs, Ubar);
  mlp_reverse(a.mlp, a.theta.data() + a.mlp_offset, a.dim, a.order, s, Ubar, grad, Fb);
}

/// Writes a point's feature adjoint [channels][nc] into a.Fbar.
KOKKOS_INLINE_FUNCTION void store_feature_adjoint(const HeadArgs& a, int p, const double* Fb) {
  const int nc = taylor_size(a.dim, a.order), K = a.mlp.width[0];
  for (int c = 0; c < K; ++c)
    for (int j = 0; j < nc; ++j) a.Fbar(p, c, j) = Fb[c * nc + j];
}

/// Base of the kernels that sum an array of value_count doubles over points (Kokkos array reduction).
struct ArraySum {
  using value_type = double[];
  using size_type = unsigned;
  unsigned value_count;

  KOKKOS_INLINE_FUNCTION void init(double* v) const {
    for (unsigned i = 0; i < value_count; ++i) v[i] = 0;
  }
#if KOKKOS_VERSION < 30700
  KOKKOS_INLINE_FUNCTION void join(volatile double* dst, const volatile double* src) const {
#else
  KOKKOS_INLINE_FUNCTION void join(double* dst, const double* src) const {
#endif
      for (unsigned i = 0; i < value_count; ++i) dst[i] += src[i];
}
};  // namespace pigx

/// Reduction functor over the points of one term; Residual supplies count() and eval().
template <class Residual>
struct HeadKernel : ArraySum {
  Residual res;
  HeadArgs a;

  HeadKernel(const Residual& r, const HeadArgs& args)
      : ArraySum{1 + static_cast<unsigned>(args.mlp.size + args.ncoef)}, res(r), a(args) {}

  KOKKOS_INLINE_FUNCTION void operator()(int i, double* sum) const {
    const int p = a.begin + i;
    const int nc = taylor_size(a.dim, a.order), O = a.outputs;
    double U[kMaxOutputs * kMaxComp], x[kMaxDim];
    MlpScratch s;
    head_forward(a, p, s, U, x);
    double r[kMaxEquations], J[kMaxEquations * kMaxOutputs * kMaxComp], Jc[kMaxEquations * kMaxCoefficients];
    const int neq = res.count();
    res.eval(p, x, U, nc, r, J, Jc);
    apply_time_weight(a, x, neq, O * nc, r, J, Jc);
    double sq = 0;
    for (int e = 0; e < neq; ++e) sq += r[e] * r[e];
    sum[0] += a.scale * sq;
    if (!a.gradient) return;
    for (int j = 0; j < a.ncoef; ++j) {
      double acc = 0;
      for (int e = 0; e < neq; ++e) acc += r[e] * Jc[e * kMaxCoefficients + j];
      sum[1 + a.mlp.size + j] += 2 * a.scale * acc;
    }
    double Ubar[kMaxOutputs * kMaxComp];
    for (int j = 0; j < O * nc; ++j) {
      double acc = 0;
      for (int e = 0; e < neq; ++e) acc += r[e] * J[e * O * nc + j];
      Ubar[j] = 2 * a.scale * acc;
    }
    double Fb[kMaxChannels * kMaxComp];
    head_reverse(a, x, s, Ubar, sum + 1, Fb);
    store_feature_adjoint(a, p, Fb);
  }
};

/// Runs a head kernel and adds its results to *args.loss, args.mlp_grad and args.coef_grad.
template <class Residual>
void run_head(const Residual& res, const HeadArgs& args) {
  const int n = args.end - args.begin;
  std::vector<double> out(1 + args.mlp.size + args.ncoef, 0.0);
  if (n > 0) {
    Kokkos::View<double*, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>> result(out.data(),
                                                                                             out.size());
    Kokkos::parallel_reduce("pigx::HeadKernel", Range(0, n), HeadKernel<Residual>(res, args), result);
  }
  *args.loss += out[0];
  if (args.gradient) {
    for (int i = 0; i < args.mlp.size; ++i) args.mlp_grad[i] += out[1 + i];
    for (int j = 0; j < args.ncoef; ++j) args.coef_grad[j] += out[1 + args.mlp.size + j];
  }
}

/// Per point of one term (one residual equation per point): the scaled residual r(p) = sqrt(scale) r_p,
/// its MLP and coefficient derivatives into J(p, mlp and coefficient columns) and its feature adjoint into
/// Fbar(p).
template <class Residual>
struct JacobianHeadKernel {
  Residual res;
  HeadArgs a;
  View2 J;
  View1 r;

  KOKKOS_INLINE_FUNCTION void operator()(int i) const {
    const int p = a.begin + i;
    const int nc = taylor_size(a.dim, a.order), O = a.outputs;
    double U[kMaxOutputs * kMaxComp], x[kMaxDim];
    MlpScratch s;
    head_forward(a, p, s, U, x);
    double rv[kMaxEquations], Jr[kMaxEquations * kMaxOutputs * kMaxComp],
        Jc[kMaxEquations * kMaxCoefficients];
    res.eval(p, x, U, nc, rv, Jr, Jc);
    apply_time_weight(a, x, res.count(), O * nc, rv, Jr, Jc);
    const double sq = math::sqrt(a.scale);
    r(p) = sq * rv[0];
    for (int j = 0; j < a.ncoef; ++j) J(p, a.coef_offset + j) = sq * Jc[j];
    double Ubar[kMaxOutputs * kMaxComp];
    for (int j = 0; j < O * nc; ++j) Ubar[j] = sq * Jr[j];
    double Fb[kMaxChannels * kMaxComp];
    head_reverse(a, x, s, Ubar, &J(p, a.mlp_offset), Fb);
    store_feature_adjoint(a, p, Fb);
  }
};

/// Runs a Jacobian head over a term's points.
template <class Residual>
void run_jacobian_head(const Residual& res, const HeadArgs& args, View2 J, View1 r) {
  Kokkos::parallel_for("pigx::JacobianHeadKernel", Range(0, args.end - args.begin),
                       JacobianHeadKernel<Residual>{res, args, J, r});
}

/// True for equation types that declare `static constexpr bool forced = true`: their residual reads
/// per-point source values given with the points, residual(eq, x, f, u) with f[equations].
template <class Eq, class = void>
struct IsForced : std::false_type {};
template <class Eq>
struct IsForced<Eq, std::void_t<decltype(Eq::forced)>> : std::bool_constant<Eq::forced> {};

/// Calls the residual of Eq with or without the point's forcing values.
template <class Eq, class S>
KOKKOS_INLINE_FUNCTION S call_residual(const Eq& eq, int e, const double* x, const double* f,
                                       const Taylor<S>& t) {
  if constexpr (IsForced<Eq>::value)
    return eq.residual(e, x, f, t);
  else
    return eq.residual(e, x, t);
}

/// Residual of a PDE equation type Eq (see pde.hpp) with its exact linearisation by dual numbers: the
/// Taylor data are the first kTaylor directions; NC more directions carry the trained coefficients (their
/// Coefficient::dir, set by PdeAdaptor), whose derivatives go to Jc[e * kMaxCoefficients + j].
template <class Eq, int NC = 0>
struct PdeResidual {
  Eq eq;
  View2 forcing;  ///< [n_batch][equations], read only for forced equation types
  static constexpr int kTaylor = Eq::outputs * taylor_size(Eq::dim, Eq::order);
  static constexpr int kVars = kTaylor + NC;

  KOKKOS_INLINE_FUNCTION int count() const { return Eq::equations; }
  KOKKOS_INLINE_FUNCTION void eval(int p, const double* x, const double* U, int nc, double* r, double* J,
                                   double* Jc) const {
    double f[kMaxEquations] = {};
    if constexpr (IsForced<Eq>::value)
      for (int e = 0; e < Eq::equations; ++e) f[e] = forcing(p, e);
    Dual<kVars> T[kTaylor];
    for (int i = 0; i < kTaylor; ++i) T[i] = make_variable<kVars>(U[i], i);
    const Taylor<Dual<kVars>> t{T, Eq::dim, nc};
    for (int e = 0; e < Eq::equations; ++e) {
      const Dual<kVars> v = call_residual(eq, e, x, f, t);
      r[e] = v.v;
      for (int i = 0; i < kTaylor; ++i) J[e * kTaylor + i] = v.g[i];
      for (int j = 0; j < kMaxCoefficients; ++j)
        Jc[e * kMaxCoefficients + j] = j < NC ? v.g[kTaylor + j] : 0.0;
    }
  }
};

/// Residual u_o(x_p) - target_o(p) of boundary, initial and data terms.
struct ValueResidual {
  View2 targets;
  int outputs = 1;

  KOKKOS_INLINE_FUNCTION int count() const { return outputs; }
  KOKKOS_INLINE_FUNCTION void eval(int p, const double*, const double* U, int nc, double* r, double* J,
                                   double* Jc) const {
    for (int o = 0; o < outputs; ++o) {
      r[o] = U[o * nc] - targets(p, o);
      for (int j = 0; j < outputs * nc; ++j) J[o * outputs * nc + j] = j == o * nc ? 1.0 : 0.0;
      for (int j = 0; j < kMaxCoefficients; ++j) Jc[o * kMaxCoefficients + j] = 0.0;
    }
  }
};

}  // namespace pigx
