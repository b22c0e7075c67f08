// Levenberg-Marquardt's damped normal equations solved to double accuracy when J^T J was formed in single
// precision: PETSc's conjugate gradients on exact products, preconditioned by the single-precision
// system's single-precision Cholesky factor (mixed-precision refinement, as LAPACK's dsposv does it).
#pragma once

#include <petscksp.h>

#include <vector>

#include "pigx/parallel/global_loss.hpp"

namespace pigx {

/// Solves (J^T J + diag(shift)) d = b by KSPCG (options prefix lm_: -lm_ksp_rtol, -lm_ksp_max_it,
/// -lm_ksp_monitor) with the operator applied by GlobalLoss::gram_times in double precision and the
/// preconditioner M^-1, M the single-precision Cholesky factor of the system formed with the
/// single-precision J^T J. Every rank holds and solves the same system (the factor is not distributed: in
/// single precision one rank's factorisation costs less than the distributed double one); the loss's
/// products are the only communication.
class RefinedNormalSolve {
 public:
  /// For `loss`'s P parameters, after its normal_equations(). Not collective.
  RefinedNormalSolve(GlobalLoss& loss, int P);
  ~RefinedNormalSolve();
  RefinedNormalSolve(const RefinedNormalSolve&) = delete;
  RefinedNormalSolve& operator=(const RefinedNormalSolve&) = delete;

  /// Factors A + diag(shift) in single precision (A column-major P x P, upper triangle read) and keeps
  /// `shift` (by reference) for the next solve(). Where rounding makes it indefinite, the factor's diagonal
  /// is raised step by step (the preconditioner only: CG still solves the exact system); false if even that
  /// fails. Not collective.
  bool factor(const std::vector<double>& A, const std::vector<double>& shift);
  /// Collective: d from zero by CG with the last factor and shift, so that d.(J^T J + diag(shift)) d = b.d
  /// holds even when CG stops at its iteration limit. b and d may be the same vector. False when CG broke
  /// down.
  bool solve(const std::vector<double>& b, std::vector<double>& d);
  /// CG iterations of all solves so far. Not collective.
  long long iterations() const { return iterations_; }
  /// Number of solves so far. Not collective.
  long long solves() const { return solves_; }

 private:
  static PetscErrorCode multiply(Mat A, Vec x, Vec y);
  static PetscErrorCode precondition(PC pc, Vec x, Vec y);

  GlobalLoss& loss_;
  PetscInt P_;
  std::vector<float> factor_, work_;  // the single-precision factor, and a vector for its solves
  const std::vector<double>* shift_ = nullptr;
  Mat op_ = nullptr;
  KSP ksp_ = nullptr;
  Vec b_ = nullptr, d_ = nullptr;
  long long iterations_ = 0, solves_ = 0;
};

}  // namespace pigx
