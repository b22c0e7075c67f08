// Locality: features and loss gradients from the binned (culled) kernels agree with dense evaluation
// (every Gaussian at every point) to the truncation bound, and culling really skips pairs.
#include <gtest/gtest.h>

#include <cmath>

#include "pigx/core/collocation.hpp"
#include "pigx/core/loss_function.hpp"
#include "pigx/core/taylor.hpp"
#include "test_support.hpp"

namespace pigx {
namespace {

struct LocalityCase {
  std::string pde;
  Covariance cov;
};

class Locality : public ::testing::TestWithParam<LocalityCase> {};

TEST_P(Locality, CulledMatchesDenseToTruncationBound) {
  auto pde = builtin_pdes().create(GetParam().pde);
  ModelSpec spec;
  spec.dim = pde->dim();
  spec.channels = 2;
  spec.gaussians_per_channel = 150;
  spec.covariance = GetParam().cov;
  spec.sigma0 = 0.06;
  spec.weight_std = 1.0;
  spec.truncation = 1e-8;
  LossFunction loss(*pde, spec);
  std::vector<double> theta;
  initialise_parameters(spec, loss.layout(), loss.model_box(), 3, theta);
  const ParamLayout& L = loss.layout();
  double wsum = 0;
  for (std::size_t i = L.weight; i < L.mlp; ++i) wsum += std::abs(theta[i]);
  const auto x = test::random_points(pde->domain(), 300, 9);
  std::vector<double> culled, dense;
  loss.evaluate_u(theta.data(), x.data(), 300, 0, culled);
  const long long culled_pairs = loss.gaussian_encoder().last_pairs();
  loss.gaussian_encoder().set_dense(true);
  loss.evaluate_u(theta.data(), x.data(), 300, 0, dense);
  const long long dense_pairs = loss.gaussian_encoder().last_pairs();
  // |F_culled - F_dense| <= truncation * sum |w|; u = MLP(F) changes by at most |W1|-weighted amounts of
  // that, bounded here by the sum of |W| entries of the first layer times the largest later gain (< 10).
  double w1 = 0;
  for (int i = 0; i < L.mlp_desc.width[1] * L.mlp_desc.width[0]; ++i) w1 += std::abs(theta[L.mlp + i]);
  const double bound = 10 * w1 * spec.truncation * wsum;
  double worst = 0;
  for (std::size_t i = 0; i < culled.size(); ++i) worst = std::max(worst, std::abs(culled[i] - dense[i]));
  EXPECT_LE(worst, bound);
  EXPECT_GT(worst, 0.0) << "culling should change something at the 1e-8 level";
  EXPECT_LT(culled_pairs * 3, dense_pairs) << "narrow Gaussians: culling must skip most pairs";

  // Loss gradients agree to the same relative level.
  loss.set_terms(draw_terms(*pde, SamplingSpec{200, 80, 40}, 1, 0, 0, 1));
  std::vector<double> gd(theta.size()), gc(theta.size()), t;
  const double Ld = loss.evaluate(theta.data(), gd.data(), t);
  loss.gaussian_encoder().set_dense(false);
  const double Lc = loss.evaluate(theta.data(), gc.data(), t);
  EXPECT_NEAR(Lc, Ld, 1e-6 * Ld);
  EXPECT_LE(test::max_rel_diff(gc, gd), 1e-5);
}

INSTANTIATE_TEST_SUITE_P(Kinds, Locality,
                         ::testing::Values(LocalityCase{"helmholtz", Covariance::Diagonal},
                                           LocalityCase{"helmholtz", Covariance::Full},
                                           LocalityCase{"allen_cahn", Covariance::Diagonal},
                                           LocalityCase{"klein_gordon", Covariance::Full},
                                           LocalityCase{"flow_mixing", Covariance::Diagonal}));

}  // namespace
}  // namespace pigx
