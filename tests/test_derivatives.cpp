// Every derivative of the core against fourth-order central finite differences: u's gradient and
// Hessian with respect to the inputs, and the loss gradient with respect to every parameter group,
// for both covariance kinds, both activations, input dimensions 1-4 and every built-in PDE.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "pigx/core/collocation.hpp"
#include "pigx/core/error.hpp"
#include "pigx/core/host_data_pde.hpp"
#include "pigx/core/loss_function.hpp"
#include "pigx/core/sampler.hpp"
#include "pigx/core/taylor.hpp"
#include "test_support.hpp"

namespace pigx {
namespace {

// The residuals and Jacobian agree with the loss and its gradient: loss = sum r^2, gradient = 2 J^T r.
void expect_jacobian_consistent(const View1& r, const View2& J, double loss,
                                const std::vector<double>& grad) {
  auto hr = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), r);
  auto hJ = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), J);
  double sum = 0;
  std::vector<double> jtr(grad.size(), 0.0);
  for (std::size_t p = 0; p < hr.extent(0); ++p) {
    sum += hr(p) * hr(p);
    for (std::size_t k = 0; k < grad.size(); ++k) jtr[k] += 2 * hJ(p, k) * hr(p);
  }
  EXPECT_NEAR(sum, loss, 1e-12 * loss);
  EXPECT_LE(test::max_rel_diff(jtr, grad), 1e-10);
}

// Every parameter group's gradient against fourth-order finite differences of the loss.
void expect_gradient_matches_fd(LossFunction& loss, const std::vector<double>& theta,
                                const std::vector<double>& grad) {
  for (const ParamGroup& g : loss.layout().groups()) {
    std::vector<double> fd, exact;
    for (std::size_t i = g.begin; i < g.end; ++i) {
      auto f = [&](double t) {
        auto th = theta;
        th[i] = t;
        std::vector<double> tl;
        return loss.evaluate(th.data(), nullptr, tl);
      };
      fd.push_back(test::fd4(f, theta[i], 1e-4 * (1 + std::abs(theta[i]))));
      exact.push_back(grad[i]);
    }
    EXPECT_LE(test::max_rel_diff(exact, fd), 1e-6) << "parameter group " << g.name;
  }
}

using test::BoxOnly;
using test::small_spec;

struct InputCase {
  int dim;
  Covariance cov;
  Activation act;
  bool periodic;
  EncoderKind enc = EncoderKind::Gaussian;
  double hard = 0;         ///< model.hard_boundary
  double growth = 0;       ///< model.hard_boundary_growth (on nonlinear diffusion's box, t the last axis)
  int layer = 2;           ///< the wall layer's order (2 diffusive, 1 linear)
  double lift = 0;         ///< model.initial_lift (on Allen-Cahn's box, 2D, x periodic)
  bool staggered = false;  ///< model.grid_offsets = staggered
};

// Random points in the middle halves of the finest grid cells (4 per axis, see test::with_grid), each cut
// into `pieces` equal parts (staggered grids put a channel's knot at every part's end): no finite-difference
// stencil crosses a knot, where the cubic pieces change.
std::vector<double> mid_cell_points(const Box& box, int n, unsigned seed, int pieces) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> cell(0, 4 * pieces - 1);
  std::uniform_real_distribution<double> t(0.25, 0.75);
  std::vector<double> x;
  for (int i = 0; i < n; ++i)
    for (int d = 0; d < box.dim; ++d)
      x.push_back(box.lo[d] + box.extent(d) * (cell(rng) + t(rng)) / (4 * pieces));
  return x;
}

class InputDerivatives : public ::testing::TestWithParam<InputCase> {};

