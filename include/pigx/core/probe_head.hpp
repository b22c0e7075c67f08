// Probes: points where the model's Taylor data and PDE residual are read out rather than squared into a
// loss term. Interface conditions are built from them: the caller turns probe values into residuals and
// hands back their adjoints (gradient) or coefficient vectors (Jacobian rows). Device code.
#pragma once

#include "pigx/core/loss_head.hpp"

namespace pigx {

/// Probe values per point: the outputs' Taylor data [outputs][nc], then the PDE residuals [equations].
KOKKOS_INLINE_FUNCTION int probe_width(int outputs, int nc, int equations) {
  return outputs * nc + equations;
}

/// Writes each probe point's values into out(i, k) for points [a.begin, a.end) (i counts from a.begin).
template <class Residual>
struct ProbeForwardKernel {
  Residual res;
  HeadArgs a;
  View2 out;

  KOKKOS_INLINE_FUNCTION void operator()(int i) const {
    const int p = a.begin + i;
    const int nc = taylor_size(a.dim, a.order), ON = a.outputs * nc;
    double U[kMaxOutputs * kMaxComp], x[kMaxDim];
    MlpScratch s;
    head_forward(a, p, s, U, x);
    double r[kMaxEquations], J[kMaxEquations * kMaxOutputs * kMaxComp], Jc[kMaxEquations * kMaxCoefficients];
    res.eval(p, x, U, nc, r, J, Jc);
    for (int k = 0; k < ON; ++k) out(i, k) = U[k];
    for (int e = 0; e < res.count(); ++e) out(i, ON + e) = r[e];
  }
};

/// The adjoint of a probe point's values, A(i, k), pulled back to the MLP (reduction), the trained
/// coefficients (reduction) and the features (Fbar), like HeadKernel does for a squared residual.
template <class Residual>
struct ProbeReverseKernel : ArraySum {
  Residual res;
  HeadArgs a;
  View2 adjoint;

  ProbeReverseKernel(const Residual& r, const HeadArgs& args, View2 adj)
      : ArraySum{static_cast<unsigned>(args.mlp.size + args.ncoef)}, res(r), a(args), adjoint(adj) {}

  /// Ubar = A_U + sum_e A_R(e) dR_e/dU; coefficient adjoints into cbar.
  KOKKOS_INLINE_FUNCTION void pull_back(int i, const double* x, const double* U, double* Ubar,
                                        double* cbar) const {
    const int p = a.begin + i;
    const int nc = taylor_size(a.dim, a.order), ON = a.outputs * nc;
    double r[kMaxEquations], J[kMaxEquations * kMaxOutputs * kMaxComp], Jc[kMaxEquations * kMaxCoefficients];
    res.eval(p, x, U, nc, r, J, Jc);
    const int neq = res.count();
    for (int k = 0; k < ON; ++k) {
      double acc = adjoint(i, k);
      for (int e = 0; e < neq; ++e) acc += adjoint(i, ON + e) * J[e * ON + k];
      Ubar[k] = acc;
    }
    for (int j = 0; j < a.ncoef; ++j) {
      double acc = 0;
      for (int e = 0; e < neq; ++e) acc += adjoint(i, ON + e) * Jc[e * kMaxCoefficients + j];
      cbar[j] = acc;
    }
  }

  KOKKOS_INLINE_FUNCTION void operator()(int i, double* sum) const {
    const int p = a.begin + i;
    double U[kMaxOutputs * kMaxComp], x[kMaxDim], Ubar[kMaxOutputs * kMaxComp], cbar[kMaxCoefficients];
    MlpScratch s;
    head_forward(a, p, s, U, x);
    pull_back(i, x, U, Ubar, cbar);
    for (int j = 0; j < a.ncoef; ++j) sum[a.mlp.size + j] += cbar[j];
    double Fb[kMaxChannels * kMaxComp];
    head_reverse(a, x, s, Ubar, sum, Fb);
    store_feature_adjoint(a, p, Fb);
  }
};

/// One Jacobian row per probe point: row i of J is d(sum_k C(i, k) v_k(i)) / d theta (MLP and coefficient
/// columns here, Gaussian columns from the encoder's jacobian() with the Fbar written here).
template <class Residual>
struct ProbeJacobianKernel {
  ProbeReverseKernel<Residual> pull;
  View2 J;

  KOKKOS_INLINE_FUNCTION void operator()(int i) const {
    const HeadArgs& a = pull.a;
    const int p = a.begin + i;
    double U[kMaxOutputs * kMaxComp], x[kMaxDim], Ubar[kMaxOutputs * kMaxComp], cbar[kMaxCoefficients];
    MlpScratch s;
    head_forward(a, p, s, U, x);
    pull.pull_back(i, x, U, Ubar, cbar);
    for (int j = 0; j < a.ncoef; ++j) J(p, a.coef_offset + j) = cbar[j];
    double Fb[kMaxChannels * kMaxComp];
    head_reverse(a, x, s, Ubar, &J(p, a.mlp_offset), Fb);
    store_feature_adjoint(a, p, Fb);
  }
};

/// Runs the probe forward kernel over points [args.begin, args.end).
template <class Residual>
void run_probe_forward(const Residual& res, const HeadArgs& args, View2 out) {
  Kokkos::parallel_for("pigx::ProbeForwardKernel", Range(0, args.end - args.begin),
                       ProbeForwardKernel<Residual>{res, args, out});
}

/// Runs the probe reverse kernel and adds its MLP and coefficient gradients to args.mlp_grad/coef_grad.
template <class Residual>
void run_probe_reverse(const Residual& res, const HeadArgs& args, View2 adjoint) {
  const int n = args.end - args.begin;
  std::vector<double> out(args.mlp.size + args.ncoef, 0.0);
  if (n > 0) {
    Kokkos::View<double*, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>> result(out.data(),
                                                                                             out.size());
    Kokkos::parallel_reduce("pigx::ProbeReverseKernel", Range(0, n),
                            ProbeReverseKernel<Residual>(res, args, adjoint), result);
  }
  for (int i = 0; i < args.mlp.size; ++i) args.mlp_grad[i] += out[i];
  for (int j = 0; j < args.ncoef; ++j) args.coef_grad[j] += out[args.mlp.size + j];
}

/// Runs the probe Jacobian kernel: rows [args.begin, args.end) of J with coefficient vectors C.
template <class Residual>
void run_probe_jacobian(const Residual& res, const HeadArgs& args, View2 coefficients, View2 J) {
  Kokkos::parallel_for(
      "pigx::ProbeJacobianKernel", Range(0, args.end - args.begin),
      ProbeJacobianKernel<Residual>{ProbeReverseKernel<Residual>(res, args, coefficients), J});
}

}  // namespace pigx
