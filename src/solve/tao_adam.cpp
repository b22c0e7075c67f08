// Adam as a TAO type, written in the shape of PETSc's own TAO implementations (cf. lmvm.c): TaoCreate_Adam
// fills tao->ops and tao->data; the solve loop uses the standard TAO monitor / convergence-test protocol.
#include "pigx/solve/tao_adam.hpp"

#include <petsc/private/taoimpl.h>

#include "tao_type_support.hpp"

namespace pigx {
namespace {

constexpr const char* kTypeName = "adam";
constexpr const char* kSetLearningRateName = "TaoAdamSetLearningRate_C";
constexpr const char* kGetTotalStepsName = "TaoAdamGetTotalSteps_C";
constexpr const char* kResetName = "TaoAdamReset_C";
constexpr const char* kGetStateName = "TaoAdamGetState_C";
constexpr const char* kSetStateName = "TaoAdamSetState_C";

/// Private data of the TAO type "adam" (tao->data).
struct TaoAdam {
  Vec m;              // first moment (persists across TaoSolve calls)
  Vec v;              // second moment (persists across TaoSolve calls)
  Vec work;           // scratch: g^2, then sqrt(vhat) + eps
  PetscReal lr;       // learning rate
  PetscReal beta1;    // first-moment decay
  PetscReal beta2;    // second-moment decay
  PetscReal epsilon;  // denominator regulariser
  PetscInt steps;     // total steps over all solves (bias-correction counter)
};

PetscErrorCode check_learning_rate(Tao tao, PetscReal lr) {
  PetscFunctionBegin;
  PetscCheck(lr > 0 && !PetscIsInfOrNanReal(lr), PetscObjectComm((PetscObject)tao), PETSC_ERR_ARG_OUTOFRANGE,
             "Adam learning rate must be positive and finite, got %g", (double)lr);
  PetscFunctionReturn(0);
}

PetscErrorCode check_parameters(Tao tao, const TaoAdam* adam) {
  MPI_Comm comm = PetscObjectComm((PetscObject)tao);

  PetscFunctionBegin;
  PetscCall(check_learning_rate(tao, adam->lr));
  PetscCheck(adam->beta1 >= 0 && adam->beta1 < 1, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "Adam beta1 must lie in [0, 1), got %g", (double)adam->beta1);
  PetscCheck(adam->beta2 >= 0 && adam->beta2 < 1, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "Adam beta2 must lie in [0, 1), got %g", (double)adam->beta2);
  PetscCheck(adam->epsilon > 0 && !PetscIsInfOrNanReal(adam->epsilon), comm, PETSC_ERR_ARG_OUTOFRANGE,
             "Adam epsilon must be positive and finite, got %g", (double)adam->epsilon);
  PetscFunctionReturn(0);
}

/// Gradient norm as TAO's internal TaoGradientNorm (not exported): the TaoSetGradientNorm matrix if set.
PetscErrorCode gradient_norm(Tao tao, Vec g, PetscReal* gnorm) {
  PetscFunctionBegin;
  if (tao->gradient_norm) {
    PetscScalar gnorms;
    PetscCall(MatMult(tao->gradient_norm, g, tao->gradient_norm_tmp));
    PetscCall(VecDot(g, tao->gradient_norm_tmp, &gnorms));
    *gnorm = PetscRealPart(PetscSqrtScalar(gnorms));
  } else {
    PetscCall(VecNorm(g, NORM_2, gnorm));
  }
  PetscFunctionReturn(0);
}

/// Evaluates f and g at the current solution, logs and monitors iteration tao->niter, then sets tao->reason:
/// TAO_DIVERGED_NAN when f or |g| is not finite, otherwise whatever the convergence test decides.
PetscErrorCode evaluate_and_test(Tao tao, PetscReal step_length) {
  PetscReal f, gnorm;

  PetscFunctionBegin;
  PetscCall(TaoComputeObjectiveAndGradient(tao, tao->solution, &f, tao->gradient));
  PetscCall(gradient_norm(tao, tao->gradient, &gnorm));
  PetscCall(TaoLogConvergenceHistory(tao, f, gnorm, 0.0, tao->ksp_its));
  if (PetscIsInfOrNanReal(f) || PetscIsInfOrNanReal(gnorm)) {
    // TaoMonitor raises an error on Inf/NaN, so record the state it would have recorded and stop here.
    PetscCall(PetscInfo(tao, "Adam: objective or gradient norm is Inf or NaN, stopping\n"));
    tao->fc = f;
    tao->residual = gnorm;
    tao->cnorm = 0.0;
    tao->step = step_length;
    tao->reason = TAO_DIVERGED_NAN;
    PetscFunctionReturn(0);
  }
  PetscCall(TaoMonitor(tao, tao->niter, f, gnorm, 0.0, step_length));
  PetscUseTypeMethod(tao, convergencetest, tao->cnvP);
  PetscFunctionReturn(0);
}

PetscErrorCode TaoSolve_Adam(Tao tao) {
  auto* adam = static_cast<TaoAdam*>(tao->data);
  PetscInt n, N, nm, Nm;

  PetscFunctionBegin;
  if (tao->XL || tao->XU || tao->ops->computebounds)
    PetscCall(
        PetscInfo(tao, "WARNING: Variable bounds have been set but will be ignored by adam algorithm\n"));
  PetscCall(check_parameters(tao, adam));
  // The moments were allocated for the solution's layout at setup; refuse a changed layout (on all ranks).
  PetscCall(VecGetLocalSize(tao->solution, &n));
  PetscCall(VecGetSize(tao->solution, &N));
  PetscCall(VecGetLocalSize(adam->m, &nm));
  PetscCall(VecGetSize(adam->m, &Nm));
  int same = n == nm && N == Nm;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &same, 1, MPI_INT, MPI_MIN, PetscObjectComm((PetscObject)tao)));
  PetscCheck(same, PetscObjectComm((PetscObject)tao), PETSC_ERR_ARG_INCOMP,
             "Adam: the solution vector's layout changed after setup (global size %" PetscInt_FMT
             " vs %" PetscInt_FMT ")",
             N, Nm);

