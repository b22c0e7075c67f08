// Layout of Taylor data: value, gradient and upper-triangular Hessian of a field at a point.
#pragma once

#include "pigx/core/types.hpp"

namespace pigx {

/// Number of Taylor components up to derivative `order` (0, 1 or 2) in dimension dim.
KOKKOS_INLINE_FUNCTION constexpr int taylor_size(int dim, int order) {
  return order == 0 ? 1 : (order == 1 ? 1 + dim : 1 + dim + dim * (dim + 1) / 2);
}

/// Index of the gradient component d/dx_a.
KOKKOS_INLINE_FUNCTION constexpr int grad_index(int a) {
  return 1 + a;
}

/// Index of the Hessian component d2/dx_a dx_b (any order of a and b).
KOKKOS_INLINE_FUNCTION constexpr int hess_index(int dim, int a, int b) {
  return a > b ? hess_index(dim, b, a) : 1 + dim + a * dim - a * (a - 1) / 2 + (b - a);
}

/// Read access to the Taylor data of all outputs at one point, as used by PDE residuals.
/// S is double or a Dual number; data is laid out [output][component].
template <class S>
struct Taylor {
  const S* data;
  int dim;
  int ncomp;

  /// Value of output o.
  KOKKOS_INLINE_FUNCTION const S& u(int o = 0) const { return data[o * ncomp]; }
  /// First derivative of output o along axis a.
  KOKKOS_INLINE_FUNCTION const S& d(int a, int o = 0) const { return data[o * ncomp + grad_index(a)]; }
  /// Second derivative of output o along axes a and b.
  KOKKOS_INLINE_FUNCTION const S& dd(int a, int b, int o = 0) const {
    return data[o * ncomp + hess_index(dim, a, b)];
  }
};

}  // namespace pigx
