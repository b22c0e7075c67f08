// The feature encoder interface F(x) behind the MLP, and the sum of encoders a model uses. An encoder
// writes the k feature channels and their physical input derivatives up to second order (Taylor layout of
// taylor.hpp) and the adjoints of its own parameter groups. To add one: derive from Encoder in one
// .hpp/.cpp pair, give it a parameter group in ParamLayout and a case in make_encoders().
#pragma once

#include <memory>
#include <vector>

#include "pigx/core/box.hpp"
#include "pigx/core/model_spec.hpp"
#include "pigx/core/types.hpp"

namespace pigx {

/// A set of points in the layout every kernel reads: physical coordinates x, model-box coordinates xi,
/// and the derivative order each point needs.
struct PointBatch {
  View2 x;       ///< [n][dim] physical
  View2 xi;      ///< [n][dim] mapped onto the model box
  IView1 order;  ///< [n] 0, 1 or 2
  /// [n][outputs * taylor_size(dim, 2)] Taylor data added to u (model.initial_lift); empty: none.
  View2 lift;
  int n = 0;
};

/// Features F(p, c, comp) of a batch and their parameter adjoints. Not thread-safe.
class Encoder {
 public:
  virtual ~Encoder() = default;
  /// Reads theta (device) and prepares the batch (e.g. spatial bins); call before forward/reverse/jacobian.
  virtual void prepare(ConstView1 theta, const PointBatch& batch) = 0;
  /// Writes (add = false) or adds (add = true) F(p, c, comp), physical derivatives up to the point's order.
  virtual void forward(const PointBatch& batch, View3 F, bool add) const = 0;
  /// Writes into grad the gradient of sum_p Fbar(p) . F(p) with respect to this encoder's parameters
  /// (other entries untouched); Fbar holds physical-coordinate adjoints and is overwritten when
  /// overwrites_adjoint().
  virtual void reverse(ConstView1 theta, const PointBatch& batch, View3 Fbar, View1 grad) const = 0;
  /// Adds to J(p, column) d r_p / d theta for this encoder's parameters, where Fbar(p) = d r_p / d F(p)
  /// (overwritten like in reverse()).
  virtual void jacobian(ConstView1 theta, const PointBatch& batch, View3 Fbar, View2 J) const = 0;
  /// Whether reverse() and jacobian() overwrite Fbar (a sum of encoders runs such an encoder last).
  virtual bool overwrites_adjoint() const { return false; }
};

/// The channel-wise sum of the encoders a model uses: F = sum of the parts' features.
class EncoderSum : public Encoder {
 public:
  /// Takes the parts; at most one may overwrite the adjoint.
  explicit EncoderSum(std::vector<std::unique_ptr<Encoder>> parts);
  /// Number of parts.
  int parts() const { return static_cast<int>(parts_.size()); }
  /// Part i.
  Encoder& part(int i) { return *parts_[i]; }

  /// Prepares every part.
  void prepare(ConstView1 theta, const PointBatch& batch) override;
  /// The first part writes (or adds, with add), the others add.
  void forward(const PointBatch& batch, View3 F, bool add) const override;
  /// Every part's gradient; the part that overwrites Fbar runs last.
  void reverse(ConstView1 theta, const PointBatch& batch, View3 Fbar, View1 grad) const override;
  /// Every part's Jacobian columns; the part that overwrites Fbar runs last.
  void jacobian(ConstView1 theta, const PointBatch& batch, View3 Fbar, View2 J) const override;
  /// True when a part overwrites Fbar.
  bool overwrites_adjoint() const override;

 private:
  std::vector<std::unique_ptr<Encoder>> parts_;  // in forward order
};

/// The encoders of a validated spec (model.encoder: Gaussians, multigrid, or both) on `physical_domain`,
/// which `map` takes onto the model box.
EncoderSum make_encoders(const ModelSpec& spec, const Box& physical_domain, const AffineMap& map);

}  // namespace pigx
