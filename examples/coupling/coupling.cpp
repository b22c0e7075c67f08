// Example coupling: a host code that owns a grid hands pigx a source field, solves, and reads the
// solution back at its own nodes.
//
//   mpiexec -n 2 coupling [callback|grid] [seed] [stages]
//
// The problem is -laplace(u) = f on [-1,1]^2 with u = 0 on the boundary and f = 2 pi^2 sin(pi x) sin(pi y),
// so u = sin(pi x) sin(pi y): the "poisson" problem of pigx-solve. The settings below are those of
// tests/data/tiny_poisson.ini, so with the same seed this program and
//   mpiexec -n 1 pigx-solve tests/data/tiny_poisson.ini --train.seed=<seed>
// draw the same points, train the same model and end with the same loss and error (to round-off) when
// the data come as callbacks. With "grid" the host hands its grid values instead, which pigx interpolates
// bilinearly to its collocation points: a slightly different problem, so the loss differs a little.
// `stages` replaces train.stages (default adam:300,lmvm:700:0, as in the INI file) for shorter runs.
//
// Output (rank 0): one "key value" line each for final_loss, rel_l2 (at the host's nodes), rel_l2_grad
// and rel_l2_laplacian (derivatives read back through the API), and solver_rel_l2 (pigx's own test error).
#include <mpi.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "pigx/pigx.hpp"

namespace {

const double pi = 3.14159265358979323846;

// Step 1: the host's own grid and data. Here: n x n nodes on [-1,1]^2, first axis x, C order.
struct HostGrid {
  int n;
  std::vector<double> axis;  // the same node coordinates along x and y

  explicit HostGrid(int nodes) : n(nodes), axis(nodes) {
    for (int i = 0; i < n; ++i) axis[i] = -1.0 + 2.0 * i / (n - 1);  // as pigx's test grid spaces them
  }
  double x(long long node) const { return axis[node / n]; }
  double y(long long node) const { return axis[node % n]; }
  long long size() const { return static_cast<long long>(n) * n; }
};

double exact(const double* x) {
  return std::sin(pi * x[0]) * std::sin(pi * x[1]);
}
// Written as pigx's "poisson" writes its source, so both round the same way.
double source(const double* x) {
  return ((pi) * (pi) + (pi) * (pi)) * exact(x);
}

pigx::GridField on_grid(const HostGrid& g, double (*f)(const double*)) {
  pigx::GridField field{{g.axis, g.axis}, std::vector<double>(g.size())};
  for (long long k = 0; k < g.size(); ++k) {
    const double p[2] = {g.x(k), g.y(k)};
    field.values[k] = f(p);
  }
  return field;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);  // the host owns MPI; pigx never initialises it
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const std::string mode = argc > 1 ? argv[1] : "callback";
  const std::string seed = argc > 2 ? argv[2] : "1";
  const std::string stages = argc > 3 ? argv[3] : "adam:300,lmvm:700:0";
  int code = 0;
  {
    pigx::Runtime runtime;  // PETSc and Kokkos, finalised at the end of this block
    try {
      const HostGrid grid(101);

      // Step 2: describe the problem: PDE, domain, data and the settings of tiny_poisson.ini.
      pigx::Problem problem("poisson_data");
      problem.set_domain({-1, -1}, {1, 1});
      if (mode == "grid") {
        problem.set_source(on_grid(grid, source));
        problem.set_boundary(on_grid(grid, exact));
      } else if (mode == "callback") {
        problem.set_source(source);
        problem.set_boundary(exact);
      } else {
        throw pigx::Error(pigx::ErrorKind::Input, "mode '" + mode + "': expected callback or grid");
      }
      problem.set_exact(exact);  // optional: pigx then reports its own test error as well
      problem.set("model.gaussians", "40");
      problem.set("model.sigma0", 0.3);
      problem.set("sampling.residual", "400");
      problem.set("sampling.boundary", "200");
      problem.set("sampling.resample_every", "50");
      problem.set("train.stages", stages);
      problem.set("train.learning_rate", 2e-2);
      problem.set("train.seed", seed);

      // Step 3: train, collectively over the host's communicator.
      pigx::Solver solver(MPI_COMM_WORLD, problem);
      const pigx::SolveReport report = solver.solve();

      // Step 4: read u, its gradient and Hessian back at this rank's share of the host's nodes.
      const long long begin = grid.size() * rank / size, end = grid.size() * (rank + 1) / size;
      const long long n = end - begin;
      std::vector<double> x(2 * n), u(n), grad(2 * n), hess(4 * n);
      for (long long k = 0; k < n; ++k) x[2 * k] = grid.x(begin + k), x[2 * k + 1] = grid.y(begin + k);
      solver.evaluate(x.data(), n, u.data(), grad.data(), hess.data());

      // Step 5: errors against the exact solution, summed over ranks.
      double sums[6] = {0, 0, 0, 0, 0, 0};  // u, grad and laplacian: error^2 and exact^2
      for (long long k = 0; k < n; ++k) {
        const double* p = &x[2 * k];
        const double ue = exact(p);
        const double ge[2] = {pi * std::cos(pi * p[0]) * std::sin(pi * p[1]),
                              pi * std::sin(pi * p[0]) * std::cos(pi * p[1])};
        const double lap = hess[4 * k] + hess[4 * k + 3];
        sums[0] += (u[k] - ue) * (u[k] - ue), sums[1] += ue * ue;
        for (int a = 0; a < 2; ++a) sums[2] += std::pow(grad[2 * k + a] - ge[a], 2), sums[3] += ge[a] * ge[a];
        sums[4] += std::pow(-lap - source(p), 2), sums[5] += std::pow(source(p), 2);
      }
      MPI_Allreduce(MPI_IN_PLACE, sums, 6, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
      if (rank == 0) {
        std::printf("mode %s\nranks %d\nfinal_loss %.17g\n", mode.c_str(), size, report.loss);
        std::printf("rel_l2 %.17g\nrel_l2_grad %.17g\nrel_l2_laplacian %.17g\nsolver_rel_l2 %.17g\n",
                    std::sqrt(sums[0] / sums[1]), std::sqrt(sums[2] / sums[3]), std::sqrt(sums[4] / sums[5]),
                    report.rel_l2);
      }
    } catch (const pigx::Error& e) {
      if (rank == 0) std::fprintf(stderr, "coupling: error: %s\n", e.what());
      code = e.kind() == pigx::ErrorKind::Input ? 2 : 1;
    }
  }
  MPI_Finalize();
  return code;
}