TEST_P(InputDerivatives, GradientAndHessianMatchFiniteDifferences) {
  const InputCase c = GetParam();
  std::unique_ptr<Pde> problem = c.growth > 0 ? builtin_pdes().create("nonlinear_diffusion")
                                 : c.lift > 0 ? builtin_pdes().create("allen_cahn")
                                              : std::make_unique<BoxOnly>(c.dim, c.periodic);
  const Pde& pde = *problem;
  ModelSpec spec = small_spec(c.dim, c.cov, c.act);
  if (c.enc != EncoderKind::Gaussian) spec = test::with_grid(spec, c.enc, pde.domain());
  spec.hard_boundary = c.hard;
  spec.hard_boundary_growth = c.growth;
  spec.hard_boundary_layer_order = c.layer;
  spec.initial_lift = c.lift;
  spec.grid_staggered = c.staggered;
  LossFunction model(pde, spec);
  const auto theta = test::random_theta(spec, model.model_box(), 3);
  const int D = c.dim, nc = taylor_size(D, 2), npts = 6;
  auto x = c.enc == EncoderKind::Gaussian
               ? test::random_points(pde.domain(), npts, 11)
               : mid_cell_points(pde.domain(), npts, 11, c.staggered ? spec.channels : 1);
  // With a hard boundary factor g^p (p < 1: unbounded derivatives at the walls), keep the difference
  // stencils away from the walls: points in the middle 60 % of every axis.
  if (c.hard > 0)
    for (int i = 0; i < npts * D; ++i) {
      const int d = i % D;
      const double lo = pde.domain().lo[d], ext = pde.domain().extent(d);
      x[i] = lo + ext * (0.2 + 0.6 * (x[i] - lo) / ext);
    }
  std::vector<double> U;
  model.evaluate_u(theta.data(), x.data(), npts, 2, U);
  for (int p = 0; p < npts; ++p) {
    for (int a = 0; a < D; ++a) {
      const double h = 1e-3 * pde.domain().extent(a);
      auto comp = [&](int k) {
        return [&, k](double t) {
          std::vector<double> y(x.begin() + p * D, x.begin() + (p + 1) * D), out;
          y[a] = t;
          model.evaluate_u(theta.data(), y.data(), 1, 1, out);
          return out[k];
        };
      };
      const double scale = std::abs(U[p * nc]) + 1.0;
      const double g = test::fd4(comp(0), x[p * D + a], h);
      EXPECT_NEAR(U[p * nc + grad_index(a)], g, 1e-6 * std::max(scale, std::abs(g)))
          << "d/dx" << a << " at point " << p;
      for (int b = 0; b < D; ++b) {
        const double hb = test::fd4(comp(grad_index(b)), x[p * D + a], h);
        EXPECT_NEAR(U[p * nc + hess_index(D, a, b)], hb, 1e-6 * std::max(scale, std::abs(hb)))
            << "d2/dx" << a << "dx" << b << " at point " << p;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllKinds, InputDerivatives,
                         ::testing::Values(InputCase{1, Covariance::Diagonal, Activation::Tanh, false},
                                           InputCase{1, Covariance::Diagonal, Activation::Sin, true},
                                           InputCase{2, Covariance::Diagonal, Activation::Tanh, false},
                                           InputCase{2, Covariance::Full, Activation::Tanh, false},
                                           InputCase{2, Covariance::Full, Activation::Sin, true},
                                           InputCase{3, Covariance::Diagonal, Activation::Sin, false},
                                           InputCase{3, Covariance::Full, Activation::Tanh, false},
                                           InputCase{3, Covariance::Full, Activation::Sin, true},
                                           InputCase{4, Covariance::Diagonal, Activation::Tanh, false}));

// The multigrid features alone and summed with the Gaussians, periodic and not, 1-3 dimensions.
INSTANTIATE_TEST_SUITE_P(
    Multigrid, InputDerivatives,
    ::testing::Values(InputCase{1, Covariance::Diagonal, Activation::Tanh, false, EncoderKind::Multigrid},
                      InputCase{1, Covariance::Diagonal, Activation::Sin, true, EncoderKind::Multigrid},
                      InputCase{1, Covariance::Diagonal, Activation::Tanh, true, EncoderKind::Both},
                      InputCase{2, Covariance::Diagonal, Activation::Tanh, false, EncoderKind::Multigrid},
                      InputCase{2, Covariance::Diagonal, Activation::Sin, true, EncoderKind::Multigrid},
                      InputCase{2, Covariance::Full, Activation::Tanh, false, EncoderKind::Both},
                      InputCase{2, Covariance::Full, Activation::Sin, true, EncoderKind::Both},
                      InputCase{3, Covariance::Diagonal, Activation::Tanh, false, EncoderKind::Multigrid},
                      InputCase{3, Covariance::Diagonal, Activation::Sin, true, EncoderKind::Multigrid},
                      InputCase{3, Covariance::Full, Activation::Tanh, true, EncoderKind::Both},
                      InputCase{3, Covariance::Diagonal, Activation::Sin, false, EncoderKind::Both}));

// u = g(x)^p MLP(F(x)) with the hard boundary factor: square root and distance factor, every encoder.
INSTANTIATE_TEST_SUITE_P(
    HardBoundary, InputDerivatives,
    ::testing::Values(
        InputCase{1, Covariance::Diagonal, Activation::Tanh, false, EncoderKind::Gaussian, 1.0},
        InputCase{2, Covariance::Diagonal, Activation::Tanh, false, EncoderKind::Gaussian, 0.5},
        InputCase{2, Covariance::Full, Activation::Sin, false, EncoderKind::Multigrid, 1.5},
        InputCase{3, Covariance::Full, Activation::Tanh, false, EncoderKind::Both, 0.5},
        InputCase{4, Covariance::Diagonal, Activation::Sin, false, EncoderKind::Gaussian, 0.5},
        // the wall layer's growth (t in [0, 1])
        InputCase{3, Covariance::Diagonal, Activation::Tanh, false, EncoderKind::Gaussian, 0.5, 0.3},
        InputCase{3, Covariance::Full, Activation::Sin, false, EncoderKind::Multigrid, 1.0, 0.3},
        // the linear wall layer
        InputCase{3, Covariance::Diagonal, Activation::Sin, false, EncoderKind::Gaussian, 0.5, 0.3, 1},
        InputCase{3, Covariance::Full, Activation::Tanh, false, EncoderKind::Both, 1.5, 0.2, 1}));

// u = MLP(F(x, t)) + exp(-lambda t) u0(x), the initial-value lift, on Allen-Cahn (x periodic).
INSTANTIATE_TEST_SUITE_P(InitialLift, InputDerivatives,
                         ::testing::Values(InputCase{2, Covariance::Diagonal, Activation::Tanh, true,
                                                     EncoderKind::Gaussian, 0, 0, 2, 10.0},
                                           InputCase{2, Covariance::Full, Activation::Sin, true,
                                                     EncoderKind::Multigrid, 0, 0, 2, 3.0},
                                           InputCase{2, Covariance::Full, Activation::Tanh, true,
                                                     EncoderKind::Both, 0, 0, 2, 0.5}));

// Staggered grids (model.grid_offsets = staggered): channel c's knots shifted by c / channels of a cell.
INSTANTIATE_TEST_SUITE_P(
    StaggeredMultigrid, InputDerivatives,
    ::testing::Values(
        InputCase{1, Covariance::Diagonal, Activation::Tanh, false, EncoderKind::Multigrid, 0, 0, 2, 0, true},
        InputCase{1, Covariance::Diagonal, Activation::Sin, true, EncoderKind::Both, 0, 0, 2, 0, true},
        InputCase{2, Covariance::Diagonal, Activation::Tanh, false, EncoderKind::Multigrid, 0, 0, 2, 0, true},
        InputCase{2, Covariance::Full, Activation::Sin, true, EncoderKind::Both, 0, 0, 2, 0, true},
        InputCase{3, Covariance::Diagonal, Activation::Sin, true, EncoderKind::Multigrid, 0, 0, 2, 0, true},
        InputCase{2, Covariance::Diagonal, Activation::Tanh, true, EncoderKind::Multigrid, 0, 0, 2, 10.0,
                  true}));

// Loss terms on random points: the PDE residual, a boundary-like value term and an initial-like one.
std::vector<TermData> random_terms(const Pde& pde, int n, unsigned seed) {
  const Box box = pde.domain();
  std::vector<TermData> terms(2);
  terms[0].name = "residual";
  terms[0].kind = TermKind::Residual;
  terms[0].weight = 0.7;
  terms[0].points = test::random_points(box, n, seed);
  terms[0].global_count = n;
  terms[1].name = "values";
  terms[1].kind = TermKind::Value;
  terms[1].weight = 1.3;
  terms[1].points = test::random_points(box, n, seed + 1);
  terms[1].global_count = n;
  for (int i = 0; i < n * pde.outputs(); ++i) terms[1].targets.push_back(0.1 * i - 0.5);
  if (pde.has_forcing())  // non-zero source values, so their path into the residual is exercised
    for (int i = 0; i < n * pde.equations(); ++i) terms[0].forcing.push_back(0.3 * i - 1.1);
  return terms;
}

struct ParamCase {
  std::string pde;
  Covariance cov;
  Activation act;
  EncoderKind enc = EncoderKind::Gaussian;
  double hard = 0;         ///< model.hard_boundary
  double growth = 0;       ///< model.hard_boundary_growth
  int layer = 2;           ///< the wall layer's order (2 diffusive, 1 linear)
  double lift = 0;         ///< model.initial_lift
  double decay = 0;        ///< loss.residual_time_decay of the residual term
  bool staggered = false;  ///< model.grid_offsets = staggered
};

// The case's loss terms: random_terms with the residual term's time decay.
std::vector<TermData> case_terms(const ParamCase& c, const Pde& pde) {
  std::vector<TermData> terms = random_terms(pde, 8, 5);
  terms[0].time_decay = c.decay;
  return terms;
}

// The small model of a case, with its encoders.
ModelSpec case_spec(const ParamCase& c, const Pde& pde) {
  ModelSpec s = small_spec(pde.dim(), c.cov, c.act, pde.outputs());
  s.hard_boundary = c.hard;
  s.hard_boundary_growth = c.growth;
  s.hard_boundary_layer_order = c.layer;
  s.initial_lift = c.lift;
  s.grid_staggered = c.staggered;
  return c.enc == EncoderKind::Gaussian ? s : test::with_grid(s, c.enc, pde.domain());
}

class ParameterGradient : public ::testing::TestWithParam<ParamCase> {};

TEST_P(ParameterGradient, EveryGroupMatchesFiniteDifferences) {
  const ParamCase c = GetParam();
  auto pde = builtin_pdes().create(c.pde);
  ModelSpec spec = case_spec(c, *pde);
  LossFunction loss(*pde, spec);
  loss.set_terms(case_terms(c, *pde));
  auto theta = test::random_theta(spec, loss.model_box(), 7);
  std::vector<double> grad(theta.size()), terms;
  const double L0 = loss.evaluate(theta.data(), grad.data(), terms);
  ASSERT_TRUE(std::isfinite(L0));
  expect_gradient_matches_fd(loss, theta, grad);
}

std::vector<ParamCase> all_param_cases() {
  std::vector<ParamCase> cases;
  for (const auto& name : builtin_pdes().names()) {
    auto pde = builtin_pdes().create(name);
    for (Activation act : {Activation::Tanh, Activation::Sin}) {
      cases.push_back({name, Covariance::Diagonal, act});
      if (pde->dim() == 2 || pde->dim() == 3) cases.push_back({name, Covariance::Full, act});
    }
    const bool full = pde->dim() == 2 || pde->dim() == 3;
    cases.push_back({name, Covariance::Diagonal, Activation::Tanh, EncoderKind::Multigrid});
    cases.push_back(
        {name, full ? Covariance::Full : Covariance::Diagonal, Activation::Sin, EncoderKind::Both});
  }
  // The hard boundary factor on a time-dependent and a stationary problem.
  cases.push_back(
      {"nonlinear_diffusion", Covariance::Diagonal, Activation::Tanh, EncoderKind::Gaussian, 0.5});
  cases.push_back(
      {"nonlinear_diffusion", Covariance::Full, Activation::Sin, EncoderKind::Multigrid, 0.5, 0.2});
  cases.push_back(
      {"nonlinear_diffusion", Covariance::Diagonal, Activation::Sin, EncoderKind::Both, 0.5, 0.3, 1});
  cases.push_back({"helmholtz", Covariance::Full, Activation::Tanh, EncoderKind::Both, 1.0});
  // The initial-value lift: it adds no parameters but changes the residuals the gradient sees.
  cases.push_back({"allen_cahn", Covariance::Full, Activation::Tanh, EncoderKind::Both, 0, 0, 2, 10.0});
  cases.push_back(
      {"allen_cahn", Covariance::Diagonal, Activation::Sin, EncoderKind::Multigrid, 0, 0, 2, 3.0});
  // A residual weight decaying in time, with and without the lift.
  cases.push_back(
      {"allen_cahn", Covariance::Diagonal, Activation::Tanh, EncoderKind::Multigrid, 0, 0, 2, 10.0, 5.0});
  cases.push_back({"klein_gordon", Covariance::Full, Activation::Sin, EncoderKind::Both, 0, 0, 2, 0, 2.0});
  // Staggered grids, periodic (with the lift) and not.
  cases.push_back(
      {"allen_cahn", Covariance::Diagonal, Activation::Tanh, EncoderKind::Multigrid, 0, 0, 2, 10.0, 0, true});
  cases.push_back({"helmholtz", Covariance::Full, Activation::Sin, EncoderKind::Both, 0, 0, 2, 0, 0, true});
  cases.push_back(
      {"flow_mixing", Covariance::Diagonal, Activation::Tanh, EncoderKind::Multigrid, 0, 0, 2, 0, 0, true});
  return cases;
}

// The Jacobian of the residuals is consistent with the loss and its (finite-difference checked) gradient:
// loss = sum r^2 and gradient = 2 J^T r.
TEST_P(ParameterGradient, JacobianMatchesLossAndGradient) {
  const ParamCase c = GetParam();
  auto pde = builtin_pdes().create(c.pde);
  ModelSpec spec = case_spec(c, *pde);
  LossFunction loss(*pde, spec);
  loss.set_terms(case_terms(c, *pde));
  auto theta = test::random_theta(spec, loss.model_box(), 7);
  std::vector<double> grad(theta.size()), terms;
  const double L0 = loss.evaluate(theta.data(), grad.data(), terms);
  View1 r;
  View2 J;
  loss.residuals_and_jacobian(theta.data(), r, J);
  expect_jacobian_consistent(r, J, L0, grad);
}

// point_residuals gives the residuals the loss squares: weight / n * sum of their squares is the residual
// term's loss on the same points (source values from the PDE, as point_residuals takes them).
TEST_P(ParameterGradient, PointResidualsGiveTheResidualTermLoss) {
  const ParamCase c = GetParam();
  auto pde = builtin_pdes().create(c.pde);
  const ModelSpec spec = case_spec(c, *pde);
  LossFunction loss(*pde, spec);
  std::vector<TermData> terms = case_terms(c, *pde);
  terms.resize(1);
  TermData& t = terms[0];
  const int D = pde->dim(), E = pde->equations();
  if (pde->has_forcing())
    for (int i = 0; i < 8; ++i) pde->forcing(&t.points[i * D], &t.forcing[i * E]);
  const std::vector<double> points = t.points;
  loss.set_terms(terms);
  auto theta = test::random_theta(spec, loss.model_box(), 7);
  std::vector<double> term_loss, r;
  loss.evaluate(theta.data(), nullptr, term_loss);
  loss.point_residuals(theta.data(), points.data(), 8, r);
  ASSERT_EQ(r.size(), static_cast<std::size_t>(8 * E));
  // point_residuals gives the PDE's residuals; the term weighs them by the time weight, if any.
  const int ta = pde->time_axis();
  const TimeWeight w =
      make_time_weight(ta, pde->domain().lo[std::max(ta, 0)], pde->domain().hi[std::max(ta, 0)], c.decay);
  double sum = 0;
  for (int i = 0; i < 8; ++i)
    for (int e = 0; e < E; ++e) sum += std::pow(w.root(&points[i * D]) * r[i * E + e], 2);
  EXPECT_NEAR(0.7 / 8 * sum, term_loss[0], 1e-12 * std::abs(term_loss[0]));
  EXPECT_GT(sum, 0.0);
  // The terms are untouched: the loss is the same after the call.
  std::vector<double> again;
  loss.evaluate(theta.data(), nullptr, again);
  EXPECT_EQ(again[0], term_loss[0]);
}

// With multigrid features, Jacobian columns (every grid value's among them) against finite differences of
// the residuals: each row d r_p / d theta_k, not only J^T r.
TEST_P(ParameterGradient, JacobianColumnsMatchFiniteDifferences) {
  const ParamCase c = GetParam();
  if (c.enc == EncoderKind::Gaussian) GTEST_SKIP() << "the Gaussian rows are checked through J^T r";
  auto pde = builtin_pdes().create(c.pde);
  const ModelSpec spec = case_spec(c, *pde);
  LossFunction loss(*pde, spec);
  loss.set_terms(case_terms(c, *pde));
  const auto theta = test::random_theta(spec, loss.model_box(), 7);
  View1 r;
  View2 J;
  loss.residuals_and_jacobian(theta.data(), r, J);
  auto hJ = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), J);
  auto hr0 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), r);
  double floor = 0;
  for (std::size_t p = 0; p < hr0.extent(0); ++p) floor = std::max(floor, 1e-5 * std::abs(hr0(p)));
  const ParamLayout& L = loss.layout();
  std::vector<std::size_t> columns;
  for (std::size_t k = L.grid; k < L.mlp; k += 1 + (L.mlp - L.grid) / 60) columns.push_back(k);
  for (std::size_t k = 0; k < L.total; k += 1 + L.total / 20) columns.push_back(k);
  int nonzero = 0;
  for (std::size_t k : columns) {
    std::vector<double> column, fd;
    for (std::size_t p = 0; p < hJ.extent(0); ++p) column.push_back(hJ(p, k));
    const double h = 1e-4 * (1 + std::abs(theta[k]));
    std::vector<std::vector<double>> rs;
    for (double step : {-2 * h, -h, h, 2 * h}) {
      auto th = theta;
      th[k] += step;
      View1 rr;
      View2 JJ;
      loss.residuals_and_jacobian(th.data(), rr, JJ);
      auto hr = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), rr);
      rs.emplace_back(hr.data(), hr.data() + hr.extent(0));
    }
    for (std::size_t p = 0; p < column.size(); ++p)
      fd.push_back((8 * (rs[2][p] - rs[1][p]) - (rs[3][p] - rs[0][p])) / (12 * h));
    // Differences carry round-off of about 1e-16 |r| / h: entries far below |r| are compared absolutely.
    EXPECT_LE(test::max_rel_diff(column, fd, floor), 1e-6) << "column " << k;
    nonzero += *std::max_element(fd.begin(), fd.end(), [](double a, double b) {
      return std::abs(a) < std::abs(b);
    }) != 0 && test::max_rel_diff(column, std::vector<double>(column.size(), 0.0), floor) > 1;
  }
  EXPECT_GT(nonzero, static_cast<int>(columns.size()) / 4)
      << "most sampled columns must be well above round-off";
}

