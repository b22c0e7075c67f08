// The multigrid encoder on its own: B-spline partition of unity and reproduction of linear functions
// (with the chain rule to physical coordinates), exact periodicity, the sum of encoders, the parameter
// layout and the validation of the model.grid_* keys. Its derivatives are checked in test_derivatives.cpp.
#include <gtest/gtest.h>

#include <string>

#include "pigx/core/error.hpp"
#include "pigx/core/loss_function.hpp"
#include "pigx/core/multigrid_encoder.hpp"
#include "pigx/core/taylor.hpp"
#include "test_support.hpp"

namespace pigx {
namespace {

using test::BoxOnly;

// F(p, c, comp) of `encoder` at host points (order 2), for parameters theta.
std::vector<double> features(LossFunction& model, Encoder& encoder, const std::vector<double>& theta,
                             const std::vector<double>& x) {
  const int D = model.layout().dim, C = model.layout().mlp_desc.width[0], nc = taylor_size(D, 2);
  const long long n = static_cast<long long>(x.size()) / D;
  const PointBatch b = model.make_batch(x.data(), n, std::vector<int>(n, 2));
  View1 th("theta", theta.size());
  auto h = Kokkos::create_mirror_view(th);
  for (std::size_t i = 0; i < theta.size(); ++i) h(i) = theta[i];
  Kokkos::deep_copy(th, h);
  View3 F("F", n, C, nc);
  encoder.prepare(th, b);
  encoder.forward(b, F, false);
  auto hF = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), F);
  return std::vector<double>(hF.data(), hF.data() + hF.size());
}

// Random points plus the corners of the box (points on the boundary use the end cells).
std::vector<double> points_with_corners(const Box& box, int n, unsigned seed) {
  auto x = test::random_points(box, n, seed);
  for (int m = 0; m < (1 << box.dim); ++m)
    for (int d = 0; d < box.dim; ++d) x.push_back((m >> d) & 1 ? box.hi[d] : box.lo[d]);
  return x;
}

struct GridCase {
  int dim;
  bool periodic;
  std::vector<int> cells;  // coarsest level (all axes or per axis); 1 wraps one control point onto all four
};

class GridBasis : public ::testing::TestWithParam<GridCase> {
 protected:
  ModelSpec spec(const Pde& pde) const {
    ModelSpec s = test::small_spec(GetParam().dim, Covariance::Diagonal, Activation::Tanh);
    s = test::with_grid(s, EncoderKind::Multigrid, pde.domain());
    s.grid_levels = 3;
    s.grid_cells = GetParam().cells;
    return s;
  }
};

// Channel 0 at one on every control point of every level: F_0 = levels, every derivative zero; channel 1
// at zero stays zero.
TEST_P(GridBasis, PartitionOfUnity) {
  BoxOnly pde(GetParam().dim, GetParam().periodic);
  const ModelSpec s = spec(pde);
  LossFunction model(pde, s);
  const ParamLayout& L = model.layout();
  ASSERT_EQ(L.gaussians, 0);
  std::vector<double> theta(L.total, 0.0);
  for (std::size_t i = L.grid; i < L.mlp; i += s.channels) theta[i] = 1.0;
  const auto x = points_with_corners(pde.domain(), 20, 4);
  const auto F = features(model, model.encoders(), theta, x);
  const int nc = taylor_size(s.dim, 2), n = static_cast<int>(x.size()) / s.dim;
  for (int p = 0; p < n; ++p)
    for (int c = 0; c < s.channels; ++c)
      for (int i = 0; i < nc; ++i) {
        const double expected = (c == 0 && i == 0) ? s.grid_levels : 0.0;
        EXPECT_NEAR(F[(p * s.channels + c) * nc + i], expected, 1e-12) << "point " << p << " comp " << i;
      }
}

// Non-periodic: control values lo + (j - 1) h on one axis reproduce xi on it (coarsest level only): F_0 =
// xi_a, dF_0/dx_a = the map's scale, every other derivative zero.
TEST_P(GridBasis, LinearFunctionsAreReproduced) {
  if (GetParam().periodic) GTEST_SKIP() << "a periodic spline holds no linear function";
  BoxOnly pde(GetParam().dim, false);
  const ModelSpec s = spec(pde);
  LossFunction model(pde, s);
  const ParamLayout& L = model.layout();
  const GridDesc& g = L.grid_desc;
  const Box mb = model.model_box();
  const int D = s.dim, nc = taylor_size(D, 2);
  for (int a = 0; a < D; ++a) {
    std::vector<double> theta(L.total, 0.0);
    const double h = mb.extent(a) / g.cells[0][a];
    long long count = 1;
    for (int d = 0; d < D; ++d) count *= g.ctrl[0][d];
    for (long long flat = 0; flat < count; ++flat) {
      long long r = flat;
      int j = 0;
      for (int d = D - 1; d >= 0; --d) {
        if (d == a) j = static_cast<int>(r % g.ctrl[0][d]);
        r /= g.ctrl[0][d];
      }
      theta[L.grid + g.off[0] + flat * s.channels] = mb.lo[a] + (j - 1) * h;
    }
    const auto x = points_with_corners(pde.domain(), 20, 5);
    const auto F = features(model, model.encoders(), theta, x);
    for (std::size_t p = 0; p < x.size() / D; ++p) {
      const double* f = &F[p * s.channels * nc];
      EXPECT_NEAR(f[0], model.map().apply(a, x[p * D + a]), 1e-12) << "axis " << a << " point " << p;
      for (int b = 0; b < D; ++b) {
        EXPECT_NEAR(f[grad_index(b)], b == a ? model.map().scale[a] : 0.0, 1e-12);
        for (int e = b; e < D; ++e) EXPECT_NEAR(f[hess_index(D, b, e)], 0.0, 1e-10);
      }
    }
  }
}

