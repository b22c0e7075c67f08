// The library API for host codes (C++ and C): bad input gives clear errors, grid data interpolate
// exactly where they should, derivatives read back match finite differences, and a short solve works
// collectively (run at 1 and 2 ranks).
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "pigx/pigx.hpp"
#include "pigx/pigx_c.h"

namespace pigx {
namespace {

// Expects `body` to throw an input pigx::Error whose message contains `needle`.
template <class Body>
void expect_input_error(Body body, const std::string& needle) {
  try {
    body();
    ADD_FAILURE() << "no error; expected one naming '" << needle << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

Problem small_problem() {
  Problem p("poisson_data");
  p.set_domain({0, -1}, {2, 1});
  p.set_source([](const double* x) { return x[0] * x[1]; });
  p.set("model.gaussians", "10");
  p.set("model.channels", "2");
  p.set("model.hidden", "6");
  p.set("sampling.residual", "64");
  p.set("sampling.boundary", "32");
  p.set("train.stages", "adam:10");
  return p;
}

TEST(GridField, InterpolatesBilinearFunctionsExactly) {
  GridField g{{{0, 0.5, 2}, {-1, 0, 3, 4}}, {}};
  auto f = [](double x, double y) { return 1 + 2 * x - 3 * y + 0.5 * x * y; };
  for (double x : g.axes[0])
    for (double y : g.axes[1]) g.values.push_back(f(x, y));
  const Field h = interpolate(g, "test");
  for (double x : {0.0, 0.2, 1.3, 2.0})
    for (double y : {-1.0, -0.4, 2.5, 4.0}) {
      const double p[2] = {x, y};
      EXPECT_NEAR(h(p), f(x, y), 1e-13) << x << "," << y;
    }
}

TEST(GridField, MalformedGridsAreRefused) {
  expect_input_error([] { interpolate(GridField{{{0, 1, 1}}, {1, 2, 3}}, "source term"); }, "strictly");
  expect_input_error([] { interpolate(GridField{{{0, 1}, {0, 1}}, {1, 2, 3}}, "source term"); }, "3 values");
  expect_input_error([] { Problem("poisson_data").set_source(GridField{{{0}}, {1}}); }, "at least 2");
}

TEST(Solver, BadSettingsNameTheKey) {
  expect_input_error(
      [] {
        Problem p = small_problem();
        p.set("model.gaussianz", "3");
        Solver s(MPI_COMM_WORLD, p);
      },
      "model.gaussianz");
  expect_input_error(
      [] {
        Problem p = small_problem();
        p.set("model.gaussians", "-1");
        Solver s(MPI_COMM_WORLD, p);
      },
      "model.gaussians");
  expect_input_error([] { Solver s(MPI_COMM_WORLD, Problem("no_such_pde")); }, "problem.type");
}

TEST(Solver, BadHostDataIsRefused) {
  expect_input_error(
      [] {
        Problem p("helmholtz");
        p.set_source([](const double*) { return 1.0; });
        Solver s(MPI_COMM_WORLD, p);
      },
      "takes no host data");
  expect_input_error(
      [] {
        Problem p = small_problem();
        p.set_domain({0, 0, 0}, {1, 1, 1});
        Solver s(MPI_COMM_WORLD, p);
      },
      "3 coordinates");
  expect_input_error(
      [] {
        Problem p = small_problem();
        p.set_source(GridField{{{0, 1}, {-1, 1}}, {0, 0, 0, 0}});  // the domain reaches x = 2
        Solver s(MPI_COMM_WORLD, p);
      },
      "axis 0 spans");
  expect_input_error([] { Problem("poisson_data").set_domain({0, 1}, {1, 1}); }, "lo < hi");
}

TEST(Solver, EvaluateRefusesBadPointsAndParameters) {
  Solver s(MPI_COMM_WORLD, small_problem());
  const double bad[2] = {0.5, NAN};
  double u;
  expect_input_error([&] { s.evaluate(bad, 1, &u); }, "not finite");
  expect_input_error([&] { s.evaluate(nullptr, 1, &u); }, "null");
  expect_input_error([&] { s.set_parameters({1, 2, 3}); }, "3 values");
}

// Gradient and Hessian from evaluate() against central differences of u from evaluate().
TEST(Solver, DerivativesMatchFiniteDifferencesOfU) {
  Solver s(MPI_COMM_WORLD, small_problem());
  const double x0[2] = {0.7, 0.2};
  double u, g[2], H[4];
  s.evaluate(x0, 1, &u, g, H);
  auto u_at = [&](double dx, double dy) {
    const double x[2] = {x0[0] + dx, x0[1] + dy};
    double v;
    s.evaluate(x, 1, &v);
    return v;
  };
  const double h = 1e-4;
  EXPECT_NEAR(g[0], (u_at(h, 0) - u_at(-h, 0)) / (2 * h), 1e-6);
  EXPECT_NEAR(g[1], (u_at(0, h) - u_at(0, -h)) / (2 * h), 1e-6);
  const double hh = 1e-3;
  EXPECT_NEAR(H[0], (u_at(hh, 0) - 2 * u + u_at(-hh, 0)) / (hh * hh), 1e-4);
  EXPECT_NEAR(H[3], (u_at(0, hh) - 2 * u + u_at(0, -hh)) / (hh * hh), 1e-4);
  EXPECT_NEAR(H[1], (u_at(hh, hh) - u_at(hh, -hh) - u_at(-hh, hh) + u_at(-hh, -hh)) / (4 * hh * hh), 1e-4);
  EXPECT_EQ(H[1], H[2]);
}

TEST(Solver, ShortSolveIsCollectiveAndLowersTheLoss) {
  Problem p = small_problem();
  p.set("train.stages", "adam:1");
  Solver first(MPI_COMM_WORLD, p);
  const double start = first.solve().loss;
  Solver s(MPI_COMM_WORLD, small_problem());
  const SolveReport r = s.solve();
  EXPECT_EQ(r.iterations, 10);
  EXPECT_TRUE(std::isnan(r.rel_l2));  // no exact solution given
  EXPECT_LT(r.loss, start);
  // The parameters are identical on every rank after training.
  double local = 0;
  for (double v : s.parameters()) local += v;
  double lo = local, hi = local;
  MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  EXPECT_EQ(lo, hi);
}

// train.ensemble_sets: evaluate() gives the mean of the kept models' values and derivatives, and the
// last model is the final parameter vector; set_parameters drops the ensemble.
TEST(Solver, EnsembleEvaluatesTheMeanOfItsModels) {
  Problem p = small_problem();
  p.set("train.stages", "adam:5,lm:6:2");
  p.set("train.ensemble_sets", "3");
  Solver s(MPI_COMM_WORLD, p);
  s.solve();
  const std::vector<std::vector<double>> members = s.ensemble();
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members.back(), s.parameters());
  const double x[4] = {0.3, -0.2, 1.7, 0.6};
  double u[2], g[4], h[8], mu[2] = {0, 0}, mg[4] = {0, 0, 0, 0}, mh[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  s.evaluate(x, 2, u, g, h);
  double spread = 0;
  for (const std::vector<double>& m : members) {
    double uk[2], gk[4], hk[8];
    s.set_parameters(m);
    EXPECT_TRUE(s.ensemble().empty());
    s.evaluate(x, 2, uk, gk, hk);
    for (int i = 0; i < 2; ++i) mu[i] += uk[i] / 3, spread = std::max(spread, std::abs(uk[i] - u[i]));
    for (int i = 0; i < 4; ++i) mg[i] += gk[i] / 3;
    for (int i = 0; i < 8; ++i) mh[i] += hk[i] / 3;
  }
  EXPECT_GT(spread, 1e-8) << "the models fitted to different point sets should differ";
  for (int i = 0; i < 2; ++i) EXPECT_NEAR(u[i], mu[i], 1e-12 * (1 + std::abs(mu[i])));
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(g[i], mg[i], 1e-12 * (1 + std::abs(mg[i])));
  for (int i = 0; i < 8; ++i) EXPECT_NEAR(h[i], mh[i], 1e-11 * (1 + std::abs(mh[i])));
}

// train.ensemble_runs: the first run is the plain training (bitwise), the second starts elsewhere, and
// evaluate() gives the mean of the two; with train.ensemble_keep = 1 the solution is one of them alone.
TEST(Solver, IndependentRunsAverageTrainingsFromFreshStarts) {
  Problem p = small_problem();
  p.set("train.stages", "adam:8");
  Solver plain(MPI_COMM_WORLD, p);
  plain.solve();
  p.set("train.ensemble_runs", "2");
  Solver s(MPI_COMM_WORLD, p);
  const SolveReport r = s.solve();
  EXPECT_EQ(r.iterations, 16);
  ASSERT_EQ(s.ensemble().size(), 2u);
  EXPECT_EQ(s.ensemble()[0], plain.parameters());
  EXPECT_EQ(s.ensemble()[1], s.parameters());
  EXPECT_NE(s.ensemble()[0], s.ensemble()[1]);
  const double x[2] = {0.3, -0.2};
  double u, u0, u1;
  s.evaluate(x, 1, &u);
  plain.evaluate(x, 1, &u0);
  plain.set_parameters(s.ensemble()[1]);
  plain.evaluate(x, 1, &u1);
  EXPECT_NEAR(u, 0.5 * (u0 + u1), 1e-13 * (1 + std::abs(u)));
  EXPECT_GT(std::abs(u0 - u1), 1e-8) << "independent starts should end at different models";
  // train.ensemble_keep = 1: the solution is one of the two runs' models, alone (no ensemble left).
  p.set("train.ensemble_keep", "1");
  Solver best(MPI_COMM_WORLD, p);
  best.solve();
  EXPECT_TRUE(best.ensemble().empty());
  EXPECT_TRUE(best.parameters() == s.ensemble()[0] || best.parameters() == s.ensemble()[1])
      << "the kept model should be one of the runs' models";
  double u_best;
  best.evaluate(x, 1, &u_best);
  EXPECT_EQ(u_best, best.parameters() == s.ensemble()[0] ? u0 : u1);
}

double one(const double*, void*) {
  return 1.0;
}

TEST(CApi, ErrorsComeWithCodesAndMessages) {
  pigx_problem p = nullptr;
  EXPECT_EQ(pigx_problem_set(nullptr, "model.gaussians", "3"), PIGX_ERR_NULL);
  EXPECT_NE(std::string(pigx_last_error()).find("problem"), std::string::npos) << pigx_last_error();
  EXPECT_EQ(pigx_problem_create("poisson_data", &p), PIGX_SUCCESS);
  EXPECT_STREQ(pigx_last_error(), "");
  const double lo[2] = {0, 0}, hi[2] = {1, 1};
  EXPECT_EQ(pigx_problem_set_domain(p, 2, lo, hi), PIGX_SUCCESS);
  EXPECT_EQ(pigx_problem_set_source_fn(p, one, nullptr), PIGX_SUCCESS);
  const int counts[2] = {2, 1};
  const double axes[3] = {0, 1, 0}, values[2] = {0, 0};
  EXPECT_EQ(pigx_problem_set_boundary_grid(p, 2, counts, axes, values), PIGX_ERR_INPUT);
  EXPECT_EQ(pigx_problem_set(p, "model.gaussians", "many"),
            PIGX_SUCCESS);  // checked when the solver is built
  pigx_solver s = nullptr;
  EXPECT_EQ(pigx_solver_create(MPI_COMM_WORLD, p, &s), PIGX_ERR_INPUT);
  EXPECT_EQ(s, nullptr);
  EXPECT_NE(std::string(pigx_last_error()).find("model.gaussians"), std::string::npos) << pigx_last_error();
  EXPECT_EQ(pigx_problem_destroy(&p), PIGX_SUCCESS);
  EXPECT_EQ(p, nullptr);
}

TEST(CApi, SolvesAndEvaluatesThroughTheFortranCommunicator) {
  pigx_problem p = nullptr;
  ASSERT_EQ(pigx_problem_create("poisson_data_1d", &p), PIGX_SUCCESS);
  ASSERT_EQ(pigx_problem_set_source_fn(p, one, nullptr), PIGX_SUCCESS);
  for (auto kv : {std::pair{"model.gaussians", "8"},
                  {"model.channels", "2"},
                  {"sampling.residual", "32"},
                  {"train.stages", "adam:5"}})
    ASSERT_EQ(pigx_problem_set(p, kv.first, kv.second), PIGX_SUCCESS);
  pigx_solver s = nullptr;
  ASSERT_EQ(pigx_solver_create_f(MPI_Comm_c2f(MPI_COMM_WORLD), p, &s), PIGX_SUCCESS) << pigx_last_error();
  int dim = 0;
  EXPECT_EQ(pigx_solver_dim(s, &dim), PIGX_SUCCESS);
  EXPECT_EQ(dim, 1);
  double loss = -1, err = 0;
  EXPECT_EQ(pigx_solver_solve(s, 0, &loss, &err), PIGX_SUCCESS) << pigx_last_error();
  EXPECT_GT(loss, 0);
  const double x[2] = {-0.5, 0.5};
  double u[2], g[2], H[2];
  EXPECT_EQ(pigx_solver_evaluate(s, x, 2, u, g, H), PIGX_SUCCESS);
  EXPECT_TRUE(std::isfinite(u[0] + u[1] + g[0] + g[1] + H[0] + H[1]));
  EXPECT_EQ(pigx_solver_destroy(&s), PIGX_SUCCESS);
  EXPECT_EQ(s, nullptr);
  pigx_problem_destroy(&p);
}

}  // namespace
}  // namespace pigx
