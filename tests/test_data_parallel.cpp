// Data parallelism: the loss, gradient, test error and a short training run on P ranks equal those of
// one process holding every point, to round-off (run at 1, 2 and 4 ranks).
#include <gtest/gtest.h>
#include <mpi.h>
#include <petscsys.h>

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

#include "mpi_support.hpp"
#include "pigx/core/collocation.hpp"
#include "pigx/parallel/data_parallel.hpp"
#include "pigx/solve/levenberg_marquardt.hpp"
#include "pigx/solve/trainer.hpp"
#include "test_support.hpp"

namespace pigx {
namespace {

using test::world_rank;
using test::world_size;

ModelSpec spec_for(const Pde& pde) {
  ModelSpec s;
  s.dim = pde.dim();
  s.channels = 2;
  s.gaussians_per_channel = 20;
  s.hidden = {8};
  s.sigma0 = 0.3;
  return s;
}

SamplingSpec sampling() {
  SamplingSpec s;
  s.residual = 203;  // not divisible by 2 or 4: uneven shares
  s.boundary = 61;
  s.initial = 37;
  return s;
}

// RAD picking by the miss alone (weight |miss|^2, no uniform share), so its points differ clearly from a
// uniform draw.
SamplingSpec rad_sampling() {
  SamplingSpec s = sampling();
  s.adaptive.enabled = true;
  s.adaptive.k = 2.0;
  s.adaptive.c = 0.0;
  return s;
}

TEST(DataParallel, LossAndGradientEqualOneProcess) {
  auto pde = builtin_pdes().create("klein_gordon");
  const ModelSpec spec = spec_for(*pde);
  LossFunction mine(*pde, spec), all(*pde, spec);
  mine.set_terms(draw_terms(*pde, sampling(), 3, 0, world_rank(), world_size()));
  all.set_terms(draw_terms(*pde, sampling(), 3, 0, 0, 1));
  std::vector<double> theta;
  initialise_parameters(spec, mine.layout(), mine.model_box(), 5, theta);
  DataParallelLoss dp(MPI_COMM_WORLD, mine);
  std::vector<double> g(theta.size()), g1(theta.size()), t, t1;
  const double L = dp.evaluate(theta.data(), g.data(), t);
  const double L1 = all.evaluate(theta.data(), g1.data(), t1);
  EXPECT_NEAR(L, L1, 1e-13 * std::abs(L1));
  ASSERT_EQ(t.size(), 3u);
  for (std::size_t k = 0; k < t.size(); ++k) EXPECT_NEAR(t[k], t1[k], 1e-13 * std::abs(t1[k]));
  EXPECT_LE(test::max_rel_diff(g, g1), 1e-12);
}

// The points of the term named `name` (this rank's share when the terms are a rank's).
const std::vector<double>& term_points(const std::vector<TermData>& terms, const std::string& name) {
  for (const auto& t : terms)
    if (t.name == name) return t.points;
  throw std::runtime_error("no term " + name);
}

// Every rank's points of the term named `name`, gathered in rank order.
std::vector<double> gathered_points(LossFunction& loss, const std::string& name) {
  const std::vector<double>& mine = term_points(loss.terms(), name);
  std::vector<int> counts(world_size()), displs(world_size());
  const int n = static_cast<int>(mine.size());
  MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
  for (int q = 1; q < world_size(); ++q) displs[q] = displs[q - 1] + counts[q - 1];
  std::vector<double> all(displs.back() + counts.back());
  MPI_Allgatherv(mine.data(), n, MPI_DOUBLE, all.data(), counts.data(), displs.data(), MPI_DOUBLE,
                 MPI_COMM_WORLD);
  return all;
}

double mean_abs_residual(LossFunction& loss, const double* theta, const std::vector<double>& points) {
  std::vector<double> r;
  const long long n = static_cast<long long>(points.size()) / loss.pde().dim();
  loss.point_residuals(theta, points.data(), n, r);
  double s = 0;
  for (double v : r) s += std::abs(v);
  return s / static_cast<double>(r.size());
}

// Adaptive (RAD) resampling draws the same global points on any rank count, keeps round 0 uniform, and
// puts the points where the model's residual is large.
TEST(DataParallel, AdaptiveResamplingIsRankInvariantAndFollowsTheResidual) {
  auto pde = builtin_pdes().create("helmholtz");
  const ModelSpec spec = spec_for(*pde);
  SamplingSpec s = rad_sampling();
  LossFunction mine(*pde, spec), one(*pde, spec);
  std::vector<double> theta;
  initialise_parameters(spec, mine.layout(), mine.model_box(), 5, theta);
  DataParallelLoss dp(MPI_COMM_WORLD, mine, &s), dp1(MPI_COMM_SELF, one, &s);

  dp.resample(3, 0, theta.data());
  EXPECT_EQ(gathered_points(mine, "residual"), draw_terms(*pde, s, 3, 0, 0, 1).front().points);

  dp.resample(3, 1, theta.data());
  dp1.resample(3, 1, theta.data());
  const std::vector<double> adaptive = gathered_points(mine, "residual");
  EXPECT_EQ(adaptive, one.terms().front().points);
  ASSERT_EQ(adaptive.size(), static_cast<std::size_t>(s.residual * pde->dim()));
  EXPECT_EQ(mine.terms().front().global_count, s.residual);

  const std::vector<double> uniform = draw_terms(*pde, s, 3, 1, 0, 1).front().points;
  const double hot = mean_abs_residual(one, theta.data(), adaptive);
  const double flat = mean_abs_residual(one, theta.data(), uniform);
  EXPECT_GT(hot, 1.5 * flat) << "adaptive " << hot << ", uniform " << flat;
}

double mean_initial_miss(LossFunction& loss, const double* theta, const std::vector<double>& points) {
  const Pde& pde = loss.pde();
  const long long n = static_cast<long long>(points.size()) / pde.dim();
  std::vector<double> u, u0(pde.outputs());
  loss.evaluate_u(theta, points.data(), n, 0, u);
  double s = 0;
  for (long long i = 0; i < n; ++i) {
    pde.initial_value(&points[i * pde.dim()], u0.data());
    for (int o = 0; o < pde.outputs(); ++o) s += std::abs(u[i * pde.outputs() + o] - u0[o]);
  }
  return s / static_cast<double>(n * pde.outputs());
}

// With AdaptiveSpec::initial the initial points, too, follow the model: on the start of the time axis,
// the same global points on any rank count, where the model misses the initial value, with u0 as targets.
TEST(DataParallel, AdaptiveInitialPointsAreRankInvariantAndFollowTheMiss) {
  auto pde = builtin_pdes().create("klein_gordon");
  const ModelSpec spec = spec_for(*pde);
  SamplingSpec s = rad_sampling();
  s.adaptive.initial = true;
  LossFunction mine(*pde, spec), one(*pde, spec);
  std::vector<double> theta;
  initialise_parameters(spec, mine.layout(), mine.model_box(), 5, theta);
  DataParallelLoss dp(MPI_COMM_WORLD, mine, &s), dp1(MPI_COMM_SELF, one, &s);
  const std::vector<double> uniform = term_points(draw_terms(*pde, s, 3, 1, 0, 1), "initial");

  dp.resample(3, 1, theta.data());
  dp1.resample(3, 1, theta.data());
  const std::vector<double> adaptive = gathered_points(mine, "initial");
  EXPECT_EQ(adaptive, term_points(one.terms(), "initial"));
  const int D = pde->dim(), ta = pde->time_axis();
  ASSERT_EQ(adaptive.size(), static_cast<std::size_t>(s.initial * D));
  for (int i = 0; i < s.initial; ++i) EXPECT_EQ(adaptive[i * D + ta], pde->domain().lo[ta]);
  for (const auto& t : one.terms()) {
    if (t.name != "initial") continue;
    EXPECT_EQ(t.global_count, s.initial);
    std::vector<double> u0(pde->outputs());
    for (int i = 0; i < s.initial; ++i) {
      pde->initial_value(&t.points[i * D], u0.data());
      for (int o = 0; o < pde->outputs(); ++o) EXPECT_EQ(t.targets[i * pde->outputs() + o], u0[o]);
    }
  }
  const double hot = mean_initial_miss(one, theta.data(), adaptive);
  const double flat = mean_initial_miss(one, theta.data(), uniform);
  EXPECT_GT(hot, 1.5 * flat) << "adaptive " << hot << ", uniform " << flat;

  // Without the flag the initial points stay the uniform draw.
  s.adaptive.initial = false;
  dp1.resample(3, 1, theta.data());
  EXPECT_EQ(term_points(one.terms(), "initial"), uniform);
}

TEST(DataParallel, TestErrorAndGatherEqualOneProcess) {
  auto pde = builtin_pdes().create("helmholtz");
  const ModelSpec spec = spec_for(*pde);
  LossFunction loss(*pde, spec);
  std::vector<double> theta;
  initialise_parameters(spec, loss.layout(), loss.model_box(), 5, theta);
  const TestGrid grid = make_exact_grid(*pde);
  std::vector<double> u, u1;
  const double e = test_error(MPI_COMM_WORLD, loss, theta.data(), grid, &u);
  const double e1 = test_error(MPI_COMM_SELF, loss, theta.data(), grid, &u1);
  EXPECT_NEAR(e, e1, 1e-13 * e1);
  if (world_rank() == 0) {
    ASSERT_EQ(u.size(), u1.size());
    EXPECT_LE(test::max_rel_diff(u, u1), 1e-14);
  } else {
    EXPECT_TRUE(u.empty());
  }
}

TEST(DataParallel, TrainingHistoryIndependentOfRankCount) {
  auto pde = builtin_pdes().create("poisson");
  const ModelSpec spec = spec_for(*pde);
  TrainSpec ts;
  ts.seed = 4;
  ts.stages = {{"adam", 12}, {"lmvm", 8}};
  ts.learning_rate = 1e-2;
  ts.resample_every = 5;
  ts.progress_every = 0;
  std::ostringstream log;
  auto run = [&](MPI_Comm comm) {
    LossFunction loss(*pde, spec);
    std::vector<double> theta;
    initialise_parameters(spec, loss.layout(), loss.model_box(), ts.seed, theta);
    Trainer tr(comm, *pde, loss, sampling(), ts, nullptr, log);
    const TrainReport rep = tr.train(theta);
    EXPECT_EQ(rep.iterations, 20);
    EXPECT_TRUE(std::isfinite(rep.loss));
    return theta;
  };
  const auto parallel = run(MPI_COMM_WORLD);
  const auto serial = run(MPI_COMM_SELF);
  EXPECT_LE(test::max_rel_diff(parallel, serial), 1e-8) << "on " << world_size() << " ranks";
}

TEST(DataParallel, LevenbergMarquardtLowersLossAndIsRankInvariant) {
  auto pde = builtin_pdes().create("helmholtz");
  const ModelSpec spec = spec_for(*pde);
  auto run = [&](MPI_Comm comm, double& first, double& last) {
    LossFunction loss(*pde, spec);
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    loss.set_terms(draw_terms(*pde, sampling(), 3, 0, rank, size));
    std::vector<double> theta, terms;
    initialise_parameters(spec, loss.layout(), loss.model_box(), 5, theta);
    DataParallelLoss dp(comm, loss);
    first = dp.evaluate(theta.data(), nullptr, terms);
    LevenbergMarquardt lm(dp);
    last = first;
    const long long steps = lm.run(theta, 8, [&](long long, double f) {
      EXPECT_LE(f, last) << "an accepted step never raises the loss";
      last = f;
      return true;
    });
    EXPECT_EQ(steps, 8);
    return theta;
  };
  double f0, f1, g0, g1;
  const auto parallel = run(MPI_COMM_WORLD, f0, f1);
  const auto serial = run(MPI_COMM_SELF, g0, g1);
  EXPECT_LT(f1, 0.8 * f0) << "8 Levenberg-Marquardt steps from a random start should lower the loss";
  EXPECT_NEAR(f1, g1, 1e-6 * g1);
  EXPECT_LE(test::max_rel_diff(parallel, serial), 1e-6);
}

TEST(DataParallel, GramTimesIsTheNormalEquationsMatrix) {
  auto pde = builtin_pdes().create("klein_gordon");
  const ModelSpec spec = spec_for(*pde);
  LossFunction loss(*pde, spec);
  loss.set_terms(draw_terms(*pde, sampling(), 3, 0, world_rank(), world_size()));
  std::vector<double> theta, A, g;
  initialise_parameters(spec, loss.layout(), loss.model_box(), 5, theta);
  DataParallelLoss dp(MPI_COMM_WORLD, loss);
  dp.normal_equations(theta.data(), A, g);
  const std::size_t P = theta.size();
  std::vector<double> v(P), Av(P, 0.0), got(P);
  for (std::size_t i = 0; i < P; ++i) v[i] = std::sin(0.7 * static_cast<double>(i) + 0.3);
  for (std::size_t b = 0; b < P; ++b)  // A holds the upper triangle
    for (std::size_t a = 0; a <= b; ++a) {
      Av[a] += A[a + b * P] * v[b];
      if (a != b) Av[b] += A[a + b * P] * v[a];
    }
  dp.gram_times(v.data(), got.data());
  EXPECT_LE(test::max_rel_diff(got, Av), 1e-11);
  // In single precision A is the same matrix to single precision, and gram_times stays exact.
  std::vector<double> As, gs;
  dp.set_gram_precision(GramPrecision::single_precision);
  dp.normal_equations(theta.data(), As, gs);
  const double diff = test::max_rel_diff(As, A);
  EXPECT_LT(diff, 1e-4);
  EXPECT_GT(diff, 1e-12);
  EXPECT_EQ(gs, g);
  double diag_diff = 0;  // the diagonal, LM's scaling, stays double
  for (std::size_t j = 0; j < P; ++j)
    diag_diff = std::max(diag_diff, std::abs(As[j * P + j] / A[j * P + j] - 1));
  EXPECT_LT(diag_diff, 1e-13);
  dp.gram_times(v.data(), got.data());
  EXPECT_LE(test::max_rel_diff(got, Av), 1e-11);
}

TEST(DataParallel, SinglePrecisionGramTakesTheDoublePrecisionSteps) {
  // LevenbergMarquardt::run(): with train.lm_gram = single, CG on exact products refines each step.
  auto pde = builtin_pdes().create("helmholtz");
  const ModelSpec spec = spec_for(*pde);
  auto run = [&](MPI_Comm comm, GramPrecision precision, double& cg_per_solve) {
    LossFunction loss(*pde, spec);
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    loss.set_terms(draw_terms(*pde, sampling(), 3, 0, rank, size));
    std::vector<double> theta;
    initialise_parameters(spec, loss.layout(), loss.model_box(), 5, theta);
    DataParallelLoss dp(comm, loss);
    LevenbergMarquardt lm(dp, precision);
    EXPECT_EQ(lm.run(theta, 8, [](long long, double) { return true; }), 8);
    cg_per_solve = lm.cg_iterations_per_solve();
    return theta;
  };
  double cg_double, cg_single, cg_serial, cg_loose;
  const auto exact = run(MPI_COMM_WORLD, GramPrecision::double_precision, cg_double);
  // By default CG stops at 1e-4 (an inexact step); converged tightly it gives the double-precision steps.
  const auto loose = run(MPI_COMM_WORLD, GramPrecision::single_precision, cg_loose);
  PetscOptionsSetValue(nullptr, "-lm_ksp_rtol", "1e-10");
  const auto mixed = run(MPI_COMM_WORLD, GramPrecision::single_precision, cg_single);
  const auto serial = run(MPI_COMM_SELF, GramPrecision::single_precision, cg_serial);
  PetscOptionsClearValue(nullptr, "-lm_ksp_rtol");
  EXPECT_LT(cg_loose, cg_single) << "a looser tolerance takes fewer CG iterations";
  EXPECT_LE(test::max_rel_diff(loose, exact), 0.1) << "the inexact steps stay close to the exact ones";
  EXPECT_EQ(cg_double, 0.0);
  EXPECT_GE(cg_single, 1.0) << "the single-precision factor's step is refined by CG";
  EXPECT_LE(test::max_rel_diff(mixed, exact), 1e-6) << "on " << world_size() << " ranks";
  EXPECT_LE(test::max_rel_diff(mixed, serial), 1e-6) << "on " << world_size() << " ranks";
}

}  // namespace
}  // namespace pigx