// Periodic axis 0: random features agree at x and x + period, derivatives included, also across the seam.
TEST_P(GridBasis, PeriodicFeaturesArePeriodic) {
  if (!GetParam().periodic) GTEST_SKIP() << "no periodic axis";
  BoxOnly pde(GetParam().dim, true);
  const ModelSpec s = spec(pde);
  LossFunction model(pde, s);
  const auto theta = test::random_theta(s, model.model_box(), 3);
  const Box box = pde.domain();
  auto x = points_with_corners(box, 20, 6);
  auto y = x;
  for (std::size_t p = 0; p < x.size() / s.dim; ++p) y[p * s.dim] += box.extent(0);
  const auto Fx = features(model, model.encoders(), theta, x),
             Fy = features(model, model.encoders(), theta, y);
  EXPECT_LE(test::max_rel_diff(Fy, Fx), 1e-12);
  // Not trivially: the features do vary along the axis.
  double spread = 0;
  for (std::size_t i = 0; i < Fx.size(); ++i) spread = std::max(spread, std::abs(Fx[i] - Fx[0]));
  EXPECT_GT(spread, 1e-3);
}

// model.grid_offsets = staggered, one level: with every channel holding channel 0's values, channel c at x
// is channel 0 of the aligned grid at x + c / channels of a cell along every axis, derivatives included
// (also past the end of a non-periodic axis, where both use the last cell's cubic).
TEST_P(GridBasis, StaggeredChannelsAreShiftedCopies) {
  BoxOnly pde(GetParam().dim, GetParam().periodic);
  ModelSpec s = spec(pde);
  s.grid_levels = 1;
  LossFunction aligned(pde, s);
  s.grid_staggered = true;
  LossFunction staggered(pde, s);
  auto theta = test::random_theta(s, staggered.model_box(), 12);
  const ParamLayout& L = staggered.layout();
  for (std::size_t i = L.grid; i < L.mlp; i += s.channels)
    for (int c = 1; c < s.channels; ++c) theta[i + c] = theta[i];
  const Box box = pde.domain();
  const int D = s.dim, C = s.channels, nc = taylor_size(D, 2);
  const auto x = points_with_corners(box, 20, 13);
  const long long n = static_cast<long long>(x.size()) / D;
  const auto Fs = features(staggered, staggered.encoders(), theta, x);
  double moved = 0;
  for (int c = 0; c < C; ++c) {
    auto y = x;
    for (long long p = 0; p < n; ++p)
      for (int d = 0; d < D; ++d)
        y[p * D + d] += static_cast<double>(c) / C * box.extent(d) / L.grid_desc.cells[0][d];
    const auto Fa = features(aligned, aligned.encoders(), theta, y);
    for (long long p = 0; p < n; ++p)
      for (int i = 0; i < nc; ++i) {
        const double want = Fa[(p * C) * nc + i], got = Fs[(p * C + c) * nc + i];
        EXPECT_NEAR(got, want, 1e-10 * (1 + std::abs(want)))
            << "channel " << c << " point " << p << " comp " << i;
        if (i == 0) moved = std::max(moved, std::abs(got - Fs[(p * C) * nc]));
      }
  }
  // Not trivially: the shifted channels differ from channel 0 (unless every axis is one periodic cell,
  // whose four wrapped control points sum to a constant).
  bool varies = !GetParam().periodic;
  for (int d = 0; d < D; ++d) varies = varies || L.grid_desc.cells[0][d] > 1;
  if (varies) EXPECT_GT(moved, 1e-3);
}

INSTANTIATE_TEST_SUITE_P(Dimensions, GridBasis,
                         ::testing::Values(GridCase{1, false, {2}}, GridCase{1, true, {1}},
                                           GridCase{1, true, {3}}, GridCase{2, false, {3}},
                                           GridCase{2, false, {5, 2}}, GridCase{2, true, {2}},
                                           GridCase{2, true, {1, 3}}, GridCase{3, false, {2}},
                                           GridCase{3, false, {1, 2, 3}}, GridCase{3, true, {1}},
                                           GridCase{4, false, {1}}));

