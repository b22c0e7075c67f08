// The DMDA + TS solve of the nonlinear diffusion equation, stepping exactly onto the output times.
#include "pigx/reference/diffusion_solver.hpp"

#include <petscdmda.h>
#include <petscts.h>

#include <algorithm>
#include <cmath>
#include <exception>

#include "diffusion_operator.hpp"
#include "petsc_owned.hpp"
#include "pigx/core/error.hpp"
#include "pigx/solve/petsc_check.hpp"

namespace pigx::reference {
namespace {

using detail::PetscOwned;

/// What the pre-step and monitor callbacks share: the output times still to reach and the callback.
struct StepContext {
  const std::vector<double>* times = nullptr;
  std::size_t next = 0;
  const OutputCallback* output = nullptr;
  DM da = nullptr;
  int points = 0;
  std::exception_ptr error;
};

/// Tolerance for "the step landed on output time t". Not collective.
double landing_tolerance(double t) {
  return 1e-9 * std::max(1.0, std::abs(t));
}

/// TS pre-step: shortens the coming step so that it lands on the next output time, halving the remaining
/// interval instead when a full step would leave a sliver. Collective over the TS.
PetscErrorCode clip_to_output(TS ts) {
  PetscFunctionBeginUser;
  StepContext* c = nullptr;
  PetscCall(TSGetApplicationContext(ts, &c));
  if (c->next >= c->times->size()) PetscFunctionReturn(0);
  PetscReal t, dt;
  PetscCall(TSGetTime(ts, &t));
  PetscCall(TSGetTimeStep(ts, &dt));
  const double remaining = (*c->times)[c->next] - t;
  if (remaining <= landing_tolerance(t)) PetscFunctionReturn(0);
  if (dt >= remaining) {
    dt = remaining;
  } else if (dt > 0.5 * remaining) {
    dt = 0.5 * remaining;
  }
  PetscCall(TSSetTimeStep(ts, dt));
  PetscFunctionReturn(0);
}

/// TS monitor: hands the state to the output callback at each output time; an exception from the callback
/// (or a step that passed an output time) is kept and stops the solve. Collective over the TS.
PetscErrorCode record_output(TS ts, PetscInt, PetscReal t, Vec u, void* ctx) {
  PetscFunctionBeginUser;
  auto* c = static_cast<StepContext*>(ctx);
  const std::vector<double>& times = *c->times;
  while (!c->error && c->next < times.size() && t >= times[c->next] - landing_tolerance(times[c->next])) {
    const double target = times[c->next];
    try {
      PIGX_CHECK(std::abs(t - target) <= landing_tolerance(target), "the time stepper passed output time ",
                 target, " (reached ", t, ")");
      DMDALocalInfo info;
      PIGX_PETSC(DMDAGetLocalInfo(c->da, &info));
      const PetscScalar** values = nullptr;
      PIGX_PETSC(DMDAVecGetArrayRead(c->da, u, &values));
      LocalField field{c->points, info.xs, info.ys, info.xm, info.ym, values};
      try {
        (*c->output)(static_cast<int>(c->next), target, field);
      } catch (...) {
        DMDAVecRestoreArrayRead(c->da, u, &values);
        throw;
      }
      PIGX_PETSC(DMDAVecRestoreArrayRead(c->da, u, &values));
    } catch (...) {
      c->error = std::current_exception();
      PetscCall(TSSetConvergedReason(ts, TS_CONVERGED_USER));
    }
    ++c->next;
  }
  PetscFunctionReturn(0);
}

/// Fills u with the initial state: u0 at interior nodes, 0 on the boundary. Not collective.
void set_initial_state(DM da, Vec u, const DiffusionProblem& problem, double h) {
  DMDALocalInfo info;
  PIGX_PETSC(DMDAGetLocalInfo(da, &info));
  PetscScalar** a = nullptr;
  PIGX_PETSC(DMDAVecGetArray(da, u, &a));
  for (int j = info.ys; j < info.ys + info.ym; ++j)
    for (int i = info.xs; i < info.xs + info.xm; ++i) {
      const bool boundary = i == 0 || j == 0 || i == info.mx - 1 || j == info.my - 1;
      a[j][i] = boundary ? 0.0 : problem.initial(-1 + i * h, -1 + j * h);
    }
  PIGX_PETSC(DMDAVecRestoreArray(da, u, &a));
}

/// Creates the TS with pigx's defaults (BDF of spec.bdf_order, the given tolerances, steps landing on output
/// times), then reads PETSc's options database. Collective over the DM.
void configure(TS ts, DM da, const DiffusionSolverSpec& spec, double t_end, StepContext& ctx) {
  PIGX_PETSC(TSSetDM(ts, da));
  PIGX_PETSC(TSSetProblemType(ts, TS_NONLINEAR));
  PIGX_PETSC(TSSetType(ts, TSBDF));
  PIGX_PETSC(TSBDFSetOrder(ts, spec.bdf_order));
  PIGX_PETSC(TSSetMaxTime(ts, t_end));
  PIGX_PETSC(TSSetMaxSteps(ts, 10000000));
  PIGX_PETSC(TSSetExactFinalTime(ts, TS_EXACTFINALTIME_MATCHSTEP));
  PIGX_PETSC(TSSetTimeStep(ts, spec.initial_dt));
  PIGX_PETSC(TSSetTolerances(ts, spec.atol, nullptr, spec.rtol, nullptr));
  PIGX_PETSC(TSSetMaxSNESFailures(ts, -1));
  PIGX_PETSC(TSSetApplicationContext(ts, &ctx));
  PIGX_PETSC(TSSetPreStep(ts, clip_to_output));
  PIGX_PETSC(TSMonitorSet(ts, record_output, &ctx, nullptr));
  PIGX_PETSC(TSSetFromOptions(ts));
}

/// The time stepper's type, with its order for BDF, e.g. "bdf (order 2)". Not collective.
std::string describe_method(TS ts) {
  TSType type;
  PIGX_PETSC(TSGetType(ts, &type));
  std::string method = type;
  if (method == TSBDF) {
    PetscInt order;
    PIGX_PETSC(TSBDFGetOrder(ts, &order));
    method += " (order " + std::to_string(order) + ")";
  }
  return method;
}

/// Checks the arguments of solve_diffusion; throws pigx::Error (Input) naming the bad one. Not collective.
void check_arguments(const DiffusionProblem& problem, const DiffusionSolverSpec& spec,
                     const std::vector<double>& times) {
  PIGX_CHECK_INPUT(static_cast<bool>(problem.initial), "solve_diffusion: no initial value given");
  PIGX_CHECK_INPUT(spec.points >= 3, "solve_diffusion: points ", spec.points, " < 3");
  PIGX_CHECK_INPUT(spec.rtol > 0 && spec.atol > 0 && spec.initial_dt > 0,
                   "solve_diffusion: tolerances and the first step must be > 0");
  PIGX_CHECK_INPUT(spec.bdf_order >= 1 && spec.bdf_order <= 6, "solve_diffusion: BDF order ", spec.bdf_order,
                   " is not in 1..6");
  PIGX_CHECK_INPUT(!times.empty() && times.front() >= 0 && std::is_sorted(times.begin(), times.end()) &&
                       std::adjacent_find(times.begin(), times.end()) == times.end(),
                   "solve_diffusion: output times must be increasing and >= 0");
}

}  // namespace

DiffusionSolveStats solve_diffusion(MPI_Comm comm, const DiffusionProblem& problem,
                                    const DiffusionSolverSpec& spec, const std::vector<double>& output_times,
                                    const OutputCallback& output) {
  check_arguments(problem, spec, output_times);
  const double start = MPI_Wtime();
  const double h = 2.0 / (spec.points - 1);
  PetscOwned<DM, DMDestroy> da;
  PIGX_PETSC(DMDACreate2d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, spec.points,
                          spec.points, PETSC_DECIDE, PETSC_DECIDE, 1, 1, nullptr, nullptr, da.out()));
  PIGX_PETSC(DMSetUp(da));
  detail::OperatorContext op{&problem, h};
  PIGX_PETSC(DMDATSSetIFunctionLocal(da, INSERT_VALUES, detail::diffusion_ifunction, &op));
  PIGX_PETSC(DMDATSSetIJacobianLocal(da, detail::diffusion_ijacobian, &op));
  PetscOwned<Vec, VecDestroy> u;
  PIGX_PETSC(DMCreateGlobalVector(da, u.out()));
  set_initial_state(da, u, problem, h);

