// One complete pigx-solve run as a library call, so a host code can do in C++ what the program does.
#pragma once

#include <mpi.h>

#include <ostream>

#include "pigx/app/run_config.hpp"

namespace pigx {

/// Final numbers of a run.
struct RunResult {
  double rel_l2 = 0;               ///< of the solution written (the ensemble mean where there is one)
  double rel_l2_last_model = 0;    ///< of the final parameters alone
  long long ensemble_members = 1;  ///< models averaged into the solution (train.ensemble_sets)
  long long iterations = 0, evaluations = 0, parameters = 0;
  double wall_s = 0;
};

/// Collective over comm: builds the problem of `config`, trains it, measures the final relative L2 error on
/// the benchmark test grid and (rank 0) writes <output.dir>/summary.json and solution.h5/.xdmf. PETSc and
/// Kokkos must be initialised. Progress goes to `log` on rank 0. Input errors (docs/bad_inputs.md) are raised
/// on every rank before anything is written. With config.check_only, returns after the checks (output
/// directory, rank count, stage types, reference data) without training or writing.
RunResult run_solve(MPI_Comm comm, RunConfig& config, std::ostream& log);

}  // namespace pigx
