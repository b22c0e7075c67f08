// The MLP decoder on Taylor data: forward propagation of value, gradient and Hessian through the
// layers, and the exact reverse pass for parameter gradients and feature adjoints. Device code.
#pragma once

#include "pigx/core/model_spec.hpp"
#include "pigx/core/taylor.hpp"
#include "pigx/core/types.hpp"

namespace pigx {

/// Activation value and first three derivatives at z.
struct ActivationDerivs {
  double s0, s1, s2, s3;
};

/// Evaluates activation `kind` (0 tanh, 1 sin) and its derivatives.
KOKKOS_INLINE_FUNCTION ActivationDerivs activation_derivs(int kind, double z) {
  if (kind == 0) {
    const double t = math::tanh(z), s1 = 1 - t * t, s2 = -2 * t * s1;
    return {t, s1, s2, -2 * s1 * s1 + 4 * t * t * s1};
  }
  const double s = math::sin(z), c = math::cos(z);
  return {s, c, -s, -c};
}

/// Per-point work space of the MLP: the Taylor data entering each layer and each hidden pre-activation.
struct MlpScratch {
  double a[kMaxLayers][kMaxWidth * kMaxComp];      ///< input of layer l, [unit][comp]
  double z[kMaxLayers - 1][kMaxWidth * kMaxComp];  ///< pre-activation of hidden layer l
};

/// Applies the activation to Taylor data z (nc components, dimension dim) giving h.
KOKKOS_INLINE_FUNCTION void activation_forward(int kind, int dim, int order, const double* z, double* h) {
  const ActivationDerivs s = activation_derivs(kind, z[0]);
  h[0] = s.s0;
  if (order < 1) return;
  for (int a = 0; a < dim; ++a) h[grad_index(a)] = s.s1 * z[grad_index(a)];
  if (order < 2) return;
  for (int a = 0; a < dim; ++a)
    for (int b = a; b < dim; ++b) {
      const int ab = hess_index(dim, a, b);
      h[ab] = s.s2 * z[grad_index(a)] * z[grad_index(b)] + s.s1 * z[ab];
    }
}

/// Reverse of activation_forward: adds to zbar the adjoint given hbar.
KOKKOS_INLINE_FUNCTION void activation_reverse(int kind, int dim, int order, const double* z,
                                               const double* hbar, double* zbar) {
  const ActivationDerivs s = activation_derivs(kind, z[0]);
  zbar[0] += hbar[0] * s.s1;
  if (order < 1) return;
  for (int a = 0; a < dim; ++a) {
    const int ia = grad_index(a);
    zbar[ia] += hbar[ia] * s.s1;
    zbar[0] += hbar[ia] * s.s2 * z[ia];
  }
  if (order < 2) return;
  for (int a = 0; a < dim; ++a)
    for (int b = a; b < dim; ++b) {
      const int ab = hess_index(dim, a, b), ia = grad_index(a), ib = grad_index(b);
      const double hb = hbar[ab];
      zbar[ab] += hb * s.s1;
      zbar[ia] += hb * s.s2 * z[ib];
      zbar[ib] += hb * s.s2 * z[ia];
      zbar[0] += hb * (s.s3 * z[ia] * z[ib] + s.s2 * z[ab]);
    }
}

/// Forward pass: features F [channels][nc] -> outputs U [outputs][nc]; keeps what the reverse pass needs.
/// `p` points at the MLP block of the parameter vector.
KOKKOS_INLINE_FUNCTION void mlp_forward(const MlpDesc& m, const double* p, int dim, int order,
                                        const double* F, MlpScratch& s, double* U) {
  const int nc = taylor_size(dim, order);
  for (int i = 0; i < m.width[0] * nc; ++i) s.a[0][i] = F[i];
  for (int l = 0; l < m.layers; ++l) {
    const int nin = m.width[l], nout = m.width[l + 1];
    const double* W = p + m.w_off[l];
    const double* b = p + m.b_off[l];
    const bool last = l == m.layers - 1;
    double* z = last ? U : s.z[l];
    for (int i = 0; i < nout; ++i) {
      double* zi = z + i * nc;
      for (int c = 0; c < nc; ++c) zi[c] = 0;
      zi[0] = b[i];
      for (int j = 0; j < nin; ++j) {
        const double wij = W[i * nin + j];
        const double* aj = s.a[l] + j * nc;
        for (int c = 0; c < nc; ++c) zi[c] += wij * aj[c];
      }
      if (!last) activation_forward(m.activation, dim, order, zi, s.a[l + 1] + i * nc);
    }
  }
}

/// Reverse pass: given Ubar [outputs][nc], adds the MLP parameter gradient to `grad` (same layout as p)
/// and writes the feature adjoint Fbar [channels][nc]. Overwrites the scratch's z with adjoints.
KOKKOS_INLINE_FUNCTION void mlp_reverse(const MlpDesc& m, const double* p, int dim, int order, MlpScratch& s,
                                        const double* Ubar, double* grad, double* Fbar) {
  const int nc = taylor_size(dim, order);
  double bar_a[kMaxWidth * kMaxComp];
  double bar_z[kMaxWidth * kMaxComp];
  for (int i = 0; i < m.width[m.layers] * nc; ++i) bar_z[i] = Ubar[i];
  for (int l = m.layers - 1; l >= 0; --l) {
    const int nin = m.width[l], nout = m.width[l + 1];
    const double* W = p + m.w_off[l];
    double* gW = grad + m.w_off[l];
    double* gb = grad + m.b_off[l];
    for (int j = 0; j < nin * nc; ++j) bar_a[j] = 0;
    for (int i = 0; i < nout; ++i) {
      const double* zb = bar_z + i * nc;
      gb[i] += zb[0];
      for (int j = 0; j < nin; ++j) {
        const double* aj = s.a[l] + j * nc;
        double acc = 0;
        for (int c = 0; c < nc; ++c) acc += zb[c] * aj[c];
        gW[i * nin + j] += acc;
        const double wij = W[i * nin + j];
        double* abj = bar_a + j * nc;
        for (int c = 0; c < nc; ++c) abj[c] += wij * zb[c];
      }
    }
    if (l == 0) {
      for (int j = 0; j < nin * nc; ++j) Fbar[j] = bar_a[j];
    } else {
      for (int j = 0; j < nin * nc; ++j) bar_z[j] = 0;
      for (int j = 0; j < nin; ++j)
        activation_reverse(m.activation, dim, order, s.z[l - 1] + j * nc, bar_a + j * nc, bar_z + j * nc);
    }
  }
}

}  // namespace pigx
