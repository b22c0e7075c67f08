// A classical solver for u_t = alpha div(u grad u) + f on [-1,1]^2 with u = 0 on the boundary: PETSc DMDA
// (conservative second-order finite differences) and an implicit adaptive TS. It provides independent
// reference solutions for the nonlinear diffusion benchmark (docs/references.md).
#pragma once

#include <mpi.h>

#include <functional>
#include <string>
#include <vector>

namespace pigx::reference {

/// The equation: alpha, the initial value u0(x, y) and an optional source f(x, y, t) (empty: none).
struct DiffusionProblem {
  double alpha = 0.05;
  std::function<double(double, double)> initial;
  std::function<double(double, double, double)> source;
};

/// Discretisation and time-step control; PETSc's options database (-ts_*, -snes_*, -ksp_*, -pc_*) is read
/// after these, so options given there win.
struct DiffusionSolverSpec {
  int points = 401;          ///< grid points per axis, boundary included (spacing h = 2 / (points - 1))
  double rtol = 1e-8;        ///< relative local error tolerance of the adaptive time stepper
  double atol = 1e-10;       ///< absolute local error tolerance
  double initial_dt = 1e-4;  ///< first time step (the controller adapts it)
  int bdf_order = 4;         ///< order of the default BDF stepper (-ts_type and -ts_bdf_order override)
};

/// The part of the grid this rank owns at one output time: nodes (i, j) for xs <= i < xs + xm,
/// ys <= j < ys + ym, node (i, j) at (x, y) = (-1 + i h, -1 + j h); value(i, j) is u there.
struct LocalField {
  int points = 0;
  int xs = 0, ys = 0, xm = 0, ym = 0;
  const double* const* values = nullptr;  ///< values[j][i], DMDA's global indexing
  /// u at node (i, j), which this rank must own.
  double value(int i, int j) const { return values[j][i]; }
};

/// Counters of one solve (summed over the run; identical on every rank).
struct DiffusionSolveStats {
  long long steps = 0, rejected = 0, nonlinear_iterations = 0, linear_iterations = 0;
  double wall_s = 0;
  std::string method;         ///< the time stepper as run, e.g. "bdf (order 2)", after PETSc's options
  double rtol = 0, atol = 0;  ///< the tolerances as run, after PETSc's options
};

/// Called on every rank at each output time, in order: index into output_times, the time, this rank's part
/// (valid during the call). It may call collectives on the solver's communicator; if it throws, it must throw
/// on every rank alike.
using OutputCallback = std::function<void(int index, double t, const LocalField& field)>;

/// Solves from t = 0 to output_times.back(), landing a step on every output time (increasing, >= 0; t = 0
/// gives the initial state, u0 inside and 0 on the boundary) and calling `output` there. Collective over
/// comm. Throws pigx::Error (Runtime) when PETSc fails or the time stepper does not converge, and rethrows
/// what `output` throws. Reads PETSc's options database (-ts_type, -ts_bdf_order, -snes_*, -ksp_*, ...).
DiffusionSolveStats solve_diffusion(MPI_Comm comm, const DiffusionProblem& problem,
                                    const DiffusionSolverSpec& spec, const std::vector<double>& output_times,
                                    const OutputCallback& output);

}  // namespace pigx::reference
