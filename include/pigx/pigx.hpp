// The pigx library API for host codes: include this one header.
//
//   pigx::Runtime runtime(&argc, &argv);          // after MPI_Init: PETSc and Kokkos
//   pigx::Problem problem("poisson_data");         // -laplace(u) = f with f, g from the host
//   problem.set_domain({-1, -1}, {1, 1});
//   problem.set_source([](const double* x) { return ...; });
//   problem.set("train.stages", "adam:1000");      // any pigx-solve key
//   pigx::Solver solver(MPI_COMM_WORLD, problem);
//   solver.solve();                                // collective
//   solver.evaluate(x, n, u, grad, hess);          // at the host's points
//
// See docs/library_api.md.
#pragma once

#include "pigx/api/field.hpp"
#include "pigx/api/problem.hpp"
#include "pigx/api/runtime.hpp"
#include "pigx/api/solver.hpp"
#include "pigx/core/error.hpp"
