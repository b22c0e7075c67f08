#include "pigx/solve/refined_normal_solve.hpp"

// petscblaslapack.h needs petscsys.h first.
// clang-format off
#include <petscsys.h>
#include <petscblaslapack.h>
// clang-format on

#include <algorithm>

#include "pigx/solve/petsc_check.hpp"

namespace pigx {

namespace {
// CG stops at this relative residual (an inexact Levenberg-Marquardt step): on flow mixing, 1e-8 took 9.9
// iterations per solve late in training, 1e-4 took 3.4, for the same error. -lm_ksp_rtol 1e-8 gives the
// double-precision steps to about 1e-11 in the loss.
constexpr double default_rtol = 1e-4;
// A single-precision preconditioner leaves few directions for CG; this bounds a bad case's cost.
constexpr PetscInt default_max_it = 20;
// A factor that fails in single precision is retried with its diagonal raised by these fractions, 1e-6 up to
// 1e-2 (a tenfold step each): about where single-precision rounding of the matrix lies, and beyond.
constexpr double first_raise = 1e-6, max_raise = 1e-2;
}  // namespace

// Single-precision Cholesky (LAPACK) and triangular solve (BLAS): petscblaslapack.h names only PETSc's
// scalar type's.
extern "C" {
void spotrf_(const char* uplo, const PetscBLASInt* n, float* a, const PetscBLASInt* lda, PetscBLASInt* info);
void strsv_(const char* uplo, const char* trans, const char* diag, const PetscBLASInt* n, const float* a,
            const PetscBLASInt* lda, float* x, const PetscBLASInt* incx);
}

RefinedNormalSolve::RefinedNormalSolve(GlobalLoss& loss, int P) : loss_(loss), P_(P) {
  PIGX_PETSC(MatCreateShell(PETSC_COMM_SELF, P_, P_, P_, P_, this, &op_));
  PIGX_PETSC(MatShellSetOperation(op_, MATOP_MULT, reinterpret_cast<void (*)(void)>(&multiply)));
  PIGX_PETSC(VecCreateSeq(PETSC_COMM_SELF, P_, &b_));
  PIGX_PETSC(VecDuplicate(b_, &d_));
  work_.resize(static_cast<std::size_t>(P_));
  PIGX_PETSC(KSPCreate(PETSC_COMM_SELF, &ksp_));
  PIGX_PETSC(KSPSetOptionsPrefix(ksp_, "lm_"));
  PIGX_PETSC(KSPSetType(ksp_, KSPCG));
  PIGX_PETSC(KSPSetOperators(ksp_, op_, op_));
  // The true residual ||b - B d||, not the preconditioned one, is what the tolerance should bound.
  PIGX_PETSC(KSPSetNormType(ksp_, KSP_NORM_UNPRECONDITIONED));
  PIGX_PETSC(KSPSetTolerances(ksp_, default_rtol, PETSC_DEFAULT, PETSC_DEFAULT, default_max_it));
  PC pc;
  PIGX_PETSC(KSPGetPC(ksp_, &pc));
  PIGX_PETSC(PCSetType(pc, PCSHELL));
  PIGX_PETSC(PCShellSetContext(pc, this));
  PIGX_PETSC(PCShellSetApply(pc, precondition));
  PIGX_PETSC(PCShellSetName(pc, "pigx: Cholesky factor of the single-precision damped J^T J"));
  PIGX_PETSC(KSPSetFromOptions(ksp_));
}

RefinedNormalSolve::~RefinedNormalSolve() {
  // Destructors must not throw: PETSc's codes are dropped here.
  (void)KSPDestroy(&ksp_);
  (void)MatDestroy(&op_);
  (void)VecDestroy(&b_);
  (void)VecDestroy(&d_);
}

PetscErrorCode RefinedNormalSolve::multiply(Mat A, Vec x, Vec y) {
  RefinedNormalSolve* self;
  const PetscScalar* xa;
  PetscScalar* ya;
  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(A, &self));
  PetscCall(VecGetArrayRead(x, &xa));
  PetscCall(VecGetArray(y, &ya));
  try {
    self->loss_.gram_times(xa, ya);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "J^T J v: %s", e.what());
  }
  const std::vector<double>& shift = *self->shift_;
  for (PetscInt i = 0; i < self->P_; ++i) ya[i] += shift[i] * xa[i];
  PetscCall(VecRestoreArray(y, &ya));
  PetscCall(VecRestoreArrayRead(x, &xa));
  PetscFunctionReturn(0);
}

PetscErrorCode RefinedNormalSolve::precondition(PC pc, Vec x, Vec y) {
  RefinedNormalSolve* self;
  const PetscScalar* xa;
  PetscScalar* ya;
  PetscFunctionBeginUser;
  PetscCall(PCShellGetContext(pc, &self));
  // y = M^-1 x = U^-1 U^-T x, solved in single precision. Two strsv, not spotrs: with one right-hand side
  // OpenBLAS's spotrs goes through strsm, 3 times slower on a 2,897 x 2,897 factor.
  std::vector<float>& w = self->work_;
  PetscCall(VecGetArrayRead(x, &xa));
  std::copy_n(xa, self->P_, w.begin());
  PetscCall(VecRestoreArrayRead(x, &xa));
  const PetscBLASInt n = static_cast<PetscBLASInt>(self->P_), one = 1;
  strsv_("U", "T", "N", &n, self->factor_.data(), &n, w.data(), &one);
  strsv_("U", "N", "N", &n, self->factor_.data(), &n, w.data(), &one);
  PetscCall(VecGetArray(y, &ya));
  std::copy_n(w.begin(), self->P_, ya);
  PetscCall(VecRestoreArray(y, &ya));
  PetscFunctionReturn(0);
}

bool RefinedNormalSolve::factor(const std::vector<double>& A, const std::vector<double>& shift) {
  const PetscBLASInt n = static_cast<PetscBLASInt>(P_);
  const std::size_t P = static_cast<std::size_t>(P_);
  shift_ = &shift;
  factor_.resize(P * P);
  for (double raise = 0; raise <= max_raise; raise = raise == 0 ? first_raise : 10 * raise) {
    for (std::size_t c = 0; c < P; ++c) {
      std::copy_n(&A[c * P], c, &factor_[c * P]);  // the upper triangle, rounded to single precision
      factor_[c * P + c] = static_cast<float>((1 + raise) * (A[c * P + c] + shift[c]));
    }
    PetscBLASInt info = 0;
    spotrf_("U", &n, factor_.data(), &n, &info);
    if (info == 0) return true;
  }
  return false;
}

bool RefinedNormalSolve::solve(const std::vector<double>& b, std::vector<double>& d) {
  PetscScalar* a;
  PIGX_PETSC(VecGetArray(b_, &a));
  std::copy_n(b.data(), P_, a);
  PIGX_PETSC(VecRestoreArray(b_, &a));
  PIGX_PETSC(KSPSolve(ksp_, b_, d_));
  PetscInt its;
  KSPConvergedReason reason;
  PIGX_PETSC(KSPGetIterationNumber(ksp_, &its));
  PIGX_PETSC(KSPGetConvergedReason(ksp_, &reason));
  iterations_ += its, ++solves_;
  const PetscScalar* da;
  PIGX_PETSC(VecGetArrayRead(d_, &da));
  d.assign(da, da + P_);
  PIGX_PETSC(VecRestoreArrayRead(d_, &da));
  // Stopping at the iteration limit still leaves a CG iterate; a breakdown (an indefinite matrix in
  // rounding) does not.
  return reason > 0 || reason == KSP_DIVERGED_ITS;
}

}  // namespace pigx
