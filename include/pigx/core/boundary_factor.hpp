// Hard zero Dirichlet boundary: the network output N(x) is multiplied by a known factor
// g(x) = phi(x)^p, phi(x) = prod_d (x_d - lo_d)(hi_d - x_d) / (extent_d / 2)^2 over the non-periodic
// spatial axes, so that u = g N vanishes on the spatial boundary for any parameters. p = 1 is the usual
// distance factor; p = 1/2 gives u ~ sqrt(distance) at the wall, the layer degenerate diffusion forms.
// With an onset time tau, g = phi^p + (1 - phi^p) exp(-(t - t0) / tau): g = 1 at t = t0, so an initial
// value that is not 0 on the walls stays free, and the walls close within a few tau.
// Device code: applied to the Taylor data after the MLP, and its transpose to their adjoints before it.
#pragma once

#include "pigx/core/box.hpp"
#include "pigx/core/taylor.hpp"

namespace pigx {

/// The factor's axes, their ends and the power; plain data for kernels. No axes: the factor is 1 (off).
struct BoundaryFactor {
  int naxes = 0;
  int axis[kMaxDim] = {};
  double lo[kMaxDim] = {}, hi[kMaxDim] = {};
  double power = 1.0;
  int time_axis = -1;  ///< the time axis (for the onset), or -1
  double t0 = 0;       ///< start time
  double onset = 0;    ///< onset time tau; 0: g = phi^p at all times

  /// Whether the factor multiplies the output.
  KOKKOS_INLINE_FUNCTION bool active() const { return naxes > 0; }

  /// Taylor data G[taylor_size(dim, order)] of g at the physical point x.
  KOKKOS_INLINE_FUNCTION void taylor(const double* x, int dim, int order, double* G) const {
    const int nc = taylor_size(dim, order);
    for (int j = 0; j < nc; ++j) G[j] = 0;
    // g = prod_k q_k(x_{axis k}) with q = f^p; q1, q2 are its first and second derivatives.
    double q[kMaxDim], q1[kMaxDim], q2[kMaxDim];
    for (int k = 0; k < naxes; ++k) {
      const double h = 0.5 * (hi[k] - lo[k]), c = 1.0 / (h * h), xd = x[axis[k]];
      const double f = (xd - lo[k]) * (hi[k] - xd) * c, df = (hi[k] + lo[k] - 2 * xd) * c, ddf = -2 * c;
      q[k] = f > 0 ? math::exp(power * math::log(f)) : 0.0;
      // On the wall itself the derivatives of f^p (p < 2) are unbounded: evaluate them just inside.
      const double fs = f > 1e-14 ? f : 1e-14, qs = math::exp(power * math::log(fs));
      q1[k] = power * qs / fs * df;
      q2[k] = power * (power - 1) * qs / (fs * fs) * df * df + power * qs / fs * ddf;
    }
    // Products over all axes but a (and b) of q.
    auto rest = [&](int a, int b) {
      double r = 1;
      for (int k = 0; k < naxes; ++k)
        if (k != a && k != b) r *= q[k];
      return r;
    };
    G[0] = rest(-1, -1);
    if (order >= 1)
      for (int a = 0; a < naxes; ++a) G[grad_index(axis[a])] = q1[a] * rest(a, -1);
    if (order >= 2)
      for (int a = 0; a < naxes; ++a) {
        G[hess_index(dim, axis[a], axis[a])] = q2[a] * rest(a, -1);
        for (int b = a + 1; b < naxes; ++b)
          G[hess_index(dim, axis[a], axis[b])] = q1[a] * q1[b] * rest(a, b);
      }
    if (onset > 0 && time_axis >= 0) blend_onset(x[time_axis], dim, order, G);
  }

