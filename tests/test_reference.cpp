// The classical reference solver behind pigx-reference: the stencil's order, second-order convergence of a
// whole solve to a manufactured solution, independence of the rank count, nested sampling, the benchmark's
// initial value and the command-line checks. Runs on 1 and 2 ranks.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "mpi_support.hpp"
#include "pigx/core/error.hpp"
#include "pigx/core/pde.hpp"
#include "pigx/reference/diffusion_solver.hpp"
#include "pigx/reference/diffusion_stencil.hpp"
#include "pigx/reference/nested_sampling.hpp"
#include "pigx/reference/nonlinear_diffusion_reference.hpp"
#include "pigx/reference/reference_options.hpp"

namespace pigx::reference {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kA = kPi / 2;  // cos(kA x) vanishes at x = +-1

/// The manufactured solution u = exp(-t) cos(a x) cos(a y) / 2 (zero on the boundary of [-1,1]^2).
double exact(double x, double y, double t) {
  return 0.5 * std::exp(-t) * std::cos(kA * x) * std::cos(kA * y);
}

/// div(u grad u) = Laplacian(u^2) / 2 of exact(); uses d^2/dx^2 cos^2(a x) = -2 a^2 cos(2 a x).
double exact_flux_divergence(double x, double y, double t) {
  const double cx = std::cos(kA * x), cy = std::cos(kA * y);
  const double lap = 0.25 * std::exp(-2 * t) * -2 * kA * kA *
                     (std::cos(2 * kA * x) * cy * cy + cx * cx * std::cos(2 * kA * y));
  return 0.5 * lap;
}

/// The manufactured problem with alpha: f = u_t - alpha div(u grad u) for exact().
DiffusionProblem manufactured(double alpha) {
  DiffusionProblem p;
  p.alpha = alpha;
  p.initial = [](double x, double y) { return exact(x, y, 0); };
  p.source = [alpha](double x, double y, double t) {
    return -exact(x, y, t) - alpha * exact_flux_divergence(x, y, t);
  };
  return p;
}

/// Max-norm error of the stencil against exact_flux_divergence on the interior of an n x n grid at t = 0.
double stencil_error(int n) {
  const double h = 2.0 / (n - 1);
  std::vector<std::vector<double>> u(n, std::vector<double>(n));
  std::vector<const double*> rows(n);
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < n; ++i) u[j][i] = exact(-1 + i * h, -1 + j * h, 0);
    rows[j] = u[j].data();
  }
  double worst = 0;
  for (int j = 1; j < n - 1; ++j)
    for (int i = 1; i < n - 1; ++i)
      worst = std::max(worst, std::abs(flux_divergence(rows.data(), i, j, h) -
                                       exact_flux_divergence(-1 + i * h, -1 + j * h, 0)));
  return worst;
}

TEST(ReferenceStencil, FluxDivergenceIsSecondOrder) {
  const double e1 = stencil_error(21), e2 = stencil_error(41), e3 = stencil_error(81);
  EXPECT_NEAR(std::log2(e1 / e2), 2.0, 0.1) << e1 << " " << e2;
  EXPECT_NEAR(std::log2(e2 / e3), 2.0, 0.05) << e2 << " " << e3;
}