// model.encoder = both: F is the Gaussian features plus the grid features, channel by channel.
TEST(EncoderSum, BothIsTheSumOfItsParts) {
  BoxOnly pde(2, true);
  ModelSpec s = test::with_grid(test::small_spec(2, Covariance::Full, Activation::Tanh), EncoderKind::Both,
                                pde.domain());
  LossFunction model(pde, s);
  ASSERT_EQ(model.encoders().parts(), 2);
  const auto theta = test::random_theta(s, model.model_box(), 8);
  const auto x = points_with_corners(pde.domain(), 15, 9);
  const auto sum = features(model, model.encoders(), theta, x);
  const auto gauss = features(model, model.encoders().part(0), theta, x);
  const auto grid = features(model, model.encoders().part(1), theta, x);
  double gmax = 0, mmax = 0;
  for (std::size_t i = 0; i < sum.size(); ++i) {
    EXPECT_NEAR(sum[i], gauss[i] + grid[i], 1e-12 * (1 + std::abs(sum[i])));
    gmax = std::max(gmax, std::abs(gauss[i]));
    mmax = std::max(mmax, std::abs(grid[i]));
  }
  EXPECT_GT(gmax, 1e-3);
  EXPECT_GT(mmax, 1e-3);
  EXPECT_NO_THROW(model.gaussian_encoder());
}

// The grid group sits between the Gaussian weights and the MLP; a Gaussian model's layout has none.
TEST(MultigridLayout, GroupPositionsAndSizes) {
  ModelSpec s = test::small_spec(2, Covariance::Diagonal, Activation::Tanh);
  const ParamLayout gauss = ParamLayout::from_spec(s);
  EXPECT_EQ(gauss.grid, gauss.mlp);
  for (const auto& g : gauss.groups()) EXPECT_NE(g.name, "grid");
  s.encoder = EncoderKind::Both;
  s.grid_levels = 2;
  s.grid_cells = {3};
  s.periodic[0] = true;
  const ParamLayout both = ParamLayout::from_spec(s);
  EXPECT_EQ(both.grid, gauss.grid);
  // level 0: 3 x 6 control points, level 1: 6 x 9, 3 channels each
  EXPECT_EQ(both.grid_desc.off[1], 3 * 6 * 3);
  EXPECT_EQ(both.mlp - both.grid, static_cast<std::size_t>(3 * (3 * 6 + 6 * 9)));
  EXPECT_EQ(both.total - both.mlp, gauss.total - gauss.mlp);
  s.encoder = EncoderKind::Multigrid;
  const ParamLayout grid = ParamLayout::from_spec(s);
  EXPECT_EQ(grid.gaussians, 0);
  EXPECT_EQ(grid.grid, 0u);
  EXPECT_EQ(grid.groups().front().name, "grid");
  s.grid_cells = {3, 5};  // per axis: level 0 has 3 x 8 control points, level 1 6 x 13
  EXPECT_EQ(ParamLayout::from_spec(s).grid_desc.size, 3 * (3 * 8 + 6 * 13));
}

// Each bad model.grid_* value names its key, the value and what is expected.
TEST(MultigridLayout, BadValuesAreRefusedWithTheirKey) {
  auto expect_error = [](ModelSpec s, const std::vector<std::string>& parts) {
    try {
      s.validate();
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Input);
      for (const auto& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
    }
  };
  ModelSpec s = test::small_spec(3, Covariance::Diagonal, Activation::Tanh);
  s.encoder = EncoderKind::Multigrid;
  ModelSpec bad = s;
  bad.grid_levels = 0;
  expect_error(bad, {"'model.grid_levels'", "'0'", "1..12"});
  bad = s;
  bad.grid_cells = {0};
  expect_error(bad, {"'model.grid_cells'", "'0'", "positive cell counts"});
  bad = s;
  bad.grid_cells = {4, 4};  // 3-D: one count or three
  expect_error(bad, {"'model.grid_cells'", "'4,4'", "one cell count for every axis or 3"});
  bad = s;
  bad.grid_init_std = -1;
  expect_error(bad, {"'model.grid_init_std'", "a value >= 0"});
  bad = s;
  bad.grid_levels = 10;  // 3-D: (4 * 2^9 + 3)^3 control points
  expect_error(bad, {"'model.grid_levels'", "multigrid parameters"});
  EXPECT_THROW(parse_encoder("model.encoder", "grid"), Error);
  EXPECT_EQ(parse_encoder("model.encoder", "both"), EncoderKind::Both);
  // A Gaussian model ignores the grid keys.
  s.encoder = EncoderKind::Gaussian;
  s.grid_levels = 0;
  EXPECT_NO_THROW(s.validate());
}

// A model whose spec disagrees with its domain on periodicity is refused rather than mis-indexed.
TEST(MultigridLayout, PeriodicityMustMatchTheDomain) {
  BoxOnly pde(2, true);
  ModelSpec s = test::with_grid(test::small_spec(2, Covariance::Diagonal, Activation::Tanh),
                                EncoderKind::Multigrid, pde.domain());
  s.periodic[0] = false;
  EXPECT_THROW(LossFunction(pde, s), Error);
}

}  // namespace
}  // namespace pigx
