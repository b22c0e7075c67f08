// The nonlinear diffusion benchmark (docs/benchmarks.md) solved classically, sampled on the grid of the
// shipped reference and written in its layout: what pigx-reference does, as a library call.
#pragma once

#include <mpi.h>

#include <ostream>
#include <string>

#include "pigx/reference/diffusion_solver.hpp"
#include "pigx/reference/reference_file.hpp"

namespace pigx::reference {

/// One reference run: the fine grid and tolerances, the sampled grid, and where the file goes.
struct ReferenceRunSpec {
  DiffusionSolverSpec solver;  ///< solver.points must nest output_points
  int output_points = 101;     ///< x, y = linspace(-1, 1, output_points)
  int output_times = 101;      ///< t = t_end * k / (output_times - 1)
  double t_end = 1.0;
  std::string output;  ///< HDF5 file to write (rank 0)
};

/// The benchmark's initial value u0(x, y) (three Gaussian bumps; up to 0.0094 on the boundary). Not
/// collective.
double nonlinear_diffusion_u0(double x, double y);

/// Solves u_t = 0.05 div(u grad u), u = 0 on the boundary of [-1,1]^2, from u0 and returns the sampled
/// solution on rank 0 (u empty elsewhere). The t = 0 slice is u0 itself at every sample point, boundary
/// included, as in the shipped file; the solver starts from u0 inside and 0 on the boundary. Collective
/// over comm; stats receives the solver's counters when not null; rank 0 prints a progress line to progress
/// (when not null) at every tenth output time. Throws pigx::Error as solve_diffusion.
ReferenceData nonlinear_diffusion_reference(MPI_Comm comm, const ReferenceRunSpec& spec,
                                            DiffusionSolveStats* stats = nullptr,
                                            std::ostream* progress = nullptr);

/// nonlinear_diffusion_reference, then writes spec.output atomically on rank 0 and prints progress and a
/// summary to log on rank 0 (when log is not null). Collective over comm; a write failure on rank 0 throws on
/// every rank.
DiffusionSolveStats run_reference(MPI_Comm comm, const ReferenceRunSpec& spec, std::ostream* log);

}  // namespace pigx::reference