  tao->reason = TAO_CONTINUE_ITERATING;
  PetscCall(evaluate_and_test(tao, 0.0));

  while (tao->reason == TAO_CONTINUE_ITERATING) {
    PetscTryTypeMethod(tao, update, tao->niter, tao->user_update);

    // Moments: m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2.
    const PetscReal b1 = adam->beta1, b2 = adam->beta2, lr = adam->lr;
    ++adam->steps;
    PetscCall(VecAXPBY(adam->m, 1.0 - b1, b1, tao->gradient));
    PetscCall(VecPointwiseMult(adam->work, tao->gradient, tao->gradient));
    PetscCall(VecAXPBY(adam->v, 1.0 - b2, b2, adam->work));

    // Bias-corrected step: d = -lr * mhat / (sqrt(vhat) + eps), mhat = m / bc1, vhat = v / bc2.
    const PetscReal t = (PetscReal)adam->steps;
    const PetscReal bc1 = 1.0 - PetscPowReal(b1, t);
    const PetscReal bc2 = 1.0 - PetscPowReal(b2, t);
    PetscCall(VecCopy(adam->v, adam->work));
    PetscCall(VecScale(adam->work, 1.0 / bc2));
    PetscCall(VecSqrtAbs(adam->work));
    PetscCall(VecShift(adam->work, adam->epsilon));
    PetscCall(VecPointwiseDivide(tao->stepdirection, adam->m, adam->work));
    PetscCall(VecScale(tao->stepdirection, -lr / bc1));
    PetscCall(VecAXPY(tao->solution, 1.0, tao->stepdirection));

    tao->niter++;
    PetscCall(evaluate_and_test(tao, lr));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TaoSetUp_Adam(Tao tao) {
  auto* adam = static_cast<TaoAdam*>(tao->data);

  PetscFunctionBegin;
  if (!tao->gradient) PetscCall(VecDuplicate(tao->solution, &tao->gradient));
  if (!tao->stepdirection) PetscCall(VecDuplicate(tao->solution, &tao->stepdirection));
  if (!adam->work) PetscCall(VecDuplicate(tao->solution, &adam->work));
  // Allocated (and zeroed) once only: the moments must survive further TaoSetUp/TaoSolve calls.
  if (!adam->m) {
    PetscCall(VecDuplicate(tao->solution, &adam->m));
    PetscCall(VecSet(adam->m, 0.0));
  }
  if (!adam->v) {
    PetscCall(VecDuplicate(tao->solution, &adam->v));
    PetscCall(VecSet(adam->v, 0.0));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TaoDestroy_Adam(Tao tao) {
  auto* adam = static_cast<TaoAdam*>(tao->data);

  PetscFunctionBegin;
  PetscCall(VecDestroy(&adam->m));
  PetscCall(VecDestroy(&adam->v));
  PetscCall(VecDestroy(&adam->work));
  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kSetLearningRateName, NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kGetTotalStepsName, NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kResetName, NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kGetStateName, NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kSetStateName, NULL));
  PetscCall(PetscFree(tao->data));
  PetscFunctionReturn(0);
}

PetscErrorCode TaoSetFromOptions_Adam(Tao tao, PetscOptionItems* PetscOptionsObject) {
  auto* adam = static_cast<TaoAdam*>(tao->data);

  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, "Adam method for unconstrained optimization");
  PetscCall(PetscOptionsReal("-tao_adam_learning_rate", "Adam learning rate", "tao_adam_set_learning_rate",
                             adam->lr, &adam->lr, NULL));
  PetscCall(PetscOptionsReal("-tao_adam_beta1", "Adam decay rate of the first moment", "", adam->beta1,
                             &adam->beta1, NULL));
  PetscCall(PetscOptionsReal("-tao_adam_beta2", "Adam decay rate of the second moment", "", adam->beta2,
                             &adam->beta2, NULL));
  PetscCall(PetscOptionsReal("-tao_adam_epsilon", "Adam denominator regulariser", "", adam->epsilon,
                             &adam->epsilon, NULL));
  PetscOptionsHeadEnd();
  PetscCall(check_parameters(tao, adam));
  PetscFunctionReturn(0);
}

PetscErrorCode TaoView_Adam(Tao tao, PetscViewer viewer) {
  auto* adam = static_cast<TaoAdam*>(tao->data);
  PetscBool isascii;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &isascii));
  if (isascii) {
    PetscCall(PetscViewerASCIIPrintf(viewer, "  Adam: learning rate %g, beta1 %g, beta2 %g, epsilon %g\n",
                                     (double)adam->lr, (double)adam->beta1, (double)adam->beta2,
                                     (double)adam->epsilon));
    PetscCall(
        PetscViewerASCIIPrintf(viewer, "  Adam: total steps (all solves) %" PetscInt_FMT "\n", adam->steps));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TaoAdamSetLearningRate_Adam(Tao tao, PetscReal lr) {
  PetscFunctionBegin;
  PetscCall(check_learning_rate(tao, lr));
  static_cast<TaoAdam*>(tao->data)->lr = lr;
  PetscFunctionReturn(0);
}

PetscErrorCode TaoAdamGetTotalSteps_Adam(Tao tao, PetscInt* steps) {
  PetscFunctionBegin;
  *steps = static_cast<TaoAdam*>(tao->data)->steps;
  PetscFunctionReturn(0);
}

PetscErrorCode TaoAdamGetState_Adam(Tao tao, Vec* m, Vec* v, PetscInt* steps) {
  auto* adam = static_cast<TaoAdam*>(tao->data);

  PetscFunctionBegin;
  *m = adam->m;
  *v = adam->v;
  *steps = adam->steps;
  PetscFunctionReturn(0);
}

PetscErrorCode TaoAdamSetState_Adam(Tao tao, Vec m, Vec v, PetscInt steps) {
  auto* adam = static_cast<TaoAdam*>(tao->data);

  PetscFunctionBegin;
  PetscCheck(tao->solution, PetscObjectComm((PetscObject)tao), PETSC_ERR_ORDER,
             "tao_adam_set_state() needs the solution vector (TaoSetSolution) first");
  if (!adam->m) PetscCall(VecDuplicate(tao->solution, &adam->m));
  if (!adam->v) PetscCall(VecDuplicate(tao->solution, &adam->v));
  PetscCall(VecCopy(m, adam->m));
  PetscCall(VecCopy(v, adam->v));
  adam->steps = steps;
  PetscFunctionReturn(0);
}

PetscErrorCode TaoAdamReset_Adam(Tao tao) {
  auto* adam = static_cast<TaoAdam*>(tao->data);

  PetscFunctionBegin;
  adam->steps = 0;
  if (adam->m) PetscCall(VecSet(adam->m, 0.0));
  if (adam->v) PetscCall(VecSet(adam->v, 0.0));
  PetscFunctionReturn(0);
}

PetscErrorCode TaoCreate_Adam(Tao tao) {
  TaoAdam* adam;

  PetscFunctionBegin;
  tao->ops->setup = TaoSetUp_Adam;
  tao->ops->solve = TaoSolve_Adam;
  tao->ops->view = TaoView_Adam;
  tao->ops->setfromoptions = TaoSetFromOptions_Adam;
  tao->ops->destroy = TaoDestroy_Adam;

  PetscCall(PetscNew(&adam));
  adam->m = NULL;
  adam->v = NULL;
  adam->work = NULL;
  adam->lr = 1e-3;
  adam->beta1 = 0.9;
  adam->beta2 = 0.999;
  adam->epsilon = 1e-8;
  adam->steps = 0;
  tao->data = (void*)adam;

  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kSetLearningRateName, TaoAdamSetLearningRate_Adam));
  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kGetTotalStepsName, TaoAdamGetTotalSteps_Adam));
  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kResetName, TaoAdamReset_Adam));
  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kGetStateName, TaoAdamGetState_Adam));
  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kSetStateName, TaoAdamSetState_Adam));
  PetscFunctionReturn(0);
}

}  // namespace