// Poisson with host data, given poisson's source and boundary values, is the same loss as "poisson": the
// per-point forcing path reproduces the closed-form source to round-off, gradient included.
TEST(PoissonData, MatchesClosedFormPoissonWithTheSameSource) {
  auto closed = builtin_pdes().create("poisson");
  auto data = builtin_pdes().create("poisson_data");
  auto& setter = dynamic_cast<HostDataPde&>(*data);
  const double pi = 3.14159265358979323846;
  const HostField exact = [&](const double* x) { return std::sin(pi * x[0]) * std::sin(pi * x[1]); };
  setter.set_source([&](const double* x) { return 2 * pi * pi * exact(x); });
  setter.set_boundary(exact);
  ModelSpec spec = small_spec(2, Covariance::Full, Activation::Tanh);
  SamplingSpec sampling;
  sampling.residual = 40;
  sampling.boundary = 16;
  LossFunction a(*closed, spec), b(*data, spec);
  a.set_terms(draw_terms(*closed, sampling, 3, 0, 0, 1));
  b.set_terms(draw_terms(*data, sampling, 3, 0, 0, 1));
  ASSERT_EQ(b.terms()[0].forcing.size(), 40u);
  const auto theta = test::random_theta(spec, a.model_box(), 9);
  std::vector<double> ga(theta.size()), gb(theta.size()), ta, tb;
  const double La = a.evaluate(theta.data(), ga.data(), ta);
  const double Lb = b.evaluate(theta.data(), gb.data(), tb);
  EXPECT_NEAR(Lb, La, 1e-12 * La);
  EXPECT_LE(test::max_rel_diff(gb, ga), 1e-12);
  // A different source must change the loss (the forcing is really read).
  setter.set_source([](const double*) { return 0.0; });
  LossFunction c(*data, spec);
  c.set_terms(draw_terms(*data, sampling, 3, 0, 0, 1));
  EXPECT_GT(std::abs(c.evaluate(theta.data(), nullptr, tb) - La), 1e-3 * La);
}