  /// G <- G (1 - e) + e with e = exp(-(t - t0) / tau); G holds phi^p's Taylor data (no t dependence).
  KOKKOS_INLINE_FUNCTION void blend_onset(double t, int dim, int order, double* G) const {
    const double e = math::exp(-(t - t0) / onset), e1 = -e / onset, e2 = e / (onset * onset);
    const int ta = time_axis;
    const double P = G[0];
    if (order >= 2) {
      for (int a = 0; a < dim; ++a)
        for (int b = a; b < dim; ++b) G[hess_index(dim, a, b)] *= 1 - e;
      for (int a = 0; a < dim; ++a)
        if (a != ta) G[hess_index(dim, a, ta)] = -G[grad_index(a)] * e1;
      G[hess_index(dim, ta, ta)] = (1 - P) * e2;
    }
    if (order >= 1) {
      for (int a = 0; a < dim; ++a) G[grad_index(a)] *= 1 - e;
      G[grad_index(ta)] = (1 - P) * e1;
    }
    G[0] = P * (1 - e) + e;
  }

  /// U <- g U for every output: U holds [outputs][nc] Taylor data of N on entry, of u on exit.
  KOKKOS_INLINE_FUNCTION void apply(const double* x, int dim, int order, int outputs, double* U) const {
    if (!active()) return;
    double G[kMaxComp];
    taylor(x, dim, order, G);
    const int nc = taylor_size(dim, order);
    for (int o = 0; o < outputs; ++o) {
      double* u = U + o * nc;
      double N[kMaxComp];
      for (int j = 0; j < nc; ++j) N[j] = u[j];
      u[0] = G[0] * N[0];
      if (order < 1) continue;
      for (int a = 0; a < dim; ++a) {
        const int i = grad_index(a);
        u[i] = G[i] * N[0] + G[0] * N[i];
      }
      if (order < 2) continue;
      for (int a = 0; a < dim; ++a)
        for (int b = a; b < dim; ++b) {
          const int i = hess_index(dim, a, b), ia = grad_index(a), ib = grad_index(b);
          u[i] = G[i] * N[0] + G[ia] * N[ib] + G[ib] * N[ia] + G[0] * N[i];
        }
    }
  }

  /// Ubar <- (d u / d N)^T Ubar: adjoints of u's Taylor data on entry, of N's on exit (transpose of apply).
  KOKKOS_INLINE_FUNCTION void apply_adjoint(const double* x, int dim, int order, int outputs,
                                            double* Ubar) const {
    if (!active()) return;
    double G[kMaxComp];
    taylor(x, dim, order, G);
    const int nc = taylor_size(dim, order);
    for (int o = 0; o < outputs; ++o) {
      double* ub = Ubar + o * nc;
      double Nb[kMaxComp];
      for (int j = 0; j < nc; ++j) Nb[j] = G[0] * ub[j];
      for (int j = 1; j < nc; ++j) Nb[0] += G[j] * ub[j];
      if (order >= 2)
        for (int a = 0; a < dim; ++a)
          for (int b = a; b < dim; ++b) {
            const int i = hess_index(dim, a, b), ia = grad_index(a), ib = grad_index(b);
            Nb[ib] += G[ia] * ub[i];
            Nb[ia] += G[ib] * ub[i];
          }
      for (int j = 0; j < nc; ++j) ub[j] = Nb[j];
    }
  }
};

/// The factor of a problem's box: every axis that is neither the time axis nor periodic; power p; onset
/// time tau from the start of the time axis (0: none).
inline BoundaryFactor make_boundary_factor(const Box& domain, int time_axis, double power, double onset = 0) {
  BoundaryFactor g;
  if (!(power > 0)) return g;
  g.power = power;
  g.time_axis = time_axis;
  g.t0 = time_axis >= 0 ? domain.lo[time_axis] : 0;
  g.onset = time_axis >= 0 ? onset : 0;
  for (int d = 0; d < domain.dim; ++d) {
    if (d == time_axis || domain.periodic[d]) continue;
    g.axis[g.naxes] = d;
    g.lo[g.naxes] = domain.lo[d];
    g.hi[g.naxes] = domain.hi[d];
    ++g.naxes;
  }
  return g;
}

}  // namespace pigx
