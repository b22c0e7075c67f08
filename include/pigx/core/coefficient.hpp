// A scalar PDE coefficient that may be trained (inverse problems): declared once in the equation type and
// read in the residual through get<S>(), which makes it one more dual-number direction when it is trained.
#pragma once

#include <type_traits>

#include "pigx/core/types.hpp"

namespace pigx {

/// Largest number of PDE coefficients trained together (extra dual directions of the residual).
constexpr int kMaxCoefficients = 2;

/// A PDE coefficient. `value` is the configured value (problem.<name>); the residual reads the coefficient
/// of its operator with get<S>(): the trained value, seeded as dual direction `dir`, while it is trained,
/// otherwise `value`. Terms that are known data (e.g. a source made with the true coefficient) keep
/// reading `value`. Plain data, copied into the kernels.
struct Coefficient {
  double value = 0;
  double trained = 0;  ///< current trained value (set per evaluation by PdeAdaptor)
  int dir = -1;        ///< dual direction of the trained coefficient; -1 while it is not trained

  KOKKOS_INLINE_FUNCTION Coefficient() = default;
  /// A coefficient with configured value v (so it is declared like a double: `Coefficient k = 1;`).
  KOKKOS_INLINE_FUNCTION Coefficient(double v) : value(v) {}  // NOLINT: implicit by design

  /// The operator's coefficient as scalar type S (double or a Dual with its derivative seeded).
  template <class S>
  KOKKOS_INLINE_FUNCTION S get() const {
    if constexpr (std::is_same_v<S, double>) {
      return dir >= 0 ? trained : value;
    } else {
      S r(dir >= 0 ? trained : value);
      if (dir >= 0 && dir < static_cast<int>(sizeof(r.g) / sizeof(r.g[0]))) r.g[dir] = 1.0;
      return r;
    }
  }
};

}  // namespace pigx
