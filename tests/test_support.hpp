// Helpers shared by the core tests: random models, random points and finite differences.
#pragma once

#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "pigx/core/model_spec.hpp"

namespace pigx::test {

/// Random parameters with O(1) features: widths 0.3..0.8 on the model box, random rotations and weights.
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
