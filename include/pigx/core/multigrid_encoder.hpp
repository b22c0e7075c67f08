// The multigrid feature encoder: on each level l a uniform cubic B-spline tensor product with
// grid_cells * 2^l cells per axis of the model box and `channels` values per control point;
// F_c(x) = sum over levels and control points of theta * B(x). C2, so second derivatives are exact;
// periodic axes wrap their control points.
#pragma once

#include "pigx/core/encoder.hpp"
#include "pigx/core/model_spec.hpp"

namespace pigx {

/// Evaluates multigrid B-spline features and their adjoints. Does not modify Fbar.
class MultigridEncoder : public Encoder {
 public:
  /// Creates the encoder for a validated spec (spec.periodic must match the domain's periodic axes); `map`
  /// takes the physical domain onto the model box.
  MultigridEncoder(const ModelSpec& spec, const Box& physical_domain, const AffineMap& map);

  /// Keeps theta (device) for forward().
  void prepare(ConstView1 theta, const PointBatch& batch) override;
  /// Writes (or adds) F(p, c, comp) (physical derivatives up to the point's order) for every batch point.
  void forward(const PointBatch& batch, View3 F, bool add) const override;
  /// Writes the gradient of sum_p Fbar(p) . F(p) with respect to the grid values into grad (atomics).
  void reverse(ConstView1 theta, const PointBatch& batch, View3 Fbar, View1 grad) const override;
  /// Adds to J(p, column) d r_p / d theta for every grid value, where Fbar(p) = d r_p / d F(p).
  void jacobian(ConstView1 theta, const PointBatch& batch, View3 Fbar, View2 J) const override;

 private:
  ParamLayout layout_;
  Box model_box_;
  AffineMap map_;
  ConstView1 theta_;
};

}  // namespace pigx
