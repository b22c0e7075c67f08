/* Example coupling through the C API: the callback case of coupling.cpp, written in C.
 *
 *   mpiexec -n 2 coupling_c [seed] [stages]
 *
 * Prints final_loss and rel_l2 (pigx's test error) on rank 0; they equal those of "coupling callback".
 * Every call returns a status; pigx_last_error() says what went wrong. */
#include <math.h>
#include <mpi.h>
#include <stdio.h>

#include "pigx/pigx_c.h"

static const double pi = 3.14159265358979323846;

static double exact(const double* x, void* user) {
  (void)user;
  return sin(pi * x[0]) * sin(pi * x[1]);
}

static double source(const double* x, void* user) {
  return ((pi) * (pi) + (pi) * (pi)) * exact(x, user);
}

/* Stops the program with pigx's message when a call fails. */
static void check(int status, const char* call) {
  if (status != PIGX_SUCCESS) {
    fprintf(stderr, "coupling_c: %s failed (%d): %s\n", call, status, pigx_last_error());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const char* seed = argc > 1 ? argv[1] : "1";
  const char* stages = argc > 2 ? argv[2] : "adam:300,lmvm:700:0";
  check(pigx_initialize(NULL, NULL), "pigx_initialize");

  pigx_problem problem;
  check(pigx_problem_create("poisson_data", &problem), "pigx_problem_create");
  const double lo[2] = {-1, -1}, hi[2] = {1, 1};
  check(pigx_problem_set_domain(problem, 2, lo, hi), "pigx_problem_set_domain");
  check(pigx_problem_set_source_fn(problem, source, NULL), "pigx_problem_set_source_fn");
  check(pigx_problem_set_boundary_fn(problem, exact, NULL), "pigx_problem_set_boundary_fn");
  check(pigx_problem_set_exact_fn(problem, exact, NULL), "pigx_problem_set_exact_fn");
  const char* settings[][2] = {{"model.gaussians", "40"},         {"model.sigma0", "0.3"},
                               {"sampling.residual", "400"},      {"sampling.boundary", "200"},
                               {"sampling.resample_every", "50"}, {"train.stages", stages},
                               {"train.learning_rate", "0.02"},   {"train.seed", seed}};
  for (size_t i = 0; i < sizeof settings / sizeof settings[0]; ++i)
    check(pigx_problem_set(problem, settings[i][0], settings[i][1]), settings[i][0]);

  pigx_solver solver;
  check(pigx_solver_create(MPI_COMM_WORLD, problem, &solver), "pigx_solver_create");
  double loss, rel_l2;
  check(pigx_solver_solve(solver, 0, &loss, &rel_l2), "pigx_solver_solve");
  const double centre[2] = {0.5, 0.5};
  double u;
  check(pigx_solver_evaluate(solver, centre, 1, &u, NULL, NULL), "pigx_solver_evaluate");
  if (rank == 0) printf("final_loss %.17g\nsolver_rel_l2 %.17g\nu(0.5,0.5) %.6f\n", loss, rel_l2, u);

  check(pigx_solver_destroy(&solver), "pigx_solver_destroy");
  check(pigx_problem_destroy(&problem), "pigx_problem_destroy");
  check(pigx_finalize(), "pigx_finalize");
  MPI_Finalize();
  return 0;
}
