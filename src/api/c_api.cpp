// The C API: each function catches every exception at the boundary and turns it into a code and a message.
#include <iostream>
#include <memory>
#include <string>

#include "pigx/pigx.hpp"
#include "pigx/pigx_c.h"

struct pigx_problem_s {
  pigx::Problem problem;
};
struct pigx_solver_s {
  pigx::Solver solver;
};

namespace {

thread_local std::string last_error;
std::unique_ptr<pigx::Runtime> runtime;  // started by pigx_initialize

// Runs body, mapping exceptions to status codes and remembering their messages.
template <class Body>
int guarded(Body body) {
  try {
    last_error.clear();
    body();
    return PIGX_SUCCESS;
  } catch (const pigx::Error& e) {
    last_error = e.what();
    return e.kind() == pigx::ErrorKind::Input ? PIGX_ERR_INPUT : PIGX_ERR_RUNTIME;
  } catch (const std::exception& e) {
    last_error = e.what();
    return PIGX_ERR_RUNTIME;
  } catch (...) {
    last_error = "unknown exception";
    return PIGX_ERR_RUNTIME;
  }
}

// Status for a NULL argument, with the argument's name in the message.
int null_argument(const char* function, const char* argument) {
  last_error = std::string(function) + ": argument '" + argument + "' is NULL";
  return PIGX_ERR_NULL;
}

pigx::Field wrap(pigx_field_fn f, void* user) {
  return [f, user](const double* x) { return f(x, user); };
}

pigx::GridField make_grid(int dim, const int* counts, const double* axes, const double* values) {
  PIGX_CHECK_INPUT(dim >= 1 && dim <= 4, "grid: dim ", dim, " is not in 1..4");
  pigx::GridField g;
  std::size_t nodes = 1, offset = 0;
  for (int d = 0; d < dim; ++d) {
    PIGX_CHECK_INPUT(counts[d] >= 2, "grid: axis ", d, " has ", counts[d], " nodes; expected at least 2");
    g.axes.emplace_back(axes + offset, axes + offset + counts[d]);
    offset += counts[d];
    nodes *= counts[d];
  }
  g.values.assign(values, values + nodes);
  return g;
}

}  // namespace

#define PIGX_C_REQUIRE(ptr) \
  if (!(ptr)) return null_argument(__func__, #ptr)

extern "C" {

const char* pigx_last_error(void) {
  return last_error.c_str();
}

int pigx_initialize(int* argc, char*** argv) {
  return guarded([&] {
    if (!runtime) runtime = std::make_unique<pigx::Runtime>(argc, argv);
  });
}

int pigx_finalize(void) {
  return guarded([] { runtime.reset(); });
}

int pigx_problem_create(const char* pde_type, pigx_problem* problem) {
  PIGX_C_REQUIRE(pde_type);
  PIGX_C_REQUIRE(problem);
  *problem = nullptr;
  return guarded([&] { *problem = new pigx_problem_s{pigx::Problem(pde_type)}; });
}

int pigx_problem_destroy(pigx_problem* problem) {
  PIGX_C_REQUIRE(problem);
  delete *problem;
  *problem = nullptr;
  return PIGX_SUCCESS;
}

int pigx_problem_read_config(pigx_problem problem, const char* ini_file) {
  PIGX_C_REQUIRE(problem);
  PIGX_C_REQUIRE(ini_file);
  return guarded([&] { problem->problem.read_config(ini_file); });
}

int pigx_problem_set(pigx_problem problem, const char* key, const char* value) {
  PIGX_C_REQUIRE(problem);
  PIGX_C_REQUIRE(key);
  PIGX_C_REQUIRE(value);
  return guarded([&] { problem->problem.set(key, std::string(value)); });
}

int pigx_problem_set_domain(pigx_problem problem, int dim, const double* lo, const double* hi) {
  PIGX_C_REQUIRE(problem);
  PIGX_C_REQUIRE(lo);
  PIGX_C_REQUIRE(hi);
  return guarded([&] {
    PIGX_CHECK_INPUT(dim >= 1 && dim <= 4, "domain box: dim ", dim, " is not in 1..4");
    problem->problem.set_domain({lo, lo + dim}, {hi, hi + dim});
  });
}

int pigx_problem_set_source_fn(pigx_problem problem, pigx_field_fn f, void* user) {
  PIGX_C_REQUIRE(problem);
  PIGX_C_REQUIRE(f);
  return guarded([&] { problem->problem.set_source(wrap(f, user)); });
}

int pigx_problem_set_source_grid(pigx_problem problem, int dim, const int* counts, const double* axes,
                                 const double* values) {
  PIGX_C_REQUIRE(problem);
  PIGX_C_REQUIRE(counts);
  PIGX_C_REQUIRE(axes);
  PIGX_C_REQUIRE(values);
  return guarded([&] { problem->problem.set_source(make_grid(dim, counts, axes, values)); });
}

int pigx_problem_set_boundary_fn(pigx_problem problem, pigx_field_fn g, void* user) {
  PIGX_C_REQUIRE(problem);
  PIGX_C_REQUIRE(g);
  return guarded([&] { problem->problem.set_boundary(wrap(g, user)); });
}

int pigx_problem_set_boundary_grid(pigx_problem problem, int dim, const int* counts, const double* axes,
                                   const double* values) {
  PIGX_C_REQUIRE(problem);
  PIGX_C_REQUIRE(counts);
  PIGX_C_REQUIRE(axes);
  PIGX_C_REQUIRE(values);
  return guarded([&] { problem->problem.set_boundary(make_grid(dim, counts, axes, values)); });
}

int pigx_problem_set_exact_fn(pigx_problem problem, pigx_field_fn u, void* user) {
  PIGX_C_REQUIRE(problem);
  PIGX_C_REQUIRE(u);
  return guarded([&] { problem->problem.set_exact(wrap(u, user)); });
}

int pigx_solver_create(MPI_Comm comm, pigx_problem problem, pigx_solver* solver) {
  PIGX_C_REQUIRE(problem);
  PIGX_C_REQUIRE(solver);
  *solver = nullptr;
  return guarded([&] { *solver = new pigx_solver_s{pigx::Solver(comm, problem->problem)}; });
}

int pigx_solver_create_f(MPI_Fint comm, pigx_problem problem, pigx_solver* solver) {
  return pigx_solver_create(MPI_Comm_f2c(comm), problem, solver);
}

int pigx_solver_destroy(pigx_solver* solver) {
  PIGX_C_REQUIRE(solver);
  delete *solver;
  *solver = nullptr;
  return PIGX_SUCCESS;
}

int pigx_solver_solve(pigx_solver solver, int verbose, double* final_loss, double* rel_l2) {
  PIGX_C_REQUIRE(solver);
  return guarded([&] {
    const pigx::SolveReport r = solver->solver.solve(verbose ? &std::cout : nullptr);
    if (final_loss) *final_loss = r.loss;
    if (rel_l2) *rel_l2 = r.rel_l2;
  });
}

int pigx_solver_evaluate(pigx_solver solver, const double* x, long long n, double* u, double* grad,
                         double* hess) {
  PIGX_C_REQUIRE(solver);
  return guarded([&] { solver->solver.evaluate(x, n, u, grad, hess); });
}

int pigx_solver_dim(pigx_solver solver, int* dim) {
  PIGX_C_REQUIRE(solver);
  PIGX_C_REQUIRE(dim);
  *dim = solver->solver.dim();
  return PIGX_SUCCESS;
}

}  // extern "C"