PetscErrorCode register_tao_adam() {
  PetscFunctionBegin;
  // TaoRegister replaces an existing entry of the same name, so repeated calls are harmless. No static
  // "done" flag: PetscFinalize clears the type list, and a later PetscInitialize needs a fresh registration.
  PetscCall(TaoRegister(kTypeName, TaoCreate_Adam));
  PetscFunctionReturn(0);
}

PetscErrorCode tao_adam_set_learning_rate(Tao tao, PetscReal lr) {
  PetscFunctionBegin;
  PetscValidHeaderSpecific(tao, TAO_CLASSID, 1);
  PetscValidLogicalCollectiveReal(tao, lr, 2);
  PetscTryMethod(tao, kSetLearningRateName, (Tao, PetscReal), (tao, lr));
  PetscFunctionReturn(0);
}

PetscErrorCode tao_adam_get_total_steps(Tao tao, PetscInt* steps) {
  PetscErrorCode (*get)(Tao, PetscInt*) = NULL;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(tao, TAO_CLASSID, 1);
  PetscValidIntPointer(steps, 2);
  PetscCall(tao_support::query_method(tao, kGetTotalStepsName, "tao_adam_get_total_steps", kTypeName, &get));
  PetscCall((*get)(tao, steps));
  PetscFunctionReturn(0);
}

PetscErrorCode tao_adam_get_state(Tao tao, Vec* m, Vec* v, PetscInt* steps) {
  PetscErrorCode (*get)(Tao, Vec*, Vec*, PetscInt*) = NULL;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(tao, TAO_CLASSID, 1);
  PetscCall(tao_support::query_method(tao, kGetStateName, "tao_adam_get_state", kTypeName, &get));
  PetscCall((*get)(tao, m, v, steps));
  PetscFunctionReturn(0);
}

PetscErrorCode tao_adam_set_state(Tao tao, Vec m, Vec v, PetscInt steps) {
  PetscFunctionBegin;
  PetscValidHeaderSpecific(tao, TAO_CLASSID, 1);
  PetscTryMethod(tao, kSetStateName, (Tao, Vec, Vec, PetscInt), (tao, m, v, steps));
  PetscFunctionReturn(0);
}

PetscErrorCode tao_adam_reset(Tao tao) {
  PetscFunctionBegin;
  PetscValidHeaderSpecific(tao, TAO_CLASSID, 1);
  PetscTryMethod(tao, kResetName, (Tao), (tao));
  PetscFunctionReturn(0);
}

}  // namespace pigx
