// The benchmark's reference run: solve on the fine grid, sample on the 101^3 grid, write the file.
#include "pigx/reference/nonlinear_diffusion_reference.hpp"

#include <cmath>
#include <iomanip>
#include <sstream>

#include "pigx/core/error.hpp"
#include "pigx/parallel/mpi_check.hpp"
#include "pigx/reference/nested_sampling.hpp"

namespace pigx::reference {
namespace {

/// linspace(lo, hi, n) as numpy computes it (lo + i * step, the last point exactly hi). Not collective.
std::vector<double> linspace(double lo, double hi, int n) {
  std::vector<double> v(n);
  const double step = (hi - lo) / (n - 1);
  for (int i = 0; i < n; ++i) v[i] = lo + i * step;
  v[n - 1] = hi;
  return v;
}

/// The file's description of how it was made. Not collective.
std::vector<std::pair<std::string, std::string>> describe(const ReferenceRunSpec& s,
                                                          const DiffusionSolveStats& st, int ranks) {
  std::ostringstream how;
  how << std::setprecision(3) << "pigx-reference: PETSc DMDA " << s.solver.points << " x " << s.solver.points
      << " nodes (h = " << 2.0 / (s.solver.points - 1)
      << "), conservative second-order finite differences of div(u grad u) with face-averaged diffusivity; "
         "implicit adaptive PETSc TS "
      << st.method << " with rtol " << st.rtol << ", atol " << st.atol << ", " << st.steps << " steps; "
      << ranks << " MPI rank(s); sampled at nested nodes, no interpolation; t = 0 is u0 itself";
  return {
      {"equation", "u_t = alpha*div(u grad u), alpha=0.05, (x,y) in [-1,1]^2, t in [0,1], u=0 on boundary"},
      {"origin", how.str()}};
}

}  // namespace

double nonlinear_diffusion_u0(double x, double y) {
  return 0.25 * std::exp(-((x - 0.3) * (x - 0.3) + (y - 0.2) * (y - 0.2)) / 0.1) +
         0.4 * std::exp(-15 * ((x + 0.5) * (x + 0.5) + (y + 0.1) * (y + 0.1))) +
         0.3 * std::exp(-20 * (x * x + (y + 0.5) * (y + 0.5)));
}

ReferenceData nonlinear_diffusion_reference(MPI_Comm comm, const ReferenceRunSpec& spec,
                                            DiffusionSolveStats* stats, std::ostream* progress) {
  PIGX_CHECK_INPUT(spec.output_points >= 2 && spec.output_times >= 2 && spec.t_end > 0,
                   "nonlinear_diffusion_reference: output grid ", spec.output_points, " x ",
                   spec.output_times, " up to t = ", spec.t_end, " is empty");
  PIGX_CHECK_INPUT(nests(spec.solver.points, spec.output_points), "a grid of ", spec.solver.points,
                   " points per axis does not contain the ", spec.output_points, "-point output grid");
  int rank, ranks;
  PIGX_MPI(MPI_Comm_rank(comm, &rank));
  PIGX_MPI(MPI_Comm_size(comm, &ranks));
  ReferenceData d;
  d.x = linspace(-1, 1, spec.output_points);
  d.y = d.x;
  d.t.resize(spec.output_times);
  for (int k = 0; k < spec.output_times; ++k) d.t[k] = spec.t_end * k / (spec.output_times - 1);
  const std::size_t slice = static_cast<std::size_t>(spec.output_points) * spec.output_points;
  if (rank == 0) d.u.assign(slice * spec.output_times, 0.0);

  const double start = MPI_Wtime();
  DiffusionProblem problem;
  problem.alpha = 0.05;
  problem.initial = nonlinear_diffusion_u0;
  const DiffusionSolveStats s =
      solve_diffusion(comm, problem, spec.solver, d.t, [&](int k, double t, const LocalField& field) {
        const std::vector<double> values = sample_nested(comm, field, spec.output_points);
        if (rank == 0) std::copy(values.begin(), values.end(), d.u.begin() + k * slice);
        if (progress && rank == 0 && k > 0 && (k % 10 == 0 || k == spec.output_times - 1))
          *progress << "  t = " << std::fixed << std::setprecision(2) << t << std::defaultfloat << "  ("
                    << std::setprecision(1) << std::fixed << MPI_Wtime() - start << " s)" << std::defaultfloat
                    << std::setprecision(6) << std::endl;
      });
  if (rank == 0) {
    // The initial value itself, boundary included (the solver's state is 0 on the boundary from the start).
    for (int a = 0; a < spec.output_points; ++a)
      for (int b = 0; b < spec.output_points; ++b)
        d.u[static_cast<std::size_t>(a) * spec.output_points + b] = nonlinear_diffusion_u0(d.x[a], d.y[b]);
  }
  d.attributes = describe(spec, s, ranks);
  if (stats) *stats = s;
  return d;
}

DiffusionSolveStats run_reference(MPI_Comm comm, const ReferenceRunSpec& spec, std::ostream* log) {
  int rank;
  PIGX_MPI(MPI_Comm_rank(comm, &rank));
  if (log && rank == 0)
    *log << "pigx-reference: nonlinear diffusion on " << spec.solver.points << " x " << spec.solver.points
         << " nodes, rtol " << spec.solver.rtol << ", atol " << spec.solver.atol << " -> " << spec.output
         << std::endl;
  DiffusionSolveStats stats;
  const ReferenceData d = nonlinear_diffusion_reference(comm, spec, &stats, log);
  // Rank 0 writes; its success or failure is shared so that every rank returns or throws alike.
  std::string failure;
  if (rank == 0) {
    try {
      write_reference_file(spec.output, d);
    } catch (const Error& e) {
      failure = e.what();
    }
  }
  int failed = failure.empty() ? 0 : 1;
  PIGX_MPI(MPI_Bcast(&failed, 1, MPI_INT, 0, comm));
  if (failed)
    throw Error(ErrorKind::Runtime, rank == 0 ? failure : "writing the reference file failed on rank 0");
  if (log && rank == 0)
    *log << "steps " << stats.steps << " (rejected " << stats.rejected << "), Newton iterations "
         << stats.nonlinear_iterations << ", linear iterations " << stats.linear_iterations << ", wall "
         << std::fixed << std::setprecision(1) << stats.wall_s << " s\nwrote " << spec.output << std::endl;
  return stats;
}

}  // namespace pigx::reference
