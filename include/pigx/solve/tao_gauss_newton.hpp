// Levenberg-Marquardt (damped Gauss-Newton) as a PETSc TAO type for least-squares problems posed with
// TaoSetResidualRoutine and TaoSetJacobianResidualRoutine: after register_tao_gauss_newton(), `-tao_type gn`
// works like a built-in type. Each iteration solves (J^T J + mu S) d = -J^T r with the Tao's KSP on a
// MATSHELL that applies J^T J through the Jacobian's MatMult and MatMultTranspose, never forming it. The
// Jacobian may be any Mat with MatMult, MatMultTranspose and MatGetColumnNorms (e.g. pigx's
// ResidualJacobian shell, or an AIJ matrix). S is Moré's scaling: the running maximum of diag(J^T J) with a
// floor, kept across TaoSolve calls (like the damping) so that restarts after resampling do not diverge.
// The KSP's preconditioner is Jacobi (diag(J^T J) + mu S), or block Jacobi over given parameter blocks (one
// per Gaussian): the blocks of J^T J + mu S, factored once per damping value.
// The damping follows Nielsen's rule; a step counts when the loss falls.
//
// Options (under the Tao's prefix): -tao_gn_damping <1e-3> (initial mu), -tao_gn_scaling_floor <1e-10>
// (relative to the largest diag(J^T J)), -tao_gn_max_attempts <30> (damped solves per iteration),
// -tao_gn_block_pc <false> (the block preconditioner when blocks are set), and the
// KSP's: -tao_gn_ksp_type <cg> -tao_gn_ksp_rtol <1e-4> -tao_gn_ksp_max_it <500> -tao_gn_pc_type <jacobi>.
// The objective must be the squared norm of the residual (TaoSetObjective or TaoSetObjectiveAndGradient).
#pragma once

#include <petsctao.h>

namespace pigx {

/// Registers the TAO type "gn" (TaoRegister); safe to call more than once. Not collective.
PetscErrorCode register_tao_gauss_newton();

/// Gets the damping, its growth factor and the scaling S (borrowed, null before the first solve; do not
/// destroy). Errors for a Tao of another type. Not collective.
PetscErrorCode tao_gn_get_state(Tao tao, PetscReal* damping, PetscReal* growth, Vec* scaling);

/// Sets damping, growth and scaling (copied; laid out like the solution, which must be set; null leaves S
/// to be computed afresh), e.g. to continue from a checkpoint; no-op for other types. Collective.
PetscErrorCode tao_gn_set_state(Tao tao, PetscReal damping, PetscReal growth, Vec scaling);

/// Sets the parameter blocks of the block-Jacobi preconditioner (-tao_gn_block_pc, off by default): block b
/// holds the global indices index[start[b] .. start[b+1]-1]; blocks are disjoint. Used when the Jacobian
/// provides the composed function "PigxMatBlockGram_C" (pigx's ResidualJacobian does); otherwise the KSP's
/// own preconditioner (-tao_gn_pc_type, default jacobi) runs. Needs the solution set; no-op for other
/// types. Not collective.
PetscErrorCode tao_gn_set_parameter_blocks(Tao tao, PetscInt nblocks, const PetscInt* start,
                                           const PetscInt* index);

/// Gets the number of Jacobian evaluations over all solves on this Tao. Not collective.
PetscErrorCode tao_gn_get_jacobians(Tao tao, PetscInt* jacobians);

}  // namespace pigx
