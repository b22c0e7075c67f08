// Helpers shared by the core tests: random models, random points and finite differences.
#pragma once

#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "pigx/core/model_spec.hpp"
#include "pigx/core/pde.hpp"

namespace pigx::test {

/// Turns a spec into a multigrid (or both) model with 2 levels of 2 and 4 cells, periodic like `domain`.
inline ModelSpec with_grid(ModelSpec s, EncoderKind kind, const Box& domain) {
  s.encoder = kind;
  s.grid_levels = 2;
  s.grid_cells = {2};
  for (int d = 0; d < s.dim; ++d) s.periodic[d] = domain.periodic[d];
  return s;
}

/// Random parameters with O(1) features: widths 0.3..0.8 on the model box, random rotations, weights and
/// multigrid values.
inline std::vector<double> random_theta(const ModelSpec& spec, const Box& box, unsigned seed) {
  const ParamLayout L = ParamLayout::from_spec(spec);
  std::vector<double> th;
  initialise_parameters(spec, L, box, seed, th);
  std::mt19937_64 rng(seed + 17);
  std::uniform_real_distribution<double> u(0, 1);
  std::normal_distribution<double> n(0, 1);
  for (int i = 0; i < L.gaussians * spec.dim; ++i)
    th[L.log_width + i] = std::log(0.3 + 0.5 * u(rng) - spec.sigma_min);
  for (std::size_t i = L.rotation; i < L.weight; ++i) th[i] = n(rng);
  for (std::size_t i = L.weight; i < L.mlp; ++i) th[i] = n(rng);
  for (std::size_t i = L.mlp; i < L.total; ++i) th[i] += 0.1 * n(rng);  // non-zero biases too
  return th;
}

/// A small model: 3 channels of 5 Gaussians, MLP 3 -> 6 -> 5 -> outputs, no truncation inside a stencil.
inline ModelSpec small_spec(int dim, Covariance cov, Activation act, int outputs = 1) {
  ModelSpec s;
  s.dim = dim;
  s.channels = 3;
  s.gaussians_per_channel = 5;
  s.covariance = cov;
  s.activation = act;
  s.hidden = {6, 5};
  s.outputs = outputs;
  s.truncation = 1e-30;  // no Gaussian crosses its cut-off inside a finite-difference stencil
  return s;
}

// A PDE with a given dimension used only to test input derivatives of the model.
/// Residual u: a PDE of order 2 whose terms only read the value.
struct DummyEq {
  static constexpr int dim = 1, outputs = 1, order = 2, equations = 1;
  template <class S>
  KOKKOS_INLINE_FUNCTION S residual(int, const double*, const Taylor<S>& u) const {
    return u.u();
  }
};
/// A box of dimension 1-4 (axis 0 optionally periodic) whose residual is u itself.
class BoxOnly : public PdeAdaptor<DummyEq> {
 public:
  BoxOnly(int dim, bool periodic) : d_(dim), periodic_(periodic) {}
  std::string name() const override { return "box"; }
  int dim() const override { return d_; }
  std::vector<std::string> coordinates() const override { return {"a", "b", "c", "d"}; }
  Box domain() const override {
    Box b{d_, {-1, 0, 0.5, -2}, {1, 3, 1, 2}, {periodic_, false, false, false}};
    return b;
  }
  TestGridSpec test_grid() const override { return {}; }

 private:
  int d_;
  bool periodic_;
};

/// Random points in a box, row-major.
inline std::vector<double> random_points(const Box& box, int n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> x;
  for (int i = 0; i < n; ++i)
    for (int d = 0; d < box.dim; ++d) x.push_back(box.lo[d] + box.extent(d) * u(rng));
  return x;
}

/// Fourth-order central difference of f at t with step h.
inline double fd4(const std::function<double(double)>& f, double t, double h) {
  return (8 * (f(t + h) - f(t - h)) - (f(t + 2 * h) - f(t - 2 * h))) / (12 * h);
}

/// max_i |a_i - b_i| / max(max_i |b_i|, floor).
inline double max_rel_diff(const std::vector<double>& a, const std::vector<double>& b, double floor = 1e-12) {
  double num = 0, den = floor;
  for (std::size_t i = 0; i < a.size(); ++i) {
    num = std::max(num, std::abs(a[i] - b[i]));
    den = std::max(den, std::abs(b[i]));
  }
  return num / den;
}

}  // namespace pigx::test
