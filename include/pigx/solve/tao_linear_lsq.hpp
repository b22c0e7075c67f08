// The linear fast path as a PETSc TAO type for least-squares problems posed with TaoSetResidualRoutine and
// TaoSetJacobianResidualRoutine: after register_tao_linear_lsq(), `-tao_type lsq` minimises |r|^2 over a
// subset of the parameters (those the residual is linear in: the output layer, or with a linear MLP the
// feature weights) with the others fixed. Each iteration solves min |r + J_L d| by LSQR (the Tao's KSP,
// options prefix -tao_lsq_) on the column-equilibrated Jacobian J_L = J P D^-1, applied through the
// Jacobian's MatMult and MatMultTranspose; for a linear PDE one iteration is the exact solution, for a
// nonlinear one it is a Gauss-Newton step in those parameters. A step that does not lower the loss is not
// taken (the stage ends with TAO_DIVERGED_LS_FAILURE).
//
// Options: -tao_lsq_ksp_type <lsqr> -tao_lsq_ksp_rtol <1e-10> -tao_lsq_ksp_max_it <2000>.
#pragma once

#include <petsctao.h>

namespace pigx {

/// Registers the TAO type "lsq" (TaoRegister); safe to call more than once. Not collective.
PetscErrorCode register_tao_linear_lsq();

/// Sets the parameters solved for: the global indices `index[0 .. n-1]` (increasing) of the solution Vec,
/// which must be set. No-op for other types. Collective.
PetscErrorCode tao_lsq_set_columns(Tao tao, PetscInt n, const PetscInt* index);

}  // namespace pigx
