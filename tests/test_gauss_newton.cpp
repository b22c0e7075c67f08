// The residual form and matrix-free Gauss-Newton: J v against finite differences of the residual vector,
// J^T r against the loss gradient, column norms and diagonal blocks against the assembled J^T J, for a
// data-parallel and a 2 x 2 decomposed loss; and the TAO type "gn" lowering the loss with the same result on
// any rank count (run at 1, 2 and 4 ranks).
#include <gtest/gtest.h>
#include <mpi.h>
#include <petsctao.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <numeric>
#include <random>
#include <sstream>

#include "mpi_support.hpp"
#include "pigx/core/collocation.hpp"
#include "pigx/parallel/data_parallel.hpp"
#include "pigx/parallel/decomposed_loss.hpp"
#include "pigx/solve/independent_runs.hpp"
#include "pigx/solve/residual_jacobian.hpp"
#include "pigx/solve/tao_gauss_newton.hpp"
#include "pigx/solve/trainer.hpp"
#include "test_support.hpp"

namespace pigx {
namespace {

using test::world_rank;
using test::world_size;

SamplingSpec sampling() {
  SamplingSpec s;
  s.residual = 203;  // uneven shares on 2 and 4 ranks
  s.boundary = 61;
  s.initial = 37;
  return s;
}

// A loss at random parameters: data-parallel (one model) or decomposed (2 x 2, every condition).
struct Problem {
  std::unique_ptr<Pde> pde;
  ModelSpec spec;
  std::unique_ptr<LossFunction> local;
  std::unique_ptr<GlobalLoss> loss;
  std::vector<double> theta;
  SamplingSpec points = sampling();
};

void make_problem(MPI_Comm comm, bool decomposed, Problem& p, const std::string& pde = "helmholtz") {
  p.pde = builtin_pdes().create(pde);
  p.spec = test::small_spec(2, Covariance::Diagonal, Activation::Tanh);
  p.spec.sigma0 = 0.4;
  int rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  if (decomposed) {
    InterfaceSpec f;
    f.conditions = {"average", "residual_continuity", "flux"};
    f.weights = {1.0, 1e-2, 0.1};
    f.points_per_face = 9;
    auto dl = std::make_unique<DecomposedLoss>(comm, *p.pde, p.spec,
                                               Decomposition(p.pde->domain(), {2, 2}, size), sampling(), f);
    dl->resample(3, 1, nullptr);
    dl->initialise(5, p.theta);
    p.loss = std::move(dl);
  } else {
    p.local = std::make_unique<LossFunction>(*p.pde, p.spec);
    p.local->set_terms(draw_terms(*p.pde, sampling(), 3, 0, rank, size));
    initialise_parameters(p.spec, p.local->layout(), p.local->model_box(), 5, p.theta);
    p.loss = std::make_unique<DataParallelLoss>(comm, *p.local, &p.points);
  }
  std::mt19937_64 rng(9);
  std::normal_distribution<double> n(0, 0.1);
  for (double& v : p.theta) v += n(rng);  // non-zero biases, off-centre features
}

// A distributed parameter Vec laid out as the trainer lays it out, holding the full vector v.
Vec param_vec(const GlobalLoss& loss, const std::vector<double>& v) {
  Vec x;
  const long long owned = loss.owned_size();
  VecCreateMPI(loss.comm(), owned < 0 ? PETSC_DECIDE : static_cast<PetscInt>(owned),
               static_cast<PetscInt>(loss.size()), &x);
  PetscInt lo, hi;
  VecGetOwnershipRange(x, &lo, &hi);
  PetscScalar* a;
  VecGetArray(x, &a);
  for (PetscInt i = lo; i < hi; ++i) a[i - lo] = v[i];
  VecRestoreArray(x, &a);
  return x;
}

std::vector<double> gather(Vec x) {
  VecScatter s;
  Vec all;
  VecScatterCreateToAll(x, &s, &all);
  VecScatterBegin(s, x, all, INSERT_VALUES, SCATTER_FORWARD);
  VecScatterEnd(s, x, all, INSERT_VALUES, SCATTER_FORWARD);
  const PetscScalar* a;
  PetscInt n;
  VecGetSize(all, &n);
  VecGetArrayRead(all, &a);
  std::vector<double> out(a, a + n);
  VecRestoreArrayRead(all, &a);
  VecScatterDestroy(&s);
  VecDestroy(&all);
  return out;
}

class ResidualForm : public ::testing::TestWithParam<bool> {};

TEST_P(ResidualForm, LossAndJacobianProductsAreExact) {
  Problem p;
  make_problem(MPI_COMM_WORLD, GetParam(), p);
  GlobalLoss& L = *p.loss;
  ResidualRows rows;
  L.linearise(p.theta.data(), rows);
  std::vector<double> terms, view_grad(L.view_size());
  const double f = L.evaluate(p.theta.data() + L.view_begin(), view_grad.data(), terms);
  EXPECT_NEAR(rows.loss, f, 1e-12 * f);
  double local = 0;
  for (double r : rows.r) local += r * r;
  double sum = 0;
  MPI_Allreduce(&local, &sum, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  EXPECT_NEAR(sum, f, 1e-12 * f) << "every row is held by exactly one rank";

  ResidualJacobian J(param_vec(L, p.theta), rows.rows());
  J.set_rows(rows);
  // J v against a fourth-order central difference of the residual vector along v.
  std::mt19937_64 rng(11);
  std::normal_distribution<double> n(0, 1);
  std::vector<double> v(L.size());
  for (double& e : v) e = n(rng);
  Vec x = param_vec(L, v), Jv = J.create_residual_vec();
  MatMult(J.mat(), x, Jv);
  const PetscScalar* jv;
  VecGetArrayRead(Jv, &jv);
  std::vector<double> mine(jv, jv + rows.rows()), fd(rows.rows(), 0.0);
  VecRestoreArrayRead(Jv, &jv);
  const double h = 1e-4;
  const double weights[4] = {-1.0 / 12, 8.0 / 12, -8.0 / 12, 1.0 / 12}, steps[4] = {2, 1, -1, -2};
  for (int k = 0; k < 4; ++k) {
    std::vector<double> th = p.theta;
    for (std::size_t i = 0; i < th.size(); ++i) th[i] += steps[k] * h * v[i];
    ResidualRows shifted;
    L.linearise(th.data(), shifted);
    ASSERT_EQ(shifted.rows(), rows.rows());
    for (long long i = 0; i < rows.rows(); ++i) fd[i] += weights[k] * shifted.r[i] / h;
  }
  EXPECT_LT(test::max_rel_diff(mine, fd, 1e-8), 1e-6);
  // J^T r is half the loss gradient.
  Vec r = J.create_residual_vec(), g;
  VecDuplicate(x, &g);
  J.copy_residuals(r);
  MatMultTranspose(J.mat(), r, g);
  std::vector<double> half(view_grad.size());
  for (std::size_t i = 0; i < half.size(); ++i) half[i] = 0.5 * view_grad[i];
  const std::vector<double> jtr = gather(g);
  std::vector<double> jtr_view(jtr.begin() + L.view_begin(), jtr.begin() + L.view_begin() + L.view_size());
  EXPECT_LT(test::max_rel_diff(jtr_view, half), 1e-10);
  // Column norms and diagonal blocks against the assembled J^T J.
  std::vector<double> A, gn;
  L.normal_equations(p.theta.data(), A, gn);
  const long long P = L.size();
  std::vector<PetscReal> norms(P);
  MatGetColumnNorms(J.mat(), NORM_2, norms.data());
  std::vector<double> diag(P), sq(P);
  for (long long i = 0; i < P; ++i) diag[i] = A[i + i * P], sq[i] = norms[i] * norms[i];
  EXPECT_LT(test::max_rel_diff(sq, diag), 1e-10);
  std::vector<PetscInt> start{0}, index;
  const auto blocks = L.parameter_blocks();
  std::vector<char> seen(P, 0);
  for (const auto& b : blocks) {
    for (long long i : b) index.push_back(static_cast<PetscInt>(i)), ++seen[i];
    start.push_back(static_cast<PetscInt>(index.size()));
  }
  for (long long i = 0; i < P; ++i) ASSERT_EQ(seen[i], 1) << "blocks cover every parameter once";
  std::size_t total = 0;
  for (const auto& b : blocks) total += b.size() * b.size();
  std::vector<PetscReal> gram(total);
  J.block_gram(static_cast<PetscInt>(blocks.size()), start.data(), index.data(), gram.data());
  std::vector<double> from_A;
  for (const auto& b : blocks)
    for (long long c : b)
      for (long long r2 : b) from_A.push_back(A[std::min(r2, c) + std::max(r2, c) * P]);  // upper triangle
  std::vector<double> got(gram.begin(), gram.end());
  EXPECT_LT(test::max_rel_diff(got, from_A), 1e-10);
  VecDestroy(&x);
  VecDestroy(&Jv);
  VecDestroy(&r);
  VecDestroy(&g);
}

INSTANTIATE_TEST_SUITE_P(Losses, ResidualForm, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Decomposed2x2" : "DataParallel"; });

// The TAO type "gn" through the trainer, its Krylov solves converged tightly, takes the steps of the dense
// Levenberg-Marquardt (same damping rule, same scaling) on any rank count, and lowers the loss.
TEST_P(ResidualForm, TaoGaussNewtonTakesTheDenseLevenbergMarquardtSteps) {
  std::ostringstream log;
  auto run = [&](MPI_Comm comm, const std::string& type, double& first, double& last) {
    TrainSpec ts;
    ts.seed = 4;
    ts.stages = {{type, 10, 0}};
    ts.progress_every = 0;
    Problem p;
    make_problem(comm, GetParam(), p, "poisson");
    std::vector<double> terms, start = p.theta;
    Trainer tr(*p.loss, ts, nullptr, log);
    const TrainReport rep = tr.train(p.theta);
    EXPECT_EQ(rep.iterations, 10);
    EXPECT_GT(rep.jacobian_evaluations, 0);
    // The training points stay (no resampling): the loss at the start on them.
    first = p.loss->evaluate(start.data() + p.loss->view_begin(), nullptr, terms);
    last = rep.loss;
    return p.theta;
  };
  PetscOptionsSetValue(nullptr, "-tao_gn_ksp_rtol", "1e-13");
  PetscOptionsSetValue(nullptr, "-tao_gn_ksp_max_it", "5000");
  double f0, f1, g0, g1, h0, h1;
  const auto parallel = run(MPI_COMM_WORLD, "gn", f0, f1);
  const auto serial = run(MPI_COMM_SELF, "gn", g0, g1);
  PetscOptionsClearValue(nullptr, "-tao_gn_ksp_rtol");
  PetscOptionsClearValue(nullptr, "-tao_gn_ksp_max_it");
  const auto dense = run(MPI_COMM_WORLD, "lm", h0, h1);
  EXPECT_LT(f1, 0.9 * f0) << "10 Gauss-Newton steps from a random start should lower the loss";
  EXPECT_NEAR(f1, h1, 1e-6 * h1);
  EXPECT_NEAR(f1, g1, 1e-6 * g1);
  EXPECT_LE(test::max_rel_diff(parallel, dense), 1e-5);
  EXPECT_LE(test::max_rel_diff(parallel, serial), 1e-5);
}

// train.ensemble_sets: an lm stage that renews its points every 3 steps keeps its fits to the last 4 point
// sets, i.e. the results of the same run stopped after 3, 6, 9 and 12 steps, the last one the final theta;
// without the key, or when another stage follows, there is no ensemble.
TEST_P(ResidualForm, LevenbergMarquardtKeepsItsFitsToTheLastPointSets) {
  std::ostringstream log;
  auto run = [&](std::vector<StageSpec> stages, long long members, std::vector<std::vector<double>>* kept) {
    TrainSpec ts;
    ts.seed = 4;
    ts.stages = std::move(stages);
    ts.progress_every = 0;
    ts.ensemble_sets = members;
    Problem p;
    make_problem(MPI_COMM_WORLD, GetParam(), p, "poisson");
    Trainer tr(*p.loss, ts, nullptr, log);
    tr.train(p.theta);
    if (kept) *kept = tr.ensemble();
    return p.theta;
  };
  std::vector<std::vector<double>> kept, none;
  const std::vector<double> last = run({{"lm", 12, 3}}, 4, &kept);
  ASSERT_EQ(kept.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k)
    EXPECT_LE(test::max_rel_diff(kept[k], run({{"lm", 3 * static_cast<long long>(k + 1), 3}}, 0, nullptr)),
              1e-12)
        << "member " << k;
  EXPECT_EQ(kept.back(), last);
  EXPECT_GT(test::max_rel_diff(kept[0], kept[3]), 1e-6) << "the fits to different point sets should differ";
  run({{"lm", 12, 3}}, 0, &none);
  EXPECT_TRUE(none.empty());
  run({{"lm", 6, 3}, {"adam", 2, 0}}, 4, &none);
  EXPECT_TRUE(none.empty());
}

// train.ensemble_runs: run 0 keeps the seed (one run is the plain training), and the runs of seeds 1-3
// share no seed; each run gets an equal share of the time left; a run adds its ensemble, or its final
// parameters when it has none; the counters add up and an early stop is not hidden by a later run.
TEST(IndependentRuns, SeedsTimeSharesAndMembers) {
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t seed : {1, 2, 3})
    for (long long run = 0; run < 8; ++run) seeds.push_back(independent_run_seed(seed, run));
  EXPECT_EQ(independent_run_seed(7, 0), 7u);
  std::sort(seeds.begin(), seeds.end());
  EXPECT_EQ(std::adjacent_find(seeds.begin(), seeds.end()), seeds.end()) << "two runs share a seed";
  TrainSpec spec;
  spec.seed = 2;
  spec.ensemble_runs = 3;
  spec.max_time = 90;
  IndependentRuns runs(spec);
  ASSERT_EQ(runs.count(), 3);
  EXPECT_NEAR(runs.spec_of(0).max_time, 30, 1);
  EXPECT_NEAR(runs.spec_of(2).max_time, 90, 1) << "the last run gets all that is left";
  EXPECT_EQ(runs.spec_of(1).seed, independent_run_seed(2, 1));
  spec.max_time = 0;
  EXPECT_EQ(IndependentRuns(spec).spec_of(1).max_time, 0) << "no limit stays no limit";
  TrainReport a, b;
  a.iterations = 5, a.evaluations = 7, a.stop_reason = "time limit";
  b.iterations = 4, b.evaluations = 6, b.loss = 0.5, b.stop_reason = "completed";
  runs.add({}, {1, 2}, a);
  runs.add({{3, 4}, {5, 6}}, {5, 6}, b);
  EXPECT_EQ(runs.members(), (std::vector<std::vector<double>>{{1, 2}, {3, 4}, {5, 6}}));
  EXPECT_EQ(runs.total().iterations, 9);
  EXPECT_EQ(runs.total().evaluations, 13);
  EXPECT_EQ(runs.total().loss, 0.5);
  EXPECT_EQ(runs.total().stop_reason, "time limit") << "a run stopped early must show in the total";
}

// train.ensemble_keep: keep_best keeps the runs of lowest score in run order with all their members, a
// NaN score (a diverged run) last; keep = 0 or >= the run count keeps every run.
TEST(IndependentRuns, KeepsTheRunsWithTheLowestScores) {
  TrainSpec spec;
  spec.ensemble_runs = 4;
  TrainReport rep;
  const auto four_runs = [&] {
    IndependentRuns runs(spec);
    runs.add({}, {1}, rep);
    runs.add({{2}, {3}}, {3}, rep);
    runs.add({}, {4}, rep);
    runs.add({{5}, {6}}, {6}, rep);
    return runs;
  };
  IndependentRuns runs = four_runs();
  EXPECT_EQ(runs.keep_best({0.3, NAN, 0.1, 0.2}, 2), (std::vector<long long>{2, 3}));
  EXPECT_EQ(runs.members(), (std::vector<std::vector<double>>{{4}, {5}, {6}}));
  ASSERT_EQ(runs.recorded(), 2);
  EXPECT_EQ(runs.members_of(1),
            (std::vector<const double*>{runs.members()[1].data(), runs.members()[2].data()}));
  runs = four_runs();
  EXPECT_EQ(runs.keep_best({NAN, 0.5, 0.5, 0.9}, 3), (std::vector<long long>{1, 2, 3})) << "NaN sorts last";
  runs = four_runs();
  EXPECT_EQ(runs.keep_best({NAN, 0.5, 0.5, 0.9}, 1), (std::vector<long long>{1}))
      << "ties go to the earlier run";
  EXPECT_EQ(runs.members(), (std::vector<std::vector<double>>{{2}, {3}}));
  for (long long all : {0, 4, 5}) {
    runs = four_runs();
    EXPECT_EQ(runs.keep_best({4, 3, 2, 1}, all), (std::vector<long long>{0, 1, 2, 3}));
    EXPECT_EQ(runs.members().size(), 6u);
  }
  EXPECT_THROW(four_runs().keep_best({1, 2}, 1), Error) << "one score a run";
}

// A run's validation loss is the mean over its models of the loss on validation_sets point sets of the
// seed that follows the runs' seeds (the same points at any rank count), so a trained model scores below
// its own starting point.
TEST(IndependentRuns, ValidationLossesScoreEveryModelOnUnseenPoints) {
  Problem p;
  make_problem(MPI_COMM_WORLD, false, p, "poisson");
  TrainSpec ts;
  ts.seed = 3;
  ts.ensemble_runs = 2;
  ts.stages = {{"lm", 12, 2}};  // fresh points every 2 steps: a fit to the problem, not to one point set
  ts.resample_every = 2;
  ts.progress_every = 0;
  const std::vector<double> start = p.theta;
  std::ostringstream log;
  Trainer(*p.loss, ts, nullptr, log).train(p.theta);
  IndependentRuns runs(ts);
  TrainReport rep;
  runs.add({}, start, rep);
  runs.add({start, p.theta}, p.theta, rep);
  const std::vector<double> score = validation_losses(*p.loss, runs, validation_sets);
  ASSERT_EQ(score.size(), 2u);
  std::vector<double> terms, loss_start, loss_trained;
  for (int set = 0; set < validation_sets; ++set) {
    p.loss->resample(independent_run_seed(ts.seed, 2), set, nullptr);
    loss_start.push_back(p.loss->evaluate(start.data() + p.loss->view_begin(), nullptr, terms));
    loss_trained.push_back(p.loss->evaluate(p.theta.data() + p.loss->view_begin(), nullptr, terms));
  }
  const auto mean = [](const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0) / v.size();
  };
  EXPECT_NEAR(score[0], mean(loss_start), 1e-12 * score[0]);
  EXPECT_NEAR(score[1], 0.5 * (mean(loss_start) + mean(loss_trained)), 1e-12 * score[1]);
  EXPECT_LT(mean(loss_trained), 0.97 * mean(loss_start)) << "training should lower the loss on unseen points";
  EXPECT_NE(loss_trained[0], loss_trained[1]) << "the validation sets should differ";
}

// The block preconditioner factors the parameter blocks of at most -tao_gn_block_max parameters; a larger
// block (here the data-parallel model's only one) is left to Jacobi, as a model with tens of thousands of
// grid values must be. Read from the KSP's view after the last solve.
TEST(TaoGaussNewton, FactorsOnlyBlocksUpToTheBlockMax) {
  const std::string path = ::testing::TempDir() + "pigx_gn_ksp_view.txt";
  for (const bool small : {false, true}) {
    TrainSpec ts;
    ts.seed = 4;
    ts.stages = {{"gn", 2, 0}};
    ts.progress_every = 0;
    Problem p;
    make_problem(MPI_COMM_WORLD, false, p, "poisson");
    PetscOptionsSetValue(nullptr, "-tao_gn_ksp_view", ("ascii:" + path).c_str());
    if (small) PetscOptionsSetValue(nullptr, "-tao_gn_block_max", "1");
    std::ostringstream log;
    Trainer tr(*p.loss, ts, nullptr, log);
    tr.train(p.theta);
    PetscOptionsClearValue(nullptr, "-tao_gn_ksp_view");
    PetscOptionsClearValue(nullptr, "-tao_gn_block_max");
    MPI_Barrier(MPI_COMM_WORLD);
    std::ifstream in(path);
    const std::string view((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(view.empty()) << path;
    EXPECT_EQ(view.find("pigx block Jacobi") != std::string::npos, !small) << view;
    EXPECT_EQ(view.find("type: jacobi") != std::string::npos, small) << view;
    MPI_Barrier(MPI_COMM_WORLD);
  }
}

// The linear fast path: for a linear PDE and a linear MLP, one lsq iteration minimises the loss over the
// feature weights and the bias (their gradient vanishes) on any rank count.
TEST(TaoLinearLeastSquares, OneSolveMinimisesOverTheLinearParameters) {
  Problem p;
  p.pde = builtin_pdes().create("poisson");
  p.spec = test::small_spec(2, Covariance::Diagonal, Activation::Tanh);
  p.spec.hidden.clear();
  p.spec.sigma0 = 0.4;
  p.local = std::make_unique<LossFunction>(*p.pde, p.spec);
  initialise_parameters(p.spec, p.local->layout(), p.local->model_box(), 5, p.theta);
  p.loss = std::make_unique<DataParallelLoss>(MPI_COMM_WORLD, *p.local, &p.points);
  TrainSpec ts;
  ts.seed = 4;
  ts.stages = {{"lsq", 1, 0}};
  ts.progress_every = 0;
  std::ostringstream log;
  std::vector<double> start = p.theta, terms, g0(p.theta.size()), g1(p.theta.size());
  Trainer tr(*p.loss, ts, nullptr, log);
  const TrainReport rep = tr.train(p.theta);
  const double f0 = p.loss->evaluate(start.data(), g0.data(), terms);
  const double f1 = p.loss->evaluate(p.theta.data(), g1.data(), terms);
  EXPECT_LT(f1, 0.5 * f0);
  EXPECT_NEAR(rep.loss, f1, 1e-12 * f1);
  const std::vector<long long> lin = p.loss->linear_parameters();
  ASSERT_EQ(lin.size(), static_cast<std::size_t>(p.spec.num_gaussians() + 1));
  double before = 0, after = 0;
  for (long long i : lin)
    before = std::max(before, std::abs(g0[i])), after = std::max(after, std::abs(g1[i]));
  EXPECT_LT(after, 1e-6 * before) << "the loss is stationary in the linear parameters";
  for (std::size_t i = 0; i < start.size(); ++i)
    if (std::find(lin.begin(), lin.end(), static_cast<long long>(i)) == lin.end())
      EXPECT_EQ(p.theta[i], start[i]) << "parameter " << i << " is not linear and stays";
}

TEST(TaoGaussNewton, RefusesBadOptionsAndMissingResiduals) {
  ASSERT_EQ(register_tao_gauss_newton(), 0);
  Tao tao;
  TaoCreate(MPI_COMM_WORLD, &tao);
  TaoSetType(tao, "gn");
  PetscOptionsSetValue(nullptr, "-tao_gn_damping", "-1");
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
  EXPECT_NE(TaoSetFromOptions(tao), 0);
  PetscOptionsClearValue(nullptr, "-tao_gn_damping");
  Vec x;
  VecCreateMPI(MPI_COMM_WORLD, PETSC_DECIDE, 4, &x);
  VecSet(x, 1.0);
  TaoSetSolution(tao, x);
  EXPECT_NE(TaoSolve(tao), 0) << "no residual routine";
  PetscPopErrorHandler();
  PetscReal mu, nu;
  Vec s;
  EXPECT_EQ(tao_gn_get_state(tao, &mu, &nu, &s), 0);
  VecDestroy(&x);
  TaoDestroy(&tao);
}

}  // namespace
}  // namespace pigx