// A residual term of a forced PDE without its source values is refused, not read as zeros.
TEST(PoissonData, ResidualTermWithoutSourceValuesIsRefused) {
  auto data = builtin_pdes().create("poisson_data");
  LossFunction loss(*data, small_spec(2, Covariance::Diagonal, Activation::Tanh));
  auto terms = random_terms(*data, 4, 1);
  terms[0].forcing.clear();
  EXPECT_THROW(loss.set_terms(terms), Error);
}

// Trained PDE coefficients (inverse problems): one case per trainable coefficient of every built-in PDE.
struct CoefficientCase {
  std::string pde, coefficient;
};

std::vector<CoefficientCase> all_coefficient_cases() {
  std::vector<CoefficientCase> cases;
  for (const auto& name : builtin_pdes().names())
    for (const auto& c : builtin_pdes().create(name)->trainable_coefficients()) cases.push_back({name, c});
  return cases;
}

class CoefficientGradient : public ::testing::TestWithParam<CoefficientCase> {
 protected:
  // The PDE with the coefficient trained, and a model whose coefficient starts `shift` off its configured
  // value.
  void SetUp() override {
    const CoefficientCase c = GetParam();
    pde = builtin_pdes().create(c.pde);
    for (const auto& p : pde->parameters())
      if (p.name == c.coefficient) configured = *p.value;
    pde->train_coefficients({c.coefficient});
    spec = small_spec(pde->dim(), Covariance::Full, Activation::Tanh, pde->outputs());
    spec.coefficients = {configured + 0.3};
  }
  std::unique_ptr<Pde> pde;
  ModelSpec spec;
  double configured = 0;
};

