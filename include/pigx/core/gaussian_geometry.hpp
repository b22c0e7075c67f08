// One Gaussian's shape from its raw parameters (mean, log-width, rotation) and the chain rule back
// from the precision matrix to those parameters. Device code shared by all encoder kernels.
#pragma once

#include "pigx/core/model_spec.hpp"
#include "pigx/core/types.hpp"

namespace pigx {

/// Shape of one Gaussian: exp(-1/2 (x-mu)^T P (x-mu)), P = R diag(1/sigma^2) R^T.
struct GaussianShape {
  double mu[kMaxDim];
  double sigma[kMaxDim];
  double R[kMaxDim][kMaxDim];
  double P[kMaxDim][kMaxDim];
};

/// Rotation matrix of a unit quaternion qh = (w, x, y, z) and its derivatives dR[k] = dR/dqh_k.
KOKKOS_INLINE_FUNCTION void quaternion_rotation(const double* qh, double R[3][3], double dR[4][3][3]) {
  const double w = qh[0], x = qh[1], y = qh[2], z = qh[3];
  const double r[3][3] = {{1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)},
                          {2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)},
                          {2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)}};
  const double d[4][3][3] = {{{0, -2 * z, 2 * y}, {2 * z, 0, -2 * x}, {-2 * y, 2 * x, 0}},
                             {{0, 2 * y, 2 * z}, {2 * y, -4 * x, -2 * w}, {2 * z, 2 * w, -4 * x}},
                             {{-4 * y, 2 * x, 2 * w}, {2 * x, 0, 2 * z}, {-2 * w, 2 * z, -4 * y}},
                             {{-4 * z, -2 * w, 2 * x}, {2 * w, -4 * z, 2 * y}, {2 * x, 2 * y, 0}}};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      R[i][j] = r[i][j];
      for (int k = 0; k < 4; ++k) dR[k][i][j] = d[k][i][j];
    }
}

/// Reads Gaussian g's raw parameters from theta and builds its shape.
KOKKOS_INLINE_FUNCTION void gaussian_shape(const ParamLayout& L, double sigma_min, const double* theta, int g,
                                           GaussianShape& s) {
  const int D = L.dim;
  for (int i = 0; i < D; ++i) {
    s.mu[i] = theta[L.mu + g * D + i];
    s.sigma[i] = sigma_min + math::exp(theta[L.log_width + g * D + i]);
    for (int j = 0; j < D; ++j) s.R[i][j] = i == j ? 1.0 : 0.0;
  }
  if (L.nrot == 1) {
    const double t = theta[L.rotation + g], c = math::cos(t), sn = math::sin(t);
    s.R[0][0] = c, s.R[0][1] = -sn, s.R[1][0] = sn, s.R[1][1] = c;
  } else if (L.nrot == 4) {
    const double* q = theta + L.rotation + 4 * g;
    const double n = math::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
    const double qh[4] = {q[0] / n, q[1] / n, q[2] / n, q[3] / n};
    double dR[4][3][3];
    double R3[3][3];
    quaternion_rotation(qh, R3, dR);
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) s.R[i][j] = R3[i][j];
  }
  for (int i = 0; i < D; ++i)
    for (int j = 0; j < D; ++j) {
      double acc = 0;
      for (int k = 0; k < D; ++k) acc += s.R[i][k] * s.R[j][k] / (s.sigma[k] * s.sigma[k]);
      s.P[i][j] = acc;
    }
}

/// Half extent along axis i of the box holding the ellipsoid q <= qcut: sqrt(qcut * (P^-1)_ii).
KOKKOS_INLINE_FUNCTION double gaussian_half_extent(const GaussianShape& s, int D, int i, double qcut) {
  double var = 0;
  for (int k = 0; k < D; ++k) var += s.R[i][k] * s.R[i][k] * s.sigma[k] * s.sigma[k];
  return math::sqrt(qcut * var);
}

/// Chain rule from the adjoint of P (symmetric, Pbar) to the log-width and rotation parameters of
/// Gaussian g; writes d/ds into gs[D] and d/drotation into grot[nrot].
KOKKOS_INLINE_FUNCTION void precision_reverse(const ParamLayout& L, const double* theta, int g,
                                              const GaussianShape& s, const double Pbar[kMaxDim][kMaxDim],
                                              double* gs, double* grot) {
  const int D = L.dim;
  // lambda_j = 1/sigma_j^2; lambda_bar_j = (R^T Pbar R)_jj; R_bar = 2 Pbar R Lambda.
  double PR[kMaxDim][kMaxDim];
  for (int i = 0; i < D; ++i)
    for (int j = 0; j < D; ++j) {
      double acc = 0;
      for (int k = 0; k < D; ++k) acc += Pbar[i][k] * s.R[k][j];
      PR[i][j] = acc;
    }
  for (int j = 0; j < D; ++j) {
    double lbar = 0;
    for (int i = 0; i < D; ++i) lbar += s.R[i][j] * PR[i][j];
    const double sg = s.sigma[j];
    const double sigma_bar = lbar * (-2.0 / (sg * sg * sg));
    gs[j] = sigma_bar * math::exp(theta[L.log_width + g * D + j]);
  }
  if (L.nrot == 0) return;
  double Rbar[kMaxDim][kMaxDim];
  for (int i = 0; i < D; ++i)
    for (int j = 0; j < D; ++j) Rbar[i][j] = 2.0 * PR[i][j] / (s.sigma[j] * s.sigma[j]);
  if (L.nrot == 1) {
    const double t = theta[L.rotation + g], c = math::cos(t), sn = math::sin(t);
    grot[0] = -sn * Rbar[0][0] - c * Rbar[0][1] + c * Rbar[1][0] - sn * Rbar[1][1];
    return;
  }
  const double* q = theta + L.rotation + 4 * g;
  const double n = math::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
  const double qh[4] = {q[0] / n, q[1] / n, q[2] / n, q[3] / n};
  double R3[3][3], dR[4][3][3];
  quaternion_rotation(qh, R3, dR);
  double qhbar[4], dot = 0;
  for (int k = 0; k < 4; ++k) {
    double acc = 0;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) acc += Rbar[i][j] * dR[k][i][j];
    qhbar[k] = acc;
    dot += acc * qh[k];
  }
  for (int k = 0; k < 4; ++k) grot[k] = (qhbar[k] - qh[k] * dot) / n;
}

}  // namespace pigx