  StepContext ctx;
  ctx.times = &output_times;
  ctx.output = &output;
  ctx.da = da;
  ctx.points = spec.points;
  PetscOwned<TS, TSDestroy> ts;
  PIGX_PETSC(TSCreate(comm, ts.out()));
  configure(ts, da, spec, output_times.back(), ctx);
  if (output_times.back() > 0) {
    PIGX_PETSC(TSSolve(ts, u));
  } else {
    PIGX_PETSC(record_output(ts, 0, 0.0, u, &ctx));
  }
  if (ctx.error) std::rethrow_exception(ctx.error);
  TSConvergedReason reason;
  PIGX_PETSC(TSGetConvergedReason(ts, &reason));
  PIGX_CHECK(reason >= 0, "the time stepper failed: ", TSConvergedReasons[reason]);
  PIGX_CHECK(ctx.next == output_times.size(), "the time stepper stopped at an output time before the last (",
             ctx.next, " of ", output_times.size(), " reached)");

  DiffusionSolveStats stats;
  PetscInt steps, rejected, nonlinear, linear;
  PIGX_PETSC(TSGetStepNumber(ts, &steps));
  PIGX_PETSC(TSGetStepRejections(ts, &rejected));
  PIGX_PETSC(TSGetSNESIterations(ts, &nonlinear));
  PIGX_PETSC(TSGetKSPIterations(ts, &linear));
  stats.steps = steps;
  stats.rejected = rejected;
  stats.nonlinear_iterations = nonlinear;
  stats.linear_iterations = linear;
  stats.wall_s = MPI_Wtime() - start;
  stats.method = describe_method(ts);
  PIGX_PETSC(TSGetTolerances(ts, &stats.atol, nullptr, &stats.rtol, nullptr));
  return stats;
}

}  // namespace pigx::reference