TEST(TrainableCoefficients, EveryPdeDeclaresThem) {
  EXPECT_EQ(builtin_pdes().create("helmholtz")->trainable_coefficients(), std::vector<std::string>{"k"});
  EXPECT_EQ(builtin_pdes().create("nonlinear_diffusion")->trainable_coefficients(),
            std::vector<std::string>{"alpha"});
  EXPECT_EQ(builtin_pdes().create("klein_gordon")->trainable_coefficients(), std::vector<std::string>{"c"});
  auto pde = builtin_pdes().create("helmholtz");
  EXPECT_THROW(pde->train_coefficients({"a1"}), Error);  // a parameter, but not a trainable one
  EXPECT_THROW(pde->train_coefficients({"k", "k"}), Error);
}

// The layout puts the coefficients after the MLP block; with none trained it is unchanged.
TEST_P(CoefficientGradient, CoefficientsFollowTheMlpBlock) {
  ModelSpec plain = spec;
  plain.coefficients.clear();
  const ParamLayout a = ParamLayout::from_spec(plain), b = ParamLayout::from_spec(spec);
  EXPECT_EQ(b.coefficients, a.total);
  EXPECT_EQ(b.total, a.total + 1);
  EXPECT_EQ(b.mlp, a.mlp);
  EXPECT_EQ(b.groups().back().name, "coefficients");
}