/// Relative L2 error at t_end of a solve of the manufactured problem on an n x n grid (every rank gets it).
double manufactured_error(int n, double t_end) {
  DiffusionSolverSpec spec;
  spec.points = n;
  spec.rtol = 1e-10;
  spec.atol = 1e-12;
  double sums[2] = {0, 0};
  const double h = 2.0 / (n - 1);
  solve_diffusion(MPI_COMM_WORLD, manufactured(0.5), spec, {0.0, t_end},
                  [&](int k, double t, const LocalField& f) {
                    if (k == 0) return;
                    for (int j = f.ys; j < f.ys + f.ym; ++j)
                      for (int i = f.xs; i < f.xs + f.xm; ++i) {
                        const double e = exact(-1 + i * h, -1 + j * h, t);
                        sums[0] += (f.value(i, j) - e) * (f.value(i, j) - e);
                        sums[1] += e * e;
                      }
                  });
  double total[2];
  MPI_Allreduce(sums, total, 2, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  return std::sqrt(total[0] / total[1]);
}

TEST(ReferenceSolver, ManufacturedSolutionConvergesAtSecondOrder) {
  const double e1 = manufactured_error(21, 0.2), e2 = manufactured_error(41, 0.2),
               e3 = manufactured_error(81, 0.2);
  EXPECT_LT(e3, 1e-3);
  EXPECT_NEAR(std::log2(e1 / e2), 2.0, 0.15) << e1 << " " << e2;
  EXPECT_NEAR(std::log2(e2 / e3), 2.0, 0.1) << e2 << " " << e3;
}

/// The benchmark solved to t = 0.1 on 101 x 101 nodes over comm, sampled on the 26-point grid (rank 0).
std::vector<double> benchmark_sample(MPI_Comm comm) {
  DiffusionProblem p;
  p.initial = nonlinear_diffusion_u0;
  DiffusionSolverSpec spec;
  spec.points = 101;
  std::vector<double> out;
  solve_diffusion(comm, p, spec, {0.0, 0.05, 0.1}, [&](int k, double, const LocalField& f) {
    std::vector<double> s = sample_nested(comm, f, 26);
    if (k == 2) out = s;
  });
  return out;
}

TEST(ReferenceSolver, RankCountDoesNotChangeTheAnswer) {
  // Every rank also solves alone; rank 0 compares the two to the time stepper's tolerance.
  const std::vector<double> together = benchmark_sample(MPI_COMM_WORLD);
  const std::vector<double> alone = benchmark_sample(MPI_COMM_SELF);
  if (test::world_rank() != 0) return;
  ASSERT_EQ(together.size(), 26u * 26u);
  ASSERT_EQ(alone.size(), together.size());
  double diff = 0, norm = 0;
  for (std::size_t i = 0; i < alone.size(); ++i) {
    diff += (together[i] - alone[i]) * (together[i] - alone[i]);
    norm += alone[i] * alone[i];
  }
  EXPECT_LT(std::sqrt(diff / norm), 1e-8);
  EXPECT_GT(norm, 0);
}

TEST(ReferenceSolver, OutputTimesAreHitExactlyAndInOrder) {
  DiffusionProblem p;
  p.initial = nonlinear_diffusion_u0;
  DiffusionSolverSpec spec;
  spec.points = 21;
  const std::vector<double> times = {0.0, 0.013, 0.02, 0.5};
  std::vector<double> seen;
  const DiffusionSolveStats s =
      solve_diffusion(MPI_COMM_WORLD, p, spec, times, [&](int k, double t, const LocalField&) {
        EXPECT_EQ(k, static_cast<int>(seen.size()));
        seen.push_back(t);
      });
  EXPECT_EQ(seen, times);
  EXPECT_GT(s.steps, 3);
  EXPECT_EQ(s.method, "bdf (order 4)");
}

TEST(ReferenceSolver, ErrorsInTheOutputCallbackReachTheCaller) {
  DiffusionProblem p;
  p.initial = nonlinear_diffusion_u0;
  DiffusionSolverSpec spec;
  spec.points = 21;
  EXPECT_THROW(solve_diffusion(MPI_COMM_WORLD, p, spec, {0.0, 0.1},
                               [](int k, double, const LocalField&) {
                                 if (k == 1) throw Error(ErrorKind::Runtime, "from the callback");
                               }),
               Error);
}

TEST(NestedSampling, PicksTheCoarseNodesWithXMajor) {
  EXPECT_TRUE(nests(401, 101));
  EXPECT_TRUE(nests(101, 101));
  EXPECT_FALSE(nests(400, 101));
  DiffusionProblem p;
  p.initial = [](double x, double y) { return 10 * x + y; };
  DiffusionSolverSpec spec;
  spec.points = 9;
  solve_diffusion(MPI_COMM_WORLD, p, spec, {0.0}, [](int, double, const LocalField& f) {
    const std::vector<double> s = sample_nested(MPI_COMM_WORLD, f, 5);
    if (test::world_rank() != 0) return;
    ASSERT_EQ(s.size(), 25u);
    EXPECT_EQ(s[1 * 5 + 2], 10 * -0.5 + 0.0);  // x index 1 (x = -0.5), y index 2 (y = 0)
    EXPECT_EQ(s[0], 0.0);                      // boundary nodes start at 0
    EXPECT_THROW(sample_nested(MPI_COMM_SELF, f, 4), Error);
  });
}

/// The message of the input error read_reference_command_line throws for args ("" when none is thrown).
std::string option_error(const std::vector<std::string>& args) {
  try {
    read_reference_command_line(args);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input) << e.what();
    return e.what();
  }
  return "";
}

TEST(ReferenceOptions, DefaultsAndValues) {
  const ReferenceCommandLine d = read_reference_command_line({});
  EXPECT_FALSE(d.help);
  EXPECT_EQ(d.spec.solver.points, 401);
  EXPECT_EQ(d.spec.solver.rtol, 1e-8);
  EXPECT_EQ(d.spec.output, "results/reference/nonlinear_diffusion_401.h5");
  const ReferenceCommandLine c =
      read_reference_command_line({"--points", "801", "--rtol=1e-9", "--atol=1e-12", "--output=r.h5"});
  EXPECT_EQ(c.spec.solver.points, 801);
  EXPECT_EQ(c.spec.solver.rtol, 1e-9);
  EXPECT_EQ(c.spec.solver.atol, 1e-12);
  EXPECT_EQ(c.spec.output, "r.h5");
  EXPECT_TRUE(read_reference_command_line({"--help"}).help);
}

TEST(ReferenceOptions, BadValuesNameTheOptionValueAndExpectation) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--points=100",
       "invalid value '100' for option --points: expected an integer >= 101 with (points - 1) a multiple of "
       "100"},
      {"--points=abc", "invalid value 'abc' for option --points"},
      {"--points=401.5", "invalid value '401.5' for option --points"},
      {"--rtol=0", "invalid value '0' for option --rtol: expected a number in (0, 0.1]"},
      {"--atol=nan", "invalid value 'nan' for option --atol"},
      {"--dt0=1", "invalid value '1' for option --dt0: expected a time step in (0, 0.01]"},
      {"--output=dir/", "invalid value 'dir/' for option --output: expected a file name"},
      {"--pionts=401", "unknown option '--pionts': expected one of --points, --rtol"},
      {"--points", "the required argument for option '--points' is missing"},
      {"stray", "unexpected argument 'stray': pigx-reference takes only options"}};
  for (const auto& [arg, fragment] : cases) {
    const std::string message = option_error({arg});
    EXPECT_NE(message.find(fragment), std::string::npos) << arg << ": " << message;
  }
}

TEST(ReferenceBenchmark, InitialValueIsThePdes) {
  const auto pde = builtin_pdes().create("nonlinear_diffusion");
  for (double x : {-1.0, -0.5, 0.1, 0.98})
    for (double y : {-1.0, -0.1, 0.2, 1.0}) {
      const double point[3] = {x, y, 0.0};
      double u = 0;
      pde->initial_value(point, &u);
      EXPECT_NEAR(nonlinear_diffusion_u0(x, y), u, 1e-15) << x << ", " << y;
    }
}

}  // namespace
}  // namespace pigx::reference
