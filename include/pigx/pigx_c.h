/* The pigx C API over the C++ library API (docs/library_api.md), for C and, through ISO_C_BINDING, Fortran.
 * Every function returns PIGX_SUCCESS (0) or an error code; pigx_last_error() then gives the message.
 * Handles are opaque; each *_create has a *_destroy that also sets the handle to NULL. */
#ifndef PIGX_PIGX_C_H
#define PIGX_PIGX_C_H

#include <mpi.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Result codes of every pigx C function. */
enum pigx_status {
  PIGX_SUCCESS = 0,     /**< the call did what it says */
  PIGX_ERR_INPUT = 1,   /**< bad input: a key, value, array or handle; the message names it */
  PIGX_ERR_RUNTIME = 2, /**< a failure while running (PETSc, MPI, numerical) */
  PIGX_ERR_NULL = 3     /**< a required pointer or handle was NULL */
};

/** Opaque description of a problem (pigx::Problem). */
typedef struct pigx_problem_s* pigx_problem;
/** Opaque trained model of a problem (pigx::Solver). */
typedef struct pigx_solver_s* pigx_solver;
/** A scalar field given by the host: value at x (dim coordinates); user is passed through unchanged. */
typedef double (*pigx_field_fn)(const double* x, void* user);

/** Message of the last failed call on this thread ("" if none). */
const char* pigx_last_error(void);

/** Starts PETSc and Kokkos unless the host already did (MPI must be initialised); argc/argv may be NULL. */
int pigx_initialize(int* argc, char*** argv);
/** Finalises what pigx_initialize started; destroy every solver first. */
int pigx_finalize(void);

/** Creates a problem of a registered PDE type, e.g. "poisson_data". */
int pigx_problem_create(const char* pde_type, pigx_problem* problem);
/** Destroys a problem and sets *problem to NULL (NULL is accepted). */
int pigx_problem_destroy(pigx_problem* problem);
/** Takes every key of a pigx-solve INI file (keys set with pigx_problem_set win). */
int pigx_problem_read_config(pigx_problem problem, const char* ini_file);
/** Sets a pigx-solve key as text, e.g. ("model.gaussians", "40"). */
int pigx_problem_set(pigx_problem problem, const char* key, const char* value);
/** Sets the domain box [lo, hi] with dim coordinates. */
int pigx_problem_set_domain(pigx_problem problem, int dim, const double* lo, const double* hi);
/** Sets the source term f as a callback. */
int pigx_problem_set_source_fn(pigx_problem problem, pigx_field_fn f, void* user);
/** Sets the source term f on a tensor grid: counts[dim] nodes per axis, axes = the node coordinates of
 *  axis 0, then axis 1, ... (sum of counts values), values with the first axis slowest (C order). */
int pigx_problem_set_source_grid(pigx_problem problem, int dim, const int* counts, const double* axes,
                                 const double* values);
/** Sets the Dirichlet boundary data g as a callback. */
int pigx_problem_set_boundary_fn(pigx_problem problem, pigx_field_fn g, void* user);
/** Sets the Dirichlet boundary data g on a tensor grid (layout as pigx_problem_set_source_grid). */
int pigx_problem_set_boundary_grid(pigx_problem problem, int dim, const int* counts, const double* axes,
                                   const double* values);
/** Sets the exact solution (enables the test error reported by pigx_solver_solve). */
int pigx_problem_set_exact_fn(pigx_problem problem, pigx_field_fn u, void* user);

/** Builds a solver for a problem on communicator comm (not collective); checks every key and datum. */
int pigx_solver_create(MPI_Comm comm, pigx_problem problem, pigx_solver* solver);
/** As pigx_solver_create with a Fortran communicator handle (MPI_Fint, e.g. MPI_COMM_WORLD in Fortran). */
int pigx_solver_create_f(MPI_Fint comm, pigx_problem problem, pigx_solver* solver);
/** Destroys a solver and sets *solver to NULL (NULL is accepted). */
int pigx_solver_destroy(pigx_solver* solver);
/** Collective: trains; final loss and test error (NaN without exact solution) into the non-NULL outputs;
 *  verbose != 0 prints progress lines on rank 0. */
int pigx_solver_solve(pigx_solver solver, int verbose, double* final_loss, double* rel_l2);
/** Not collective: u [n][outputs] at points x [n][dim]; grad [n][outputs][dim] and hess
 *  [n][outputs][dim][dim] when non-NULL. */
int pigx_solver_evaluate(pigx_solver solver, const double* x, long long n, double* u, double* grad,
                         double* hess);
/** Input dimension of the solver's problem into *dim. */
int pigx_solver_dim(pigx_solver solver, int* dim);

#ifdef __cplusplus
}
#endif

#endif /* PIGX_PIGX_C_H */