// Trained at its configured value, the coefficient gives the forward problem's loss.
TEST_P(CoefficientGradient, AtTheConfiguredValueTheLossIsTheForwardLoss) {
  auto forward = builtin_pdes().create(GetParam().pde);
  ModelSpec plain = spec;
  plain.coefficients.clear();
  LossFunction a(*forward, plain), b(*pde, spec);
  a.set_terms(random_terms(*forward, 8, 5));
  b.set_terms(random_terms(*pde, 8, 5));
  auto theta = test::random_theta(plain, a.model_box(), 7);
  std::vector<double> ta, tb;
  const double La = a.evaluate(theta.data(), nullptr, ta);
  theta.push_back(configured);
  EXPECT_NEAR(b.evaluate(theta.data(), nullptr, tb), La, 1e-13 * La);
}

TEST_P(CoefficientGradient, EveryGroupMatchesFiniteDifferences) {
  LossFunction loss(*pde, spec);
  loss.set_terms(random_terms(*pde, 8, 5));
  auto theta = test::random_theta(spec, loss.model_box(), 7);
  std::vector<double> grad(theta.size()), terms;
  ASSERT_TRUE(std::isfinite(loss.evaluate(theta.data(), grad.data(), terms)));
  expect_gradient_matches_fd(loss, theta, grad);
  EXPECT_GT(std::abs(grad.back()), 0.0) << "the coefficient must reach the loss";
}

