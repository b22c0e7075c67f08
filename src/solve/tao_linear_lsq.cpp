// Written in the shape of PETSc's own TAO implementations (cf. brgn.c): TaoCreate_LSQ fills tao->ops and
// tao->data and creates the KSP; the solve loop follows the TAO monitor / convergence-test protocol.
#include "pigx/solve/tao_linear_lsq.hpp"

#include <petsc/private/taoimpl.h>

#include <vector>

#include "tao_type_support.hpp"

namespace pigx {
namespace {

constexpr const char* kTypeName = "lsq";
constexpr const char* kSetColumnsName = "TaoLSQSetColumns_C";

/// Private data of the TAO type "lsq" (tao->data).
struct TaoLSQ {
  std::vector<PetscInt> columns;  // the solved-for parameters (global indices, this rank's share owned)
  Vec sub = nullptr;              // a Vec over the columns
  Vec inv_norm = nullptr;         // D^-1 over the columns
  Vec sub_work = nullptr;
  Vec full_work = nullptr;  // parameter-sized scratch
  Vec rhs = nullptr;        // -r
  Vec trial = nullptr;
  VecScatter embed = nullptr;    // sub -> solution layout (P)
  Mat op = nullptr;              // J P D^-1, a MATSHELL
  std::vector<PetscReal> norms;  // column-norm scratch
};

PetscErrorCode op_mult(Mat A, Vec x, Vec y) {
  Tao tao;
  PetscFunctionBegin;
  PetscCall(MatShellGetContext(A, &tao));
  auto* q = static_cast<TaoLSQ*>(tao->data);
  PetscCall(VecPointwiseMult(q->sub_work, q->inv_norm, x));
  PetscCall(VecSet(q->full_work, 0.0));
  PetscCall(VecScatterBegin(q->embed, q->sub_work, q->full_work, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(q->embed, q->sub_work, q->full_work, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(MatMult(tao->ls_jac, q->full_work, y));
  PetscFunctionReturn(0);
}

PetscErrorCode op_mult_transpose(Mat A, Vec w, Vec y) {
  Tao tao;
  PetscFunctionBegin;
  PetscCall(MatShellGetContext(A, &tao));
  auto* q = static_cast<TaoLSQ*>(tao->data);
  PetscCall(MatMultTranspose(tao->ls_jac, w, q->full_work));
  PetscCall(VecScatterBegin(q->embed, q->full_work, y, INSERT_VALUES, SCATTER_REVERSE));
  PetscCall(VecScatterEnd(q->embed, q->full_work, y, INSERT_VALUES, SCATTER_REVERSE));
  PetscCall(VecPointwiseMult(y, q->inv_norm, y));
  PetscFunctionReturn(0);
}

/// D^-1 from the Jacobian's column norms over the solved-for columns (1 for an all-zero column).
PetscErrorCode equilibrate(Tao tao, TaoLSQ* q) {
  PetscInt lo, hi;
  PetscFunctionBegin;
  const std::vector<PetscReal>& norms = q->norms;
  PetscCall(tao_support::column_norms(tao->ls_jac, q->norms));
  PetscCall(VecGetOwnershipRange(q->inv_norm, &lo, &hi));
  PetscScalar* d;
  PetscCall(VecGetArray(q->inv_norm, &d));
  for (PetscInt i = lo; i < hi; ++i) {
    const PetscReal n = norms[q->columns[i]];
    d[i - lo] = n > 0 ? 1.0 / n : 1.0;
  }
  PetscCall(VecRestoreArray(q->inv_norm, &d));
  PetscFunctionReturn(0);
}

/// Residual and Jacobian at the solution, and the gradient norm |2 J^T r| for the monitor and the tests.
PetscErrorCode linearise(Tao tao, PetscReal* gnorm) {
  PetscFunctionBegin;
  PetscCall(TaoComputeResidualJacobian(tao, tao->solution, tao->ls_jac, tao->ls_jac_pre));
  PetscCall(TaoComputeResidual(tao, tao->solution, tao->ls_res));
  PetscCall(MatMultTranspose(tao->ls_jac, tao->ls_res, tao->gradient));
  PetscCall(VecScale(tao->gradient, 2.0));
  PetscCall(VecNorm(tao->gradient, NORM_2, gnorm));
  PetscFunctionReturn(0);
}

PetscErrorCode TaoSolve_LSQ(Tao tao) {
  auto* q = static_cast<TaoLSQ*>(tao->data);
  PetscFunctionBegin;
  PetscCheck(tao->ls_res && tao->ls_jac, PetscObjectComm((PetscObject)tao), PETSC_ERR_ORDER,
             "TAO lsq needs TaoSetResidualRoutine() and TaoSetJacobianResidualRoutine()");
  PetscCheck(q->sub, PetscObjectComm((PetscObject)tao), PETSC_ERR_ORDER,
             "TAO lsq needs the parameters to solve for (tao_lsq_set_columns)");
  PetscCall(VecDestroy(&q->rhs));
  PetscCall(MatCreateVecs(tao->ls_jac, nullptr, &q->rhs));
  PetscCall(MatDestroy(&q->op));
  PetscInt m, M, n;
  PetscCall(VecGetLocalSize(q->rhs, &m));
  PetscCall(VecGetSize(q->rhs, &M));
  PetscCall(VecGetLocalSize(q->sub, &n));
  PetscCall(MatCreateShell(PetscObjectComm((PetscObject)tao), m, n, M,
                           static_cast<PetscInt>(q->columns.size()), tao, &q->op));
  PetscCall(MatShellSetOperation(q->op, MATOP_MULT, (void (*)(void))op_mult));
  PetscCall(MatShellSetOperation(q->op, MATOP_MULT_TRANSPOSE, (void (*)(void))op_mult_transpose));

  PetscReal f, f_new, gnorm = 0, step = 0;
  tao->reason = TAO_CONTINUE_ITERATING;
  PetscCall(TaoComputeObjective(tao, tao->solution, &f));
  PetscCall(linearise(tao, &gnorm));
  PetscCall(TaoLogConvergenceHistory(tao, f, gnorm, 0.0, tao->ksp_its));
  PetscCall(TaoMonitor(tao, tao->niter, f, gnorm, 0.0, 0.0));
  PetscUseTypeMethod(tao, convergencetest, tao->cnvP);
  while (tao->reason == TAO_CONTINUE_ITERATING) {
    PetscTryTypeMethod(tao, update, tao->niter, tao->user_update);
    PetscCall(equilibrate(tao, q));
    PetscCall(VecAXPBY(q->rhs, -1.0, 0.0, tao->ls_res));
    PetscCall(KSPSetOperators(tao->ksp, q->op, q->op));
    PetscCall(VecSet(q->sub_work, 0.0));
    PetscCall(KSPSolve(tao->ksp, q->rhs, q->sub));
    PetscInt its;
    PetscCall(KSPGetIterationNumber(tao->ksp, &its));
    tao->ksp_its += its;
    tao->ksp_tot_its += its;
    // d = P D^-1 y, the step in the full parameter vector.
    PetscCall(VecPointwiseMult(q->sub, q->inv_norm, q->sub));
    PetscCall(VecSet(tao->stepdirection, 0.0));
    PetscCall(VecScatterBegin(q->embed, q->sub, tao->stepdirection, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(q->embed, q->sub, tao->stepdirection, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecWAXPY(q->trial, 1.0, tao->stepdirection, tao->solution));
    PetscCall(TaoComputeObjective(tao, q->trial, &f_new));
    tao->niter++;
    if (!PetscIsInfOrNanReal(f_new) && f_new < f) {
      PetscCall(VecCopy(q->trial, tao->solution));
      PetscCall(VecNorm(tao->stepdirection, NORM_2, &step));
      f = f_new;
    } else {
      PetscCall(TaoComputeObjective(tao, tao->solution, &f));  // the callbacks last saw the trial point
      step = 0;
    }
    // The next iteration's linearisation (and the gradient norm the tests see): the callbacks then hold
    // the solution again.
    PetscCall(linearise(tao, &gnorm));
    PetscCall(TaoComputeObjective(tao, tao->solution, &f));
    PetscCall(TaoLogConvergenceHistory(tao, f, gnorm, 0.0, tao->ksp_its));
    PetscCall(TaoMonitor(tao, tao->niter, f, gnorm, 0.0, step));
    PetscUseTypeMethod(tao, convergencetest, tao->cnvP);
    if (step == 0 && tao->reason == TAO_CONTINUE_ITERATING) tao->reason = TAO_DIVERGED_LS_FAILURE;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TaoSetUp_LSQ(Tao tao) {
  PetscFunctionBegin;
  if (!tao->gradient) PetscCall(VecDuplicate(tao->solution, &tao->gradient));
  if (!tao->stepdirection) PetscCall(VecDuplicate(tao->solution, &tao->stepdirection));
  PetscFunctionReturn(0);
}

PetscErrorCode destroy_columns(TaoLSQ* q) {
  PetscFunctionBegin;
  PetscCall(VecDestroy(&q->sub));
  PetscCall(VecDestroy(&q->inv_norm));
  PetscCall(VecDestroy(&q->sub_work));
  PetscCall(VecDestroy(&q->full_work));
  PetscCall(VecDestroy(&q->trial));
  PetscCall(VecScatterDestroy(&q->embed));
  PetscFunctionReturn(0);
}

PetscErrorCode TaoDestroy_LSQ(Tao tao) {
  auto* q = static_cast<TaoLSQ*>(tao->data);
  PetscFunctionBegin;
  PetscCall(destroy_columns(q));
  PetscCall(VecDestroy(&q->rhs));
  PetscCall(MatDestroy(&q->op));
  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kSetColumnsName, NULL));
  PetscCall(KSPDestroy(&tao->ksp));
  delete q;
  tao->data = nullptr;
  PetscFunctionReturn(0);
}

PetscErrorCode TaoSetFromOptions_LSQ(Tao tao, PetscOptionItems*) {
  PetscFunctionBegin;
  PetscCall(tao_support::ksp_from_options(tao, "tao_lsq_"));
  PetscFunctionReturn(0);
}

PetscErrorCode TaoView_LSQ(Tao tao, PetscViewer viewer) {
  auto* q = static_cast<TaoLSQ*>(tao->data);
  char line[80];
  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(line, sizeof(line), "  LSQ: %zu linear parameters\n", q->columns.size()));
  PetscCall(tao_support::view_with_ksp(tao, viewer, line));
  PetscFunctionReturn(0);
}

PetscErrorCode TaoLSQSetColumns_LSQ(Tao tao, PetscInt n, const PetscInt* index) {
  auto* q = static_cast<TaoLSQ*>(tao->data);
  PetscFunctionBegin;
  PetscCheck(tao->solution, PetscObjectComm((PetscObject)tao), PETSC_ERR_ORDER,
             "tao_lsq_set_columns() needs the solution vector (TaoSetSolution) first");
  PetscCall(destroy_columns(q));
  q->columns.assign(index, index + n);
  PetscCall(VecCreateMPI(PetscObjectComm((PetscObject)tao), PETSC_DECIDE, n, &q->sub));
  PetscCall(VecDuplicate(q->sub, &q->inv_norm));
  PetscCall(VecDuplicate(q->sub, &q->sub_work));
  PetscCall(VecDuplicate(tao->solution, &q->full_work));
  PetscCall(VecDuplicate(tao->solution, &q->trial));
  PetscInt lo, hi;
  PetscCall(VecGetOwnershipRange(q->sub, &lo, &hi));
  IS to;
  PetscCall(ISCreateGeneral(PetscObjectComm((PetscObject)tao), hi - lo, index + lo, PETSC_COPY_VALUES, &to));
  PetscCall(VecScatterCreate(q->sub, nullptr, tao->solution, to, &q->embed));
  PetscCall(ISDestroy(&to));
  PetscFunctionReturn(0);
}

PetscErrorCode TaoCreate_LSQ(Tao tao) {
  PetscFunctionBegin;
  tao->ops->setup = TaoSetUp_LSQ;
  tao->ops->solve = TaoSolve_LSQ;
  tao->ops->view = TaoView_LSQ;
  tao->ops->setfromoptions = TaoSetFromOptions_LSQ;
  tao->ops->destroy = TaoDestroy_LSQ;
  tao->data = new TaoLSQ();
  // No preconditioner: the columns are equilibrated instead.
  PetscCall(tao_support::create_ksp(tao, "tao_lsq_", KSPLSQR, PCNONE));
  PetscCall(KSPSetTolerances(tao->ksp, 1e-10, 0.0, PETSC_DEFAULT, 2000));
  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kSetColumnsName, TaoLSQSetColumns_LSQ));
  PetscFunctionReturn(0);
}

}  // namespace

PetscErrorCode register_tao_linear_lsq() {
  PetscFunctionBegin;
  PetscCall(TaoRegister(kTypeName, TaoCreate_LSQ));
  PetscFunctionReturn(0);
}

PetscErrorCode tao_lsq_set_columns(Tao tao, PetscInt n, const PetscInt* index) {
  PetscFunctionBegin;
  PetscValidHeaderSpecific(tao, TAO_CLASSID, 1);
  PetscTryMethod(tao, kSetColumnsName, (Tao, PetscInt, const PetscInt*), (tao, n, index));
  PetscFunctionReturn(0);
}

}  // namespace pigx
