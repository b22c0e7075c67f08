#include "pigx/core/encoder.hpp"

#include <algorithm>

#include "pigx/core/error.hpp"
#include "pigx/core/gaussian_encoder.hpp"
#include "pigx/core/multigrid_encoder.hpp"

namespace pigx {

EncoderSum::EncoderSum(std::vector<std::unique_ptr<Encoder>> parts) : parts_(std::move(parts)) {
  PIGX_CHECK(!parts_.empty(), "a model needs at least one encoder");
  PIGX_CHECK(
      std::count_if(parts_.begin(), parts_.end(), [](const auto& e) { return e->overwrites_adjoint(); }) <= 1,
      "at most one encoder of a sum may overwrite the feature adjoints");
  // Forward order is the parts' order; the reverse passes run the adjoint-overwriting part last.
}

void EncoderSum::prepare(ConstView1 theta, const PointBatch& batch) {
  for (auto& e : parts_) e->prepare(theta, batch);
}

void EncoderSum::forward(const PointBatch& batch, View3 F, bool add) const {
  for (std::size_t i = 0; i < parts_.size(); ++i) parts_[i]->forward(batch, F, add || i > 0);
}

void EncoderSum::reverse(ConstView1 theta, const PointBatch& batch, View3 Fbar, View1 grad) const {
  for (const auto& e : parts_)
    if (!e->overwrites_adjoint()) e->reverse(theta, batch, Fbar, grad);
  for (const auto& e : parts_)
    if (e->overwrites_adjoint()) e->reverse(theta, batch, Fbar, grad);
}

void EncoderSum::jacobian(ConstView1 theta, const PointBatch& batch, View3 Fbar, View2 J) const {
  for (const auto& e : parts_)
    if (!e->overwrites_adjoint()) e->jacobian(theta, batch, Fbar, J);
  for (const auto& e : parts_)
    if (e->overwrites_adjoint()) e->jacobian(theta, batch, Fbar, J);
}

bool EncoderSum::overwrites_adjoint() const {
  return std::any_of(parts_.begin(), parts_.end(), [](const auto& e) { return e->overwrites_adjoint(); });
}

EncoderSum make_encoders(const ModelSpec& spec, const Box& physical_domain, const AffineMap& map) {
  std::vector<std::unique_ptr<Encoder>> parts;
  if (spec.has_gaussians()) parts.push_back(std::make_unique<GaussianEncoder>(spec, physical_domain, map));
  if (spec.has_grid()) parts.push_back(std::make_unique<MultigridEncoder>(spec, physical_domain, map));
  return EncoderSum(std::move(parts));
}

}  // namespace pigx