// The Jacobian's coefficient column: loss = sum r^2, gradient = 2 J^T r, and d r / d coefficient against
// finite differences of the residuals.
TEST_P(CoefficientGradient, JacobianColumnMatchesGradientAndFiniteDifferences) {
  LossFunction loss(*pde, spec);
  loss.set_terms(random_terms(*pde, 8, 5));
  auto theta = test::random_theta(spec, loss.model_box(), 7);
  std::vector<double> grad(theta.size()), terms;
  const double L0 = loss.evaluate(theta.data(), grad.data(), terms);
  View1 r;
  View2 J;
  loss.residuals_and_jacobian(theta.data(), r, J);
  expect_jacobian_consistent(r, J, L0, grad);
  auto hr = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), r);
  auto hJ = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), J);
  const std::size_t k = theta.size() - 1;
  std::vector<double> column, fd;
  for (std::size_t p = 0; p < hr.extent(0); ++p) column.push_back(hJ(p, k));
  const double h = 1e-4 * (1 + std::abs(theta[k]));
  for (std::size_t p = 0; p < hr.extent(0); ++p) {
    auto f = [&](double t) {
      auto th = theta;
      th[k] = t;
      View1 rr;
      View2 JJ;
      loss.residuals_and_jacobian(th.data(), rr, JJ);
      auto h_r = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), rr);
      return h_r(p);
    };
    fd.push_back(test::fd4(f, theta[k], h));
  }
  EXPECT_LE(test::max_rel_diff(column, fd), 1e-7);
}

INSTANTIATE_TEST_SUITE_P(Trainable, CoefficientGradient, ::testing::ValuesIn(all_coefficient_cases()),
                         [](const ::testing::TestParamInfo<CoefficientCase>& i) {
                           return i.param.pde + "_" + i.param.coefficient;
                         });

INSTANTIATE_TEST_SUITE_P(AllPdes, ParameterGradient, ::testing::ValuesIn(all_param_cases()),
                         [](const ::testing::TestParamInfo<ParamCase>& i) {
                           return i.param.pde + (i.param.cov == Covariance::Full ? "_full" : "_diag") +
                                  (i.param.act == Activation::Tanh ? "_tanh" : "_sin") +
                                  (i.param.enc == EncoderKind::Gaussian
                                       ? ""
                                       : std::string("_") + encoder_name(i.param.enc)) +
                                  (i.param.hard > 0 ? "_hard" : "") + (i.param.layer == 1 ? "_linear" : "") +
                                  (i.param.lift > 0 ? "_lift" : "") + (i.param.decay > 0 ? "_decay" : "") +
                                  (i.param.staggered ? "_staggered" : "");
                         });

