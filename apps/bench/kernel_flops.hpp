// Floating-point operations per Gaussian-point pair in the forward feature kernel
// (PackedForwardKernel in src/core/gaussian_kernels.hpp), counted from its source: an FMA counts as 2, the
// vectorisable exp as the arithmetic it executes (pigx::math::kExpFlops). Only pairs inside the cut-off are
// counted, so work spent on rejected candidates is not credited.
#pragma once

#include "pigx/core/fast_exp.hpp"

/// Flops of one pair at input dimension D, diagonal or full precision, derivative order 0, 1 or 2.
inline double forward_pair_flops(int D, bool diag, int order) {
  double f = D;                            // dx = x - mu
  f += diag ? D : D * (2 * D - 1);         // gv = P dx
  f += 2 * D - 1;                          // q = dx . gv
  f += 1 + pigx::math::kExpFlops + 1 + 1;  // -q/2, exp, w * exp, value sum
  if (order >= 1) f += 2 * D;              // gradient: acc -= e * gv
  if (order >= 2) {
    const double diagonal = D, off = D * (D - 1) / 2.0;
    f += 4 * diagonal + (diag ? 3 : 4) * off;  // Hessian: acc += e * (gv_a gv_b - P_ab)
  }
  return f;
}
