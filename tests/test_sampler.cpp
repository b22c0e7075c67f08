// Collocation point sets: the Halton sequence stays in the box, is reproducible per round, and covers
// the box more evenly than uniform draws (the reason to use it).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "pigx/core/collocation.hpp"
#include "pigx/core/pde_list.hpp"
#include "pigx/core/sampler.hpp"

namespace pigx {
namespace {

Box unit_square_box() {
  Box b;
  b.dim = 2;
  b.lo[0] = -1.0, b.hi[0] = 1.0;
  b.lo[1] = 0.0, b.hi[1] = 2.0;
  return b;
}

// Sum over an 8 x 8 partition of the box of (count - expected)^2 / expected.
double cell_chi_square(const Box& box, const std::vector<double>& pts) {
  const int cells = 8, n = static_cast<int>(pts.size() / 2);
  std::vector<int> count(cells * cells, 0);
  for (int i = 0; i < n; ++i) {
    int c[2];
    for (int d = 0; d < 2; ++d)
      c[d] = std::min(cells - 1, static_cast<int>((pts[2 * i + d] - box.lo[d]) / box.extent(d) * cells));
    ++count[c[0] * cells + c[1]];
  }
  const double expected = static_cast<double>(n) / (cells * cells);
  double chi = 0;
  for (int k : count) chi += (k - expected) * (k - expected) / expected;
  return chi;
}

TEST(Sampler, HaltonPointsFillTheBoxMoreEvenlyThanUniformDraws) {
  const Box box = unit_square_box();
  double chi_uniform = 0, chi_halton = 0;
  for (std::uint64_t round = 0; round < 5; ++round) {
    for (PointSequence seq : {PointSequence::Uniform, PointSequence::Halton}) {
      auto rng = make_stream(7, round, 0);
      std::vector<double> pts;
      sample_interior(box, 1024, rng, pts, seq);
      ASSERT_EQ(pts.size(), 2048u);
      for (std::size_t i = 0; i < pts.size(); ++i) {
        ASSERT_GE(pts[i], box.lo[i % 2]);
        ASSERT_LT(pts[i], box.hi[i % 2]);
      }
      (seq == PointSequence::Uniform ? chi_uniform : chi_halton) += cell_chi_square(box, pts);
    }
  }
  // Uniform draws give chi^2 near its 63 degrees of freedom per round; a shifted Halton set far less.
  EXPECT_GT(chi_uniform, 5 * 30.0);
  EXPECT_LT(chi_halton, chi_uniform / 5);  // measured: about 1/8
}

TEST(Sampler, HaltonRoundsAreReproducibleAndDiffer) {
  const Box box = unit_square_box();
  auto draw = [&](std::uint64_t round) {
    auto rng = make_stream(3, round, 0);
    std::vector<double> pts;
    sample_interior(box, 100, rng, pts, PointSequence::Halton);
    return pts;
  };
  EXPECT_EQ(draw(1), draw(1));
  EXPECT_NE(draw(1), draw(2));
}

TEST(Sampler, HaltonBoundaryPointsLieOnTheFaces) {
  const Box box = unit_square_box();
  auto rng = make_stream(5, 0, 1);
  std::vector<double> pts;
  ASSERT_TRUE(sample_boundary(box, -1, 400, rng, pts, PointSequence::Halton));
  ASSERT_EQ(pts.size(), 800u);
  for (int i = 0; i < 400; ++i) {
    const double x = pts[2 * i], y = pts[2 * i + 1];
    const bool on_face = x == box.lo[0] || x == box.hi[0] || y == box.lo[1] || y == box.hi[1];
    EXPECT_TRUE(on_face) << "point " << i << " (" << x << ", " << y << ")";
  }
  // 100 points per face, spread along it: no gap longer than a few spacings.
  for (int f = 0; f < 4; ++f) {
    std::vector<double> along;
    for (int i = 100 * f; i < 100 * (f + 1); ++i) along.push_back(pts[2 * i + (f < 2 ? 1 : 0)]);
    std::sort(along.begin(), along.end());
    double gap = 0;
    for (int i = 1; i < 100; ++i) gap = std::max(gap, along[i] - along[i - 1]);
    EXPECT_LT(gap, 3 * 2.0 / 100) << "face " << f;
  }
}

TEST(Sampler, AdaptiveSelectionFavoursLargeResiduals) {
  // 1000 candidates; the first 100 have residual 10, the rest 0.1.
  std::vector<double> norm(1000, 0.1);
  for (int i = 0; i < 100; ++i) norm[i] = 10.0;
  auto pick = [&](double k, double c) {
    auto rng = make_stream(11, 2, 4);
    return select_adaptive(norm, 200, k, c, rng);
  };
  const auto p = pick(1.0, 0.0);
  ASSERT_EQ(p.size(), 200u);
  EXPECT_TRUE(std::is_sorted(p.begin(), p.end()));
  EXPECT_EQ(std::adjacent_find(p.begin(), p.end()), p.end()) << "drawn without replacement";
  const auto in_hot = [](const std::vector<long long>& v) {
    return std::count_if(v.begin(), v.end(), [](long long i) { return i < 100; });
  };
  // Weights 10 vs 0.1: all 100 hot candidates are picked (each outweighs every cold one 100 to 1).
  EXPECT_GE(in_hot(p), 95);
  // k = 0 makes every weight equal: about 10 % hot, as for uniform picks.
  const auto flat = pick(0.0, 1.0);
  EXPECT_GE(in_hot(flat), 5);
  EXPECT_LE(in_hot(flat), 40);
  EXPECT_EQ(pick(1.0, 0.0), p) << "the same stream gives the same picks";
  // Asking for more points than candidates returns all of them.
  auto rng = make_stream(1, 1, 4);
  EXPECT_EQ(select_adaptive(std::vector<double>(5, 1.0), 9, 1.0, 1.0, rng).size(), 5u);
}

TEST(Sampler, UnknownSequenceIsRefusedByName) {
  EXPECT_EQ(parse_point_sequence("sampling.sequence", "halton"), PointSequence::Halton);
  try {
    parse_point_sequence("sampling.sequence", "sobol");
    FAIL() << "expected an input error";
  } catch (const std::exception& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("sampling.sequence"), std::string::npos) << what;
    EXPECT_NE(what.find("sobol"), std::string::npos) << what;
    EXPECT_NE(what.find("uniform, halton"), std::string::npos) << what;
  }
}

// sampling.time_margin: residual and boundary points reach past the end of the time span (with the
// boundary data there), the initial points stay at t0, and without a margin nothing passes the end.
TEST(Collocation, TimeMarginExtendsResidualAndBoundaryPointsPastTheEnd) {
  auto pde = builtin_pdes().create("flow_mixing");
  const int D = pde->dim(), ta = pde->time_axis();
  const Box domain = pde->domain();
  SamplingSpec s;
  s.residual = 2000, s.boundary = 400, s.initial = 100;
  s.time_margin = 0.25;
  const Box box = sampling_box(*pde, s);
  EXPECT_DOUBLE_EQ(box.hi[ta], domain.hi[ta] + 0.25 * domain.extent(ta));
  for (int d = 0; d < D; ++d)
    if (d != ta) EXPECT_EQ(box.hi[d], domain.hi[d]);
  for (const TermData& t : draw_terms(*pde, s, 1, 0, 0, 1)) {
    const long long n = t.local_count(D);
    long long past = 0;
    for (long long i = 0; i < n; ++i) {
      const double* x = &t.points[i * D];
      EXPECT_GE(x[ta], domain.lo[ta]);
      EXPECT_LE(x[ta], box.hi[ta]);
      past += x[ta] > domain.hi[ta];
      if (t.name == "boundary") {
        double u;
        pde->boundary_value(x, &u);
        EXPECT_EQ(t.targets[i], u);
      }
    }
    if (t.name == "initial")
      EXPECT_EQ(past, 0);
    else
      EXPECT_GT(past, n / 10) << t.name;  // about a fifth of the points lie past the end
  }
  s.time_margin = 0;
  EXPECT_EQ(sampling_box(*pde, s).hi[ta], domain.hi[ta]);
  for (const TermData& t : draw_terms(*pde, s, 1, 0, 0, 1))
    for (long long i = 0; i < t.local_count(D); ++i) EXPECT_LE(t.points[i * D + ta], domain.hi[ta]);
}

}  // namespace
}  // namespace pigx