// The hard boundary factor makes u exactly 0 on the spatial boundary at every time, and only there: the
// time axis (nonlinear diffusion's axis 0) is not a wall. A problem with no wall refuses it.
TEST(HardBoundary, VanishesOnTheSpatialBoundaryOnly) {
  auto pde = builtin_pdes().create("nonlinear_diffusion");
  ModelSpec spec = small_spec(3, Covariance::Diagonal, Activation::Tanh);
  spec.hard_boundary = 0.5;
  LossFunction model(*pde, spec);
  const auto theta = test::random_theta(spec, model.model_box(), 3);
  // (x, y, t): on the walls x = -1, x = 1, y = -1, y = 1, then inside at t = 0 and t = 1.
  const std::vector<double> wall = {-1.0, 0.3, 0.0, 1.0, -0.7, 0.5, 0.2, -1.0, 1.0, 0.4, 1.0, 0.3};
  const std::vector<double> inside = {0.1, -0.2, 0.0, -0.5, 0.6, 1.0};
  std::vector<double> u;
  model.evaluate_u(theta.data(), wall.data(), 4, 0, u);
  for (double v : u) EXPECT_EQ(v, 0.0);
  model.evaluate_u(theta.data(), inside.data(), 2, 0, u);
  for (double v : u) EXPECT_GT(std::abs(v), 1e-8);
  // Without the factor the same parameters are not 0 on the walls.
  spec.hard_boundary = 0;
  LossFunction free_model(*pde, spec);
  free_model.evaluate_u(theta.data(), wall.data(), 4, 0, u);
  for (double v : u) EXPECT_GT(std::abs(v), 1e-8);
  // With a growing wall layer, g = (phi / sqrt(phi^2 + c^2 t))^p: u = N everywhere at t = 0, walls included
  // (the initial value is free), u = 0 on the walls at t > 0, and inside u = g N.
  std::vector<double> free_u, grown_u;
  const std::vector<double> at_t0 = {-1.0, 0.3, 0.0, 0.4, 1.0, 0.0, 0.1, -0.2, 0.0};
  const std::vector<double> later = {-1.0, 0.3, 0.5, 0.4, 1.0, 1.0, 0.1, -0.2, 0.5};
  spec.hard_boundary = 0.5;
  spec.hard_boundary_growth = 0.2;
  LossFunction grown(*pde, spec);
  free_model.evaluate_u(theta.data(), at_t0.data(), 3, 0, free_u);
  grown.evaluate_u(theta.data(), at_t0.data(), 3, 0, grown_u);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(grown_u[i], free_u[i], 1e-15 * std::abs(free_u[i]));
  free_model.evaluate_u(theta.data(), later.data(), 3, 0, free_u);
  grown.evaluate_u(theta.data(), later.data(), 3, 0, grown_u);
  EXPECT_EQ(grown_u[0], 0.0);
  EXPECT_EQ(grown_u[1], 0.0);
  const double phi = (1 - 0.01) * (1 - 0.04);
  EXPECT_NEAR(grown_u[2], std::sqrt(phi / std::sqrt(phi * phi + 0.2 * 0.2 * 0.5)) * free_u[2],
              1e-14 * std::abs(free_u[2]));
  // The linear layer, g = (phi / (phi + c t))^p: the same at t = 0 and on the walls, its own g inside.
  spec.hard_boundary_layer_order = 1;
  LossFunction linear(*pde, spec);
  linear.evaluate_u(theta.data(), later.data(), 3, 0, grown_u);
  EXPECT_EQ(grown_u[0], 0.0);
  EXPECT_EQ(grown_u[1], 0.0);
  EXPECT_NEAR(grown_u[2], std::sqrt(phi / (phi + 0.2 * 0.5)) * free_u[2], 1e-14 * std::abs(free_u[2]));
  free_model.evaluate_u(theta.data(), at_t0.data(), 3, 0, free_u);
  linear.evaluate_u(theta.data(), at_t0.data(), 3, 0, grown_u);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(grown_u[i], free_u[i], 1e-15 * std::abs(free_u[i]));
  auto periodic = builtin_pdes().create("allen_cahn");
  ModelSpec ps = small_spec(2, Covariance::Diagonal, Activation::Tanh);
  ps.hard_boundary = 1;
  for (int d = 0; d < 2; ++d) ps.periodic[d] = periodic->domain().periodic[d];
  EXPECT_THROW(LossFunction(*periodic, ps), Error);
}

// The residual time weight averages 1 over the time axis and falls by exp(-gamma T) across it.
TEST(TimeWeight, AveragesOneAndDecays) {
  const TimeWeight w = make_time_weight(1, 0.5, 2.5, 3.0);
  double mean = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const double x[2] = {0.3, 0.5 + 2.0 * (i + 0.5) / n};
    mean += w.root(x) * w.root(x) / n;
  }
  EXPECT_NEAR(mean, 1.0, 1e-8);
  const double first[2] = {0, 0.5}, last[2] = {0, 2.5};
  EXPECT_NEAR(std::pow(w.root(last) / w.root(first), 2), std::exp(-6.0), 1e-15);
  const double any[2] = {0, 1.7};
  EXPECT_EQ(make_time_weight(1, 0.5, 2.5, 0.0).root(any), 1.0);
  EXPECT_EQ(make_time_weight(-1, 0, 1, 2.0).root(any), 1.0);
}

// A library user's spec with a layer order other than 1 or 2, or a linear layer without growth, is refused.
TEST(HardBoundary, LayerOrderIsOneOrTwoWithAGrowth) {
  ModelSpec s = small_spec(3, Covariance::Diagonal, Activation::Tanh);
  s.hard_boundary = 0.5;
  s.hard_boundary_growth = 0.1;
  s.hard_boundary_layer_order = 1;
  EXPECT_NO_THROW(s.validate());
  s.hard_boundary_layer_order = 3;
  EXPECT_THROW(s.validate(), Error);
  s.hard_boundary_layer_order = 1;
  s.hard_boundary_growth = 0;
  EXPECT_THROW(s.validate(), Error);
}

}  // namespace
}  // namespace pigx
