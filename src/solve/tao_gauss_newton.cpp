// Written in the shape of PETSc's own TAO implementations (cf. bnk.c, brgn.c): TaoCreate_GN fills tao->ops
// and tao->data and creates the KSP; the solve loop follows the TAO monitor / convergence-test protocol.
#include "pigx/solve/tao_gauss_newton.hpp"

#include <petsc/private/taoimpl.h>

#include "tao_type_support.hpp"
// petscblaslapack.h needs petscsys.h first.
// clang-format off
#include <petscsys.h>
#include <petscblaslapack.h>
// clang-format on

#include <algorithm>
#include <cmath>
#include <vector>

namespace pigx {
namespace {

constexpr const char* kTypeName = "gn";
constexpr const char* kGetStateName = "TaoGNGetState_C";
constexpr const char* kSetStateName = "TaoGNSetState_C";
constexpr const char* kGetJacobiansName = "TaoGNGetJacobians_C";
constexpr const char* kSetBlocksName = "TaoGNSetParameterBlocks_C";
constexpr const char* kBlockGramName = "PigxMatBlockGram_C";
using BlockGramFn = PetscErrorCode (*)(Mat, PetscInt, const PetscInt*, const PetscInt*, PetscReal*);

/// Private data of the TAO type "gn" (tao->data).
struct TaoGN {
  Mat normal;   // J^T J + mu diag(S), a MATSHELL over tao->ls_jac
  Vec scaling;  // S (persists across solves)
  Vec diag;     // diag(J^T J) at the current linearisation
  Vec neg_g, trial, work;
  Vec jd;                 // residual-sized scratch (J d), remade when the Jacobian's rows change
  PetscReal mu, nu;       // damping and its growth factor (persist across solves)
  PetscReal mu0;          // initial damping
  PetscReal floor;        // scaling floor relative to max diag(J^T J)
  PetscInt max_attempts;  // damped solves per iteration
  PetscInt jacobians;     // over all solves
  PetscBool state_set;    // tao_gn_set_state() was called: TaoSetFromOptions keeps the damping
  // Block-Jacobi preconditioner (-tao_gn_block_pc): the diagonal blocks of J^T J + mu S over the parameter
  // blocks, Cholesky-factored; used when blocks were given and the Jacobian provides PigxMatBlockGram_C.
  PetscBool block_pc;
  PetscInt block_max;                                 // larger blocks are left to Jacobi
  std::vector<PetscInt> given_start{0}, given_index;  // the blocks as given
  PetscInt selected_for;                              // the block_max the selection below was made for
  std::vector<PetscInt> block_start{0}, block_index, gram_offset{0};  // the given blocks up to block_max
  std::vector<PetscReal> gram, factor, scaling_all;
  std::vector<PetscReal> norms;        // column-norm scratch
  std::vector<PetscScalar> block_rhs;  // block-solve scratch
  std::vector<PetscInt> my_blocks;     // blocks with an entry owned by this rank
  VecScatter to_all;                   // a parameter Vec onto every rank
  Vec all;
  bool blocks_active;  // the grams belong to the current linearisation
};

PetscErrorCode normal_mult(Mat N, Vec x, Vec y) {
  Tao tao;
  PetscFunctionBegin;
  PetscCall(MatShellGetContext(N, &tao));
  auto* gn = static_cast<TaoGN*>(tao->data);
  PetscCall(MatMult(tao->ls_jac, x, gn->jd));
  PetscCall(MatMultTranspose(tao->ls_jac, gn->jd, y));
  PetscCall(VecPointwiseMult(gn->work, gn->scaling, x));
  PetscCall(VecAXPY(y, gn->mu, gn->work));
  PetscFunctionReturn(0);
}

PetscErrorCode normal_diagonal(Mat N, Vec d) {
  Tao tao;
  PetscFunctionBegin;
  PetscCall(MatShellGetContext(N, &tao));
  auto* gn = static_cast<TaoGN*>(tao->data);
  PetscCall(VecWAXPY(d, gn->mu, gn->scaling, gn->diag));
  PetscFunctionReturn(0);
}

/// diag(J^T J) into gn->diag, and S = max(S, diag, floor * max diag).
PetscErrorCode update_scaling(Tao tao, TaoGN* gn) {
  PetscInt lo, hi;
  PetscFunctionBegin;
  PetscCall(VecGetOwnershipRange(tao->solution, &lo, &hi));
  std::vector<PetscReal>& norms = gn->norms;
  PetscCall(tao_support::column_norms(tao->ls_jac, norms));
  PetscReal amax = 0;
  for (PetscReal& v : norms) v *= v, amax = std::max(amax, v);
  PetscScalar *d, *s;
  PetscCall(VecGetArray(gn->diag, &d));
  PetscCall(VecGetArray(gn->scaling, &s));
  for (PetscInt i = lo; i < hi; ++i) {
    d[i - lo] = norms[i];
    s[i - lo] = std::max({PetscRealPart(s[i - lo]), norms[i], gn->floor * amax});
  }
  PetscCall(VecRestoreArray(gn->scaling, &s));
  PetscCall(VecRestoreArray(gn->diag, &d));
  PetscFunctionReturn(0);
}

/// Residual, Jacobian, f = |r|^2, gradient 2 J^T r (tao->gradient) and -J^T r (gn->neg_g) at the solution.
PetscErrorCode linearise(Tao tao, TaoGN* gn, PetscReal* f, PetscReal* gnorm) {
  PetscFunctionBegin;
  PetscCall(TaoComputeResidualJacobian(tao, tao->solution, tao->ls_jac, tao->ls_jac_pre));
  PetscCall(TaoComputeResidual(tao, tao->solution, tao->ls_res));
  ++gn->jacobians;
  PetscCall(VecDot(tao->ls_res, tao->ls_res, f));
  PetscCall(MatMultTranspose(tao->ls_jac, tao->ls_res, gn->neg_g));
  PetscCall(VecScale(gn->neg_g, -1.0));
  PetscCall(VecAXPBY(tao->gradient, -2.0, 0.0, gn->neg_g));
  PetscCall(VecNorm(tao->gradient, NORM_2, gnorm));
  PetscFunctionReturn(0);
}

/// Logs and monitors iteration tao->niter at (f, gnorm), then sets tao->reason: TAO_DIVERGED_NAN when f or
/// gnorm is not finite, otherwise what the convergence test decides.
PetscErrorCode monitor_and_test(Tao tao, PetscReal f, PetscReal gnorm, PetscReal step) {
  PetscFunctionBegin;
  PetscCall(TaoLogConvergenceHistory(tao, f, gnorm, 0.0, tao->ksp_its));
  if (PetscIsInfOrNanReal(f) || PetscIsInfOrNanReal(gnorm)) {
    PetscCall(PetscInfo(tao, "GN: objective or gradient norm is Inf or NaN, stopping\n"));
    tao->fc = f;
    tao->residual = gnorm;
    tao->reason = TAO_DIVERGED_NAN;
    PetscFunctionReturn(0);
  }
  PetscCall(TaoMonitor(tao, tao->niter, f, gnorm, 0.0, step));
  PetscUseTypeMethod(tao, convergencetest, tao->cnvP);
  PetscFunctionReturn(0);
}

/// Applies the factored blocks: y = blockdiag(J^T J + mu S)^-1 x on this rank's entries.
PetscErrorCode block_apply(PC pc, Vec x, Vec y) {
  Tao tao;
  PetscFunctionBegin;
  PetscCall(PCShellGetContext(pc, &tao));
  auto* gn = static_cast<TaoGN*>(tao->data);
  PetscCall(VecScatterBegin(gn->to_all, x, gn->all, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(gn->to_all, x, gn->all, INSERT_VALUES, SCATTER_FORWARD));
  PetscInt lo, hi;
  PetscCall(VecGetOwnershipRange(y, &lo, &hi));
  // Jacobi for every entry, then the factored blocks overwrite theirs.
  PetscCall(VecWAXPY(gn->work, gn->mu, gn->scaling, gn->diag));
  PetscCall(VecPointwiseDivide(y, x, gn->work));
  const PetscScalar* a;
  PetscScalar* out;
  PetscCall(VecGetArrayRead(gn->all, &a));
  PetscCall(VecGetArray(y, &out));
  std::vector<PetscScalar>& v = gn->block_rhs;  // holds the largest block: resize() never allocates
  for (PetscInt b : gn->my_blocks) {
    const PetscInt* idx = &gn->block_index[gn->block_start[b]];
    PetscBLASInt n = static_cast<PetscBLASInt>(gn->block_start[b + 1] - gn->block_start[b]), one = 1, info;
    v.resize(n);
    for (PetscBLASInt k = 0; k < n; ++k) v[k] = a[idx[k]];
    LAPACKpotrs_("L", &n, &one, &gn->factor[gn->gram_offset[b]], &n, v.data(), &n, &info);
    for (PetscBLASInt k = 0; k < n; ++k)
      if (idx[k] >= lo && idx[k] < hi) out[idx[k] - lo] = v[k];
  }
  PetscCall(VecRestoreArray(y, &out));
  PetscCall(VecRestoreArrayRead(gn->all, &a));
  PetscFunctionReturn(0);
}

/// Keeps the given blocks of at most -tao_gn_block_max parameters (the others' entries get Jacobi), and
/// notes which of them hold an entry this rank owns.
PetscErrorCode select_blocks(Tao tao, TaoGN* gn) {
  PetscInt lo, hi;
  PetscFunctionBegin;
  PetscCall(VecGetOwnershipRange(tao->solution, &lo, &hi));
  gn->block_start.assign(1, 0);
  gn->block_index.clear();
  gn->gram_offset.assign(1, 0);
  gn->my_blocks.clear();
  const PetscInt* start = gn->given_start.data();
  const PetscInt* index = gn->given_index.data();
  for (std::size_t b = 0; b + 1 < gn->given_start.size(); ++b) {
    const PetscInt n = start[b + 1] - start[b];
    if (n > gn->block_max) continue;
    gn->block_index.insert(gn->block_index.end(), index + start[b], index + start[b + 1]);
    gn->block_start.push_back(static_cast<PetscInt>(gn->block_index.size()));
    gn->gram_offset.push_back(gn->gram_offset.back() + n * n);
    bool mine = false;
    for (PetscInt k = start[b]; k < start[b + 1]; ++k) mine = mine || (index[k] >= lo && index[k] < hi);
    if (mine) gn->my_blocks.push_back(static_cast<PetscInt>(gn->block_start.size()) - 2);
    if (n > static_cast<PetscInt>(gn->block_rhs.size())) gn->block_rhs.resize(n);
  }
  gn->selected_for = gn->block_max;
  PetscFunctionReturn(0);
}

/// At a new linearisation: the blocks of J^T J and S on every rank, and the PC switched to the blocks.
PetscErrorCode prepare_blocks(Tao tao, TaoGN* gn) {
  PetscFunctionBegin;
  gn->blocks_active = false;
  BlockGramFn gram = NULL;
  if (gn->selected_for != gn->block_max) PetscCall(select_blocks(tao, gn));
  const PetscInt nb = static_cast<PetscInt>(gn->block_start.size()) - 1;
  if (!gn->block_pc || nb == 0) PetscFunctionReturn(0);
  PetscCall(PetscObjectQueryFunction((PetscObject)tao->ls_jac, kBlockGramName, &gram));
  if (!gram) PetscFunctionReturn(0);
  gn->gram.resize(gn->gram_offset[nb]);
  gn->factor.resize(gn->gram_offset[nb]);
  PetscCall((*gram)(tao->ls_jac, nb, gn->block_start.data(), gn->block_index.data(), gn->gram.data()));
  if (!gn->to_all) PetscCall(VecScatterCreateToAll(tao->solution, &gn->to_all, &gn->all));
  PetscCall(VecScatterBegin(gn->to_all, gn->scaling, gn->all, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(gn->to_all, gn->scaling, gn->all, INSERT_VALUES, SCATTER_FORWARD));
  const PetscScalar* a;
  PetscInt N;
  PetscCall(VecGetSize(gn->all, &N));
  PetscCall(VecGetArrayRead(gn->all, &a));
  gn->scaling_all.assign(a, a + N);
  PetscCall(VecRestoreArrayRead(gn->all, &a));
  PC pc;
  PetscCall(KSPGetPC(tao->ksp, &pc));
  PetscCall(PCSetType(pc, PCSHELL));
  PetscCall(PCShellSetContext(pc, tao));
  PetscCall(PCShellSetApply(pc, block_apply));
  PetscCall(PCShellSetName(pc, "pigx block Jacobi (per model)"));
  gn->blocks_active = true;
  PetscFunctionReturn(0);
}

/// Cholesky factors of gram + mu diag(S) for this rank's blocks (a block that is not positive definite in
/// round-off keeps only its diagonal).
PetscErrorCode factor_blocks(TaoGN* gn) {
  PetscFunctionBegin;
  for (PetscInt b : gn->my_blocks) {
    const PetscInt* idx = &gn->block_index[gn->block_start[b]];
    PetscBLASInt n = static_cast<PetscBLASInt>(gn->block_start[b + 1] - gn->block_start[b]), info;
    PetscReal* F = &gn->factor[gn->gram_offset[b]];
    const PetscReal* G = &gn->gram[gn->gram_offset[b]];
    std::copy(G, G + n * n, F);
    for (PetscBLASInt k = 0; k < n; ++k) F[k + k * n] += gn->mu * gn->scaling_all[idx[k]];
    LAPACKpotrf_("L", &n, F, &n, &info);
    if (info != 0) {
      std::fill(F, F + n * n, 0.0);
      for (PetscBLASInt k = 0; k < n; ++k) {
        const PetscReal d = G[k + k * n] + gn->mu * gn->scaling_all[idx[k]];
        F[k + k * n] = d > 0 ? std::sqrt(d) : 1.0;
      }
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TaoSolve_GN(Tao tao) {
  auto* gn = static_cast<TaoGN*>(tao->data);
  PetscFunctionBegin;
  PetscCheck(tao->ls_res && tao->ls_jac, PetscObjectComm((PetscObject)tao), PETSC_ERR_ORDER,
             "TAO gn needs TaoSetResidualRoutine() and TaoSetJacobianResidualRoutine()");
  if (tao->XL || tao->XU || tao->ops->computebounds)
    PetscCall(PetscInfo(tao, "WARNING: variable bounds are ignored by the gn algorithm\n"));
  PetscCall(VecDestroy(&gn->jd));
  PetscCall(MatCreateVecs(tao->ls_jac, nullptr, &gn->jd));

  PetscReal f, gnorm;
  tao->reason = TAO_CONTINUE_ITERATING;
  PetscCall(linearise(tao, gn, &f, &gnorm));
  PetscCall(monitor_and_test(tao, f, gnorm, 0.0));
  while (tao->reason == TAO_CONTINUE_ITERATING) {
    PetscTryTypeMethod(tao, update, tao->niter, tao->user_update);
    PetscCall(update_scaling(tao, gn));
    PetscCall(prepare_blocks(tao, gn));
    // Damped solves until one lowers the loss.
    PetscBool accepted = PETSC_FALSE;
    PetscReal f_new = f, step = 0;
    for (PetscInt attempt = 0; attempt < gn->max_attempts && !accepted; ++attempt) {
      if (gn->blocks_active) PetscCall(factor_blocks(gn));
      PetscCall(KSPSetOperators(tao->ksp, gn->normal, gn->normal));
      PetscCall(KSPSolve(tao->ksp, gn->neg_g, tao->stepdirection));
      PetscInt its;
      KSPConvergedReason kr;
      PetscCall(KSPGetIterationNumber(tao->ksp, &its));
      PetscCall(KSPGetConvergedReason(tao->ksp, &kr));
      tao->ksp_its += its;
      tao->ksp_tot_its += its;
      if (kr < 0 && kr != KSP_DIVERGED_ITS) {  // breakdown: more damping makes the system better behaved
        gn->mu *= gn->nu, gn->nu *= 2;
        continue;
      }
      // Predicted decrease of |r + J d|^2: -(2 g.d + |J d|^2), g = J^T r.
      PetscReal gd, dJJd;
      PetscCall(MatMult(tao->ls_jac, tao->stepdirection, gn->jd));
      PetscCall(VecDot(gn->jd, gn->jd, &dJJd));
      PetscCall(VecDot(gn->neg_g, tao->stepdirection, &gd));
      const PetscReal predicted = 2 * gd - dJJd;
      PetscCall(VecWAXPY(gn->trial, 1.0, tao->stepdirection, tao->solution));
      PetscCall(TaoComputeObjective(tao, gn->trial, &f_new));
      const PetscReal rho = (f - f_new) / predicted;
      if (!PetscIsInfOrNanReal(f_new) && predicted > 0 && rho > 0) {
        PetscCall(VecCopy(gn->trial, tao->solution));
        PetscCall(VecNorm(tao->stepdirection, NORM_2, &step));
        gn->mu *= std::max(1.0 / 3.0, 1.0 - std::pow(2 * rho - 1, 3));
        gn->nu = 2;
        accepted = PETSC_TRUE;
      } else {
        gn->mu *= gn->nu, gn->nu *= 2;
      }
    }
    tao->niter++;
    if (!accepted) {
      // The callbacks last saw a rejected trial point: evaluate the solution again before monitoring.
      PetscCall(TaoComputeObjective(tao, tao->solution, &f));
      PetscCall(monitor_and_test(tao, f, gnorm, 0.0));
      if (tao->reason == TAO_CONTINUE_ITERATING) tao->reason = TAO_DIVERGED_LS_FAILURE;
      break;
    }
    // The gradient norm monitored is the one at the previous linearisation: a new one needs the Jacobian,
    // which the next iteration computes only if there is one.
    f = f_new;
    PetscCall(monitor_and_test(tao, f, gnorm, step));
    if (tao->reason == TAO_CONTINUE_ITERATING) PetscCall(linearise(tao, gn, &f, &gnorm));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TaoSetUp_GN(Tao tao) {
  auto* gn = static_cast<TaoGN*>(tao->data);
  PetscInt n, N;
  PetscFunctionBegin;
  if (!tao->gradient) PetscCall(VecDuplicate(tao->solution, &tao->gradient));
  if (!tao->stepdirection) PetscCall(VecDuplicate(tao->solution, &tao->stepdirection));
  if (!gn->neg_g) PetscCall(VecDuplicate(tao->solution, &gn->neg_g));
  if (!gn->trial) PetscCall(VecDuplicate(tao->solution, &gn->trial));
  if (!gn->work) PetscCall(VecDuplicate(tao->solution, &gn->work));
  if (!gn->diag) PetscCall(VecDuplicate(tao->solution, &gn->diag));
  if (!gn->scaling) {  // once only: the scaling must survive further TaoSetUp/TaoSolve calls
    PetscCall(VecDuplicate(tao->solution, &gn->scaling));
    PetscCall(VecSet(gn->scaling, 0.0));
  }
  if (!gn->normal) {
    PetscCall(VecGetLocalSize(tao->solution, &n));
    PetscCall(VecGetSize(tao->solution, &N));
    PetscCall(MatCreateShell(PetscObjectComm((PetscObject)tao), n, n, N, N, tao, &gn->normal));
    PetscCall(MatShellSetOperation(gn->normal, MATOP_MULT, (void (*)(void))normal_mult));
    PetscCall(MatShellSetOperation(gn->normal, MATOP_GET_DIAGONAL, (void (*)(void))normal_diagonal));
    PetscCall(MatSetOption(gn->normal, MAT_SYMMETRIC, PETSC_TRUE));
    PetscCall(MatSetOption(gn->normal, MAT_SPD, PETSC_TRUE));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TaoDestroy_GN(Tao tao) {
  auto* gn = static_cast<TaoGN*>(tao->data);
  PetscFunctionBegin;
  PetscCall(MatDestroy(&gn->normal));
  PetscCall(VecDestroy(&gn->scaling));
  PetscCall(VecDestroy(&gn->diag));
  PetscCall(VecDestroy(&gn->neg_g));
  PetscCall(VecDestroy(&gn->trial));
  PetscCall(VecDestroy(&gn->work));
  PetscCall(VecDestroy(&gn->jd));
  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kGetStateName, NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kSetStateName, NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kGetJacobiansName, NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kSetBlocksName, NULL));
  PetscCall(VecScatterDestroy(&gn->to_all));
  PetscCall(VecDestroy(&gn->all));
  PetscCall(KSPDestroy(&tao->ksp));
  delete gn;
  tao->data = nullptr;
  PetscFunctionReturn(0);
}

PetscErrorCode TaoSetFromOptions_GN(Tao tao, PetscOptionItems* PetscOptionsObject) {
  auto* gn = static_cast<TaoGN*>(tao->data);
  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, "Gauss-Newton (Levenberg-Marquardt) for least squares");
  PetscCall(PetscOptionsReal("-tao_gn_damping", "initial damping", "", gn->mu0, &gn->mu0, NULL));
  PetscCall(PetscOptionsReal("-tao_gn_scaling_floor", "floor of the scaling, relative to max diag(J^T J)", "",
                             gn->floor, &gn->floor, NULL));
  PetscCall(PetscOptionsInt("-tao_gn_max_attempts", "damped solves per iteration", "", gn->max_attempts,
                            &gn->max_attempts, NULL));
  PetscCall(PetscOptionsBool("-tao_gn_block_pc", "block-Jacobi preconditioner over the parameter blocks", "",
                             gn->block_pc, &gn->block_pc, NULL));
  PetscCall(PetscOptionsInt("-tao_gn_block_max", "largest block factored (larger ones: Jacobi)", "",
                            gn->block_max, &gn->block_max, NULL));
  PetscOptionsHeadEnd();
  PetscCheck(gn->mu0 > 0 && !PetscIsInfOrNanReal(gn->mu0), PetscObjectComm((PetscObject)tao),
             PETSC_ERR_ARG_OUTOFRANGE, "-tao_gn_damping must be positive and finite, got %g",
             (double)gn->mu0);
  PetscCheck(gn->floor >= 0 && gn->floor < 1, PetscObjectComm((PetscObject)tao), PETSC_ERR_ARG_OUTOFRANGE,
             "-tao_gn_scaling_floor must lie in [0, 1), got %g", (double)gn->floor);
  PetscCheck(gn->max_attempts > 0, PetscObjectComm((PetscObject)tao), PETSC_ERR_ARG_OUTOFRANGE,
             "-tao_gn_max_attempts must be positive, got %" PetscInt_FMT, gn->max_attempts);
  if (!gn->state_set && gn->jacobians == 0) gn->mu = gn->mu0;
  PetscCall(tao_support::ksp_from_options(tao, "tao_gn_"));
  PetscFunctionReturn(0);
}

PetscErrorCode TaoView_GN(Tao tao, PetscViewer viewer) {
  auto* gn = static_cast<TaoGN*>(tao->data);
  char line[160];
  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(line, sizeof(line), "  GN: damping %g (growth %g), %" PetscInt_FMT " Jacobians\n",
                          (double)gn->mu, (double)gn->nu, gn->jacobians));
  PetscCall(tao_support::view_with_ksp(tao, viewer, line));
  PetscFunctionReturn(0);
}

PetscErrorCode TaoGNGetState_GN(Tao tao, PetscReal* mu, PetscReal* nu, Vec* scaling) {
  auto* gn = static_cast<TaoGN*>(tao->data);
  PetscFunctionBegin;
  *mu = gn->mu;
  *nu = gn->nu;
  *scaling = gn->scaling;
  PetscFunctionReturn(0);
}

PetscErrorCode TaoGNSetState_GN(Tao tao, PetscReal mu, PetscReal nu, Vec scaling) {
  auto* gn = static_cast<TaoGN*>(tao->data);
  PetscFunctionBegin;
  PetscCheck(tao->solution, PetscObjectComm((PetscObject)tao), PETSC_ERR_ORDER,
             "tao_gn_set_state() needs the solution vector (TaoSetSolution) first");
  gn->mu = mu;
  gn->nu = nu;
  if (!gn->scaling) PetscCall(VecDuplicate(tao->solution, &gn->scaling));
  if (scaling)
    PetscCall(VecCopy(scaling, gn->scaling));
  else
    PetscCall(VecSet(gn->scaling, 0.0));
  gn->state_set = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode TaoGNSetParameterBlocks_GN(Tao tao, PetscInt nblocks, const PetscInt* start,
                                          const PetscInt* index) {
  auto* gn = static_cast<TaoGN*>(tao->data);
  PetscFunctionBegin;
  PetscCheck(tao->solution, PetscObjectComm((PetscObject)tao), PETSC_ERR_ORDER,
             "tao_gn_set_parameter_blocks() needs the solution vector (TaoSetSolution) first");
  gn->given_start.assign(start, start + nblocks + 1);
  gn->given_index.assign(index, index + start[nblocks]);
  gn->selected_for = -1;
  PetscFunctionReturn(0);
}

PetscErrorCode TaoGNGetJacobians_GN(Tao tao, PetscInt* jacobians) {
  PetscFunctionBegin;
  *jacobians = static_cast<TaoGN*>(tao->data)->jacobians;
  PetscFunctionReturn(0);
}

PetscErrorCode TaoCreate_GN(Tao tao) {
  TaoGN* gn;
  PetscFunctionBegin;
  tao->ops->setup = TaoSetUp_GN;
  tao->ops->solve = TaoSolve_GN;
  tao->ops->view = TaoView_GN;
  tao->ops->setfromoptions = TaoSetFromOptions_GN;
  tao->ops->destroy = TaoDestroy_GN;

  gn = new TaoGN();
  gn->block_pc = PETSC_TRUE;
  gn->block_max = 4096;
  gn->selected_for = -1;
  gn->mu0 = gn->mu = 1e-3;
  gn->nu = 2;
  gn->floor = 1e-10;
  gn->max_attempts = 30;
  tao->data = (void*)gn;

  PetscCall(tao_support::create_ksp(tao, "tao_gn_", KSPCG, PCJACOBI));
  PetscCall(KSPSetTolerances(tao->ksp, 1e-4, PETSC_DEFAULT, PETSC_DEFAULT, 500));

  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kGetStateName, TaoGNGetState_GN));
  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kSetStateName, TaoGNSetState_GN));
  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kGetJacobiansName, TaoGNGetJacobians_GN));
  PetscCall(PetscObjectComposeFunction((PetscObject)tao, kSetBlocksName, TaoGNSetParameterBlocks_GN));
  PetscFunctionReturn(0);
}

}  // namespace

PetscErrorCode register_tao_gauss_newton() {
  PetscFunctionBegin;
  PetscCall(TaoRegister(kTypeName, TaoCreate_GN));
  PetscFunctionReturn(0);
}

PetscErrorCode tao_gn_get_state(Tao tao, PetscReal* damping, PetscReal* growth, Vec* scaling) {
  PetscErrorCode (*get)(Tao, PetscReal*, PetscReal*, Vec*) = NULL;
  PetscFunctionBegin;
  PetscValidHeaderSpecific(tao, TAO_CLASSID, 1);
  PetscCall(tao_support::query_method(tao, kGetStateName, "tao_gn_get_state", kTypeName, &get));
  PetscCall((*get)(tao, damping, growth, scaling));
  PetscFunctionReturn(0);
}

PetscErrorCode tao_gn_set_state(Tao tao, PetscReal damping, PetscReal growth, Vec scaling) {
  PetscFunctionBegin;
  PetscValidHeaderSpecific(tao, TAO_CLASSID, 1);
  PetscTryMethod(tao, kSetStateName, (Tao, PetscReal, PetscReal, Vec), (tao, damping, growth, scaling));
  PetscFunctionReturn(0);
}

PetscErrorCode tao_gn_get_jacobians(Tao tao, PetscInt* jacobians) {
  PetscErrorCode (*get)(Tao, PetscInt*) = NULL;
  PetscFunctionBegin;
  PetscValidHeaderSpecific(tao, TAO_CLASSID, 1);
  PetscCall(tao_support::query_method(tao, kGetJacobiansName, "tao_gn_get_jacobians", kTypeName, &get));
  PetscCall((*get)(tao, jacobians));
  PetscFunctionReturn(0);
}

PetscErrorCode tao_gn_set_parameter_blocks(Tao tao, PetscInt nblocks, const PetscInt* start,
                                           const PetscInt* index) {
  PetscFunctionBegin;
  PetscValidHeaderSpecific(tao, TAO_CLASSID, 1);
  PetscTryMethod(tao, kSetBlocksName, (Tao, PetscInt, const PetscInt*, const PetscInt*),
                 (tao, nblocks, start, index));
  PetscFunctionReturn(0);
}

}  // namespace pigx
