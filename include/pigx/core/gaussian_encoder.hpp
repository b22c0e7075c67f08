// The Gaussian feature encoder F_c(x) = sum_i w_ci exp(-1/2 (x-mu_ci)^T P_ci (x-mu_ci)) with exact
// input derivatives (forward) and exact parameter adjoints (reverse), culled through spatial bins.
#pragma once

#include "pigx/core/box.hpp"
#include "pigx/core/cell_grid.hpp"
#include "pigx/core/encoder.hpp"
#include "pigx/core/model_spec.hpp"
#include "pigx/core/types.hpp"

namespace pigx {

namespace detail {
struct EncoderData;

/// Gaussian data copied in cell-list order, channel by channel within each cell, as structure of arrays:
/// the forward pair loop then streams contiguous memory and vectorises. Rows: mu (D), precision (D
/// diagonal entries, or the D(D+1)/2 upper-triangle entries of a full one), weight.
struct PackedGaussians {
  View2 field;     ///< [rows][entries]
  IView1 segment;  ///< [ncells][channels + 1]: (cell, c) owns entries segment(i) .. segment(i+1)-1, i =
                   ///< cell(C+1)+c
};

/// Points copied in cell order as structure of arrays for the reverse pass, in two groups. Points with
/// derivative data: rows are the model-box coordinates (D), then the model-box adjoints of every channel's
/// Taylor data (channels x taylor_size(D, 2), zero beyond the point's order). Value-only points: the D
/// coordinates, then one adjoint per channel.
struct PackedPoints {
  View2 full;      ///< [D + channels * taylor_size(D, 2)][points with derivative data]
  View2 value;     ///< [D + channels][value-only points]
  IView1 segment;  ///< [ncells][4]: cell c owns full columns segment(4c) .. segment(4c+1)-1 and value
                   ///< columns segment(4c+2) .. segment(4c+3)-1
};
}  // namespace detail

/// Evaluates Gaussian features and their adjoints. Owns its work arrays; not thread-safe.
class GaussianEncoder : public Encoder {
 public:
  /// Creates the encoder for a validated spec; `map` takes the physical domain onto the model box.
  GaussianEncoder(const ModelSpec& spec, const Box& physical_domain, const AffineMap& map);

  /// Turns off culling (every Gaussian meets every point); used to check the culled kernels.
  void set_dense(bool dense) { dense_ = dense; }
  /// Cut-off on the quadratic form q beyond which a Gaussian is dropped.
  double qcut() const { return qcut_; }

  /// Builds Gaussian shapes from theta (device), chooses the grid and bins the Gaussians and the batch.
  void prepare(ConstView1 theta, const PointBatch& batch) override;
  /// Writes (or adds) F(p, c, comp) (physical derivatives up to the point's order) for every batch point.
  void forward(const PointBatch& batch, View3 F, bool add) const override;
  /// Writes the gradient of sum_p Fbar(p) . F(p) with respect to every Gaussian parameter into grad.
  /// Fbar is modified (converted in place to model-box coordinates).
  void reverse(ConstView1 theta, const PointBatch& batch, View3 Fbar, View1 grad) const override;

  /// Adds to J(p, column) the derivative of r_p with respect to every Gaussian parameter, where
  /// Fbar(p) = d r_p / d F(p) (modified in place like in reverse()).
  void jacobian(ConstView1 theta, const PointBatch& batch, View3 Fbar, View2 J) const override;
  /// True: the reverse passes convert Fbar in place to model-box coordinates.
  bool overwrites_adjoint() const override { return true; }

  /// Copies the Gaussians in cell-list order, channel by channel, into the packed arrays (prepare() calls
  /// it; public only because CUDA's extended lambdas may not live in private member functions).
  void pack_gaussians();

  /// Copies the batch's points and their model-box adjoints Fbar, grouped by cell and by derivative order,
  /// into the packed arrays of the reverse pass (public for the same reason as pack_gaussians).
  void pack_points(const PointBatch& batch, View3 Fbar) const;

  /// Candidate pairs the packed forward pass evaluates for `batch` (inside the cut-off or not; -1 without
  /// the packed path). For the benchmarks' executed-flop counts; call after prepare().
  long long candidate_pairs(const PointBatch& batch) const;

  /// Number of (point, Gaussian) pairs inside the cut-off in the last forward call (for reports).
  long long last_pairs() const { return pairs_; }

 private:
  detail::EncoderData kernel_data(const PointBatch& batch) const;
  // True when the forward pass can use the packed (vectorised) Gaussian data: no periodic axes.
  bool packed_path() const;
  template <template <int, bool> class Kernel, class Output>
  void run_reverse(const char* name, ConstView1 theta, const PointBatch& batch, View3 Fbar, Output out) const;

  ModelSpec spec_;
  ParamLayout layout_;
  Box model_box_;
  AffineMap map_;
  double qcut_;
  bool dense_ = false;
  CellGrid grid_;
  View2 mu_, prec_;  // [G][D], [G][D*D]
  View1 w_;
  View2 half_;  // [G][D]
  CellRanges ranges_;
  IView1 channel_;
  CellLists gauss_lists_, point_lists_;
  detail::PackedGaussians packed_;
  IView1 pack_cursor_, pack_slot_;  // scratch of pack_gaussians: per (cell, channel) counts, per entry bins
  mutable detail::PackedPoints packed_points_;  // reverse-pass work arrays (reverse() is const)
  mutable IView1 point_cursor_, point_slot_;    // scratch of pack_points
  mutable long long pairs_ = 0;
};

}  // namespace pigx
