// Hard zero Dirichlet boundary: the network output N(x) is multiplied by a known factor
// g(x) = phi(x)^p, phi(x) = prod_d (x_d - lo_d)(hi_d - x_d) / (extent_d / 2)^2 over the non-periodic
// spatial axes, so that u = g N vanishes on the spatial boundary for any parameters. p = 1 is the usual
// distance factor; p = 1/2 gives u ~ sqrt(distance) at the wall, the layer degenerate diffusion forms.
// With a growth c, g = (phi / sqrt(phi^2 + c^2 (t - t0)))^p: g = 1 at t = t0, so an initial value that is
// not 0 on the walls stays free; later the walls close within a layer of phi-width c sqrt(t - t0), the
// way a diffusive wall layer grows, and away from the walls g stays near 1, smooth in t. The linear layer,
// g = (phi / (phi + c (t - t0)))^p, widens like c (t - t0) instead.
// Both are R^p with R = phi (phi^q + c^q (t - t0))^(-1/q), q = 2 or 1.
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
  int time_axis = -1;   ///< the time axis (for the growth), or -1
  double t0 = 0;        ///< start time
  double growth = 0;    ///< growth c of the wall layer (phi-width c sqrt(t - t0)); 0: g = phi^p at all times
  int layer_order = 2;  ///< q: the layer's phi-width grows like c (t - t0)^(1/q); 2 diffusive, 1 linear

  /// Whether the factor multiplies the output.
  KOKKOS_INLINE_FUNCTION bool active() const { return naxes > 0; }

  /// Taylor data G[taylor_size(dim, order)] of g at the physical point x.
  KOKKOS_INLINE_FUNCTION void taylor(const double* x, int dim, int order, double* G) const {
    const int nc = taylor_size(dim, order);
    double R[kMaxComp];
    wall_ratio(x, dim, order, R);
    // g = R^p. At R = 0 (a wall) the derivatives of R^p (p < 2) are unbounded: evaluate them just inside.
    const double Rs = R[0] > 1e-14 ? R[0] : 1e-14, Rp = math::exp(power * math::log(Rs));
    const double d1 = power * Rp / Rs, d2 = power * (power - 1) * Rp / (Rs * Rs);
    G[0] = R[0] > 1e-14 ? Rp : R[0] > 0 ? math::exp(power * math::log(R[0])) : 0.0;  // Rp is R^p inside
    for (int j = 1; j < nc; ++j) G[j] = d1 * R[j];
    if (order >= 2)
      for (int a = 0; a < dim; ++a)
        for (int b = a; b < dim; ++b) G[hess_index(dim, a, b)] += d2 * R[grad_index(a)] * R[grad_index(b)];
  }

  /// Taylor data of R = phi, or phi / sqrt(phi^2 + c^2 (t - t0)) with a growth c (R = 1 on a wall at t0).
  KOKKOS_INLINE_FUNCTION void wall_ratio(const double* x, int dim, int order, double* R) const {
    const int nc = taylor_size(dim, order);
    double P[kMaxComp];
    for (int j = 0; j < nc; ++j) P[j] = 0;
    // phi = prod_k f_k(x_{axis k}), each f_k a quadratic: products over all axes but a (and b).
    double f[kMaxDim], f1[kMaxDim], f2[kMaxDim];
    for (int k = 0; k < naxes; ++k) {
      const double h = 0.5 * (hi[k] - lo[k]), c = 1.0 / (h * h), xd = x[axis[k]];
      f[k] = (xd - lo[k]) * (hi[k] - xd) * c;
      f1[k] = (hi[k] + lo[k] - 2 * xd) * c;
      f2[k] = -2 * c;
    }
    auto rest = [&](int a, int b) {
      double r = 1;
      for (int k = 0; k < naxes; ++k)
        if (k != a && k != b) r *= f[k];
      return r;
    };
    P[0] = rest(-1, -1);
    if (order >= 1)
      for (int a = 0; a < naxes; ++a) P[grad_index(axis[a])] = f1[a] * rest(a, -1);
    if (order >= 2)
      for (int a = 0; a < naxes; ++a) {
        P[hess_index(dim, axis[a], axis[a])] = f2[a] * rest(a, -1);
        for (int b = a + 1; b < naxes; ++b) P[hess_index(dim, axis[a], axis[b])] = f1[a] * f1[b] * rest(a, b);
      }
    if (!(growth > 0 && time_axis >= 0)) {
      for (int j = 0; j < nc; ++j) R[j] = P[j];
      return;
    }
    // R = P W with W = Q^(-1/q), Q = P^q + c^q (t - t0): Q_a = q P^(q-1) P_a (+ c^q along t),
    // Q_ab = q P^(q-1) P_ab + q (q-1) P^(q-2) P_a P_b (q is 1 or 2, so no negative power of P appears).
    const int q = layer_order;
    auto root = [q](double v) { return q == 1 ? v : math::sqrt(v); };                // v^(1/q)
    const double cq = q == 1 ? growth : growth * growth, Pq1 = q == 1 ? 1.0 : P[0];  // c^q, P^(q-1)
    const double Q = Pq1 * P[0] + cq * (x[time_axis] - t0), Qs = Q > 1e-28 ? Q : 1e-28;
    const double rootQs = root(Qs), W = 1 / rootQs, inv_q = 1.0 / q;
    const double W1 = -inv_q * W / Qs, W2 = inv_q * (inv_q + 1) * W / (Qs * Qs);
    R[0] = Q > 1e-28 ? P[0] / rootQs : Q > 0 ? P[0] / root(Q) : 1.0;
    if (order < 1) return;
    double Qd[kMaxDim], Wd[kMaxDim];
    for (int a = 0; a < dim; ++a) {
      Qd[a] = q * Pq1 * P[grad_index(a)] + (a == time_axis ? cq : 0.0);
      Wd[a] = W1 * Qd[a];
      R[grad_index(a)] = P[grad_index(a)] * W + P[0] * Wd[a];
    }
    if (order < 2) return;
    for (int a = 0; a < dim; ++a)
      for (int b = a; b < dim; ++b) {
        const int i = hess_index(dim, a, b), ia = grad_index(a), ib = grad_index(b);
        const double Qab = q * Pq1 * P[i] + q * (q - 1) * P[ia] * P[ib];
        const double Wab = W2 * Qd[a] * Qd[b] + W1 * Qab;
        R[i] = P[i] * W + P[ia] * Wd[b] + P[ib] * Wd[a] + P[0] * Wab;
      }
  }

  /// U <- g U for every output: U holds [outputs][nc] Taylor data of N on entry, of u on exit.
  KOKKOS_INLINE_FUNCTION void apply(const double* x, int dim, int order, int outputs, double* U) const {
    multiply<false>(x, dim, order, outputs, U);
  }

  /// Ubar <- (d u / d N)^T Ubar: adjoints of u's Taylor data on entry, of N's on exit (transpose of apply).
  KOKKOS_INLINE_FUNCTION void apply_adjoint(const double* x, int dim, int order, int outputs,
                                            double* Ubar) const {
    multiply<true>(x, dim, order, outputs, Ubar);
  }

  /// Calls term(iu, ig, in) for every product G[ig] N[in] that u[iu] sums (product rule up to `order`).
  template <class Term>
  KOKKOS_INLINE_FUNCTION static void product_terms(int dim, int order, const Term& term) {
    term(0, 0, 0);
    if (order < 1) return;
    for (int a = 0; a < dim; ++a) {
      const int i = grad_index(a);
      term(i, i, 0);
      term(i, 0, i);
    }
    if (order < 2) return;
    for (int a = 0; a < dim; ++a)
      for (int b = a; b < dim; ++b) {
        const int i = hess_index(dim, a, b), ia = grad_index(a), ib = grad_index(b);
        term(i, i, 0);
        term(i, ia, ib);
        term(i, ib, ia);
        term(i, 0, i);
      }
  }

  /// The linear map N -> u = g N on Taylor data (Adjoint: its transpose), in place on [outputs][nc].
  template <bool Adjoint>
  KOKKOS_INLINE_FUNCTION void multiply(const double* x, int dim, int order, int outputs, double* V) const {
    if (!active()) return;
    double G[kMaxComp];
    taylor(x, dim, order, G);
    const int nc = taylor_size(dim, order);
    for (int o = 0; o < outputs; ++o) {
      double* v = V + o * nc;
      double in[kMaxComp];
      for (int j = 0; j < nc; ++j) {
        in[j] = v[j];
        v[j] = 0;
      }
      product_terms(dim, order, [&](int iu, int ig, int iN) {
        if (Adjoint)
          v[iN] += G[ig] * in[iu];
        else
          v[iu] += G[ig] * in[iN];
      });
    }
  }
};

/// The factor of a problem's box: every axis that is neither the time axis nor periodic; power p; growth
/// c of the wall layer from the start of the time axis (0: none) and its order q (2 diffusive, 1 linear).
inline BoundaryFactor make_boundary_factor(const Box& domain, int time_axis, double power, double growth = 0,
                                           int layer_order = 2) {
  BoundaryFactor g;
  if (!(power > 0)) return g;
  g.power = power;
  g.time_axis = time_axis;
  g.t0 = time_axis >= 0 ? domain.lo[time_axis] : 0;
  g.growth = time_axis >= 0 ? growth : 0;
  g.layer_order = layer_order;
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
