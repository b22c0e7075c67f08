// Axis-aligned boxes: the domain of a problem and the normalised box the model works in.
#pragma once

#include "pigx/core/types.hpp"

namespace pigx {

/// An axis-aligned box of dimension dim with optional periodic axes; plain data, usable in kernels.
struct Box {
  int dim = 0;
  double lo[kMaxDim] = {0, 0, 0, 0};
  double hi[kMaxDim] = {0, 0, 0, 0};
  bool periodic[kMaxDim] = {false, false, false, false};

  /// Extent of axis d.
  KOKKOS_INLINE_FUNCTION double extent(int d) const { return hi[d] - lo[d]; }
};

/// Affine map from a physical box onto the model box: xi = mlo + (x - lo) * scale.
struct AffineMap {
  int dim = 0;
  double lo[kMaxDim] = {0, 0, 0, 0};
  double mlo[kMaxDim] = {0, 0, 0, 0};
  double scale[kMaxDim] = {1, 1, 1, 1};

  /// Maps one coordinate to the model box.
  KOKKOS_INLINE_FUNCTION double apply(int d, double x) const { return mlo[d] + (x - lo[d]) * scale[d]; }
};

/// Builds the map from `physical` onto the box [model_lo, model_hi]^dim.
inline AffineMap make_affine_map(const Box& physical, double model_lo, double model_hi) {
  AffineMap m;
  m.dim = physical.dim;
  for (int d = 0; d < physical.dim; ++d) {
    m.lo[d] = physical.lo[d];
    m.mlo[d] = model_lo;
    m.scale[d] = (model_hi - model_lo) / physical.extent(d);
  }
  return m;
}

/// The image of `physical` under `map` (periodicity carried over).
inline Box mapped_box(const Box& physical, const AffineMap& map) {
  Box b = physical;
  for (int d = 0; d < physical.dim; ++d) {
    b.lo[d] = map.apply(d, physical.lo[d]);
    b.hi[d] = map.apply(d, physical.hi[d]);
  }
  return b;
}

}  // namespace pigx
