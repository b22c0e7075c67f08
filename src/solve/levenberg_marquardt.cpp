#include "pigx/solve/levenberg_marquardt.hpp"

// petscblaslapack.h needs petscsys.h first.
// clang-format off
#include <petscsys.h>
#include <petscblaslapack.h>
// clang-format on

#include <algorithm>
#include <cmath>

#include "pigx/core/error.hpp"
#include "pigx/parallel/mpi_check.hpp"

namespace pigx {

LevenbergMarquardt::LevenbergMarquardt(GlobalLoss& loss) : loss_(loss) {}

long long LevenbergMarquardt::run(std::vector<double>& theta, long long iterations,
                                  const std::function<bool(long long, double)>& after_step) {
  const PetscBLASInt P = static_cast<PetscBLASInt>(theta.size()), one = 1;
  const long long view = loss_.view_begin();
  std::vector<double> A, M, g, delta(P), trial(P);
  std::vector<double> terms;
  if (terms_.empty()) loss_.evaluate(theta.data() + view, nullptr, terms_);
  if (scale_.size() != theta.size()) scale_.assign(theta.size(), 0.0);
  long long step = 0;
  const bool distributed = loss_.distributed_gauss_newton();
  std::vector<double> diag(P), shift(P);
  while (step < iterations) {
    // J^T J: dense on every rank, or kept in pieces by the loss (decomposed problems; solved by CG).
    const double f = distributed ? loss_.gauss_newton(theta.data(), g, diag) : loss_.normal_equations(theta.data(), A, g);
    ++jacobians_;
    if (!distributed)
      for (PetscBLASInt j = 0; j < P; ++j) diag[j] = A[j + j * P];
    double amax = 0;
    for (PetscBLASInt j = 0; j < P; ++j) amax = std::max(amax, diag[j]);
    for (PetscBLASInt j = 0; j < P; ++j) scale_[j] = std::max({scale_[j], diag[j], 1e-10 * amax});
    // Damped steps until one lowers the loss (or the damping explodes).
    double f_new = f;
    for (int attempt = 0; attempt < 30; ++attempt) {
      double gd = 0, dAd = 0;
      if (distributed) {
        for (PetscBLASInt j = 0; j < P; ++j) shift[j] = mu_ * scale_[j], trial[j] = -g[j];
        loss_.solve_damped(shift, trial, delta, dAd);  // an inexact step is judged by rho like any other
        for (PetscBLASInt i = 0; i < P; ++i) gd += g[i] * delta[i];
      } else {
        M = A;
        for (PetscBLASInt j = 0; j < P; ++j) M[j + j * P] += mu_ * scale_[j];
        PetscBLASInt info = 0;
        LAPACKpotrf_("U", &P, M.data(), &P, &info);
        if (info != 0) {
          mu_ *= nu_, nu_ *= 2;
          continue;
        }
        for (PetscBLASInt j = 0; j < P; ++j) delta[j] = -g[j];
        LAPACKpotrs_("U", &P, &one, M.data(), &P, delta.data(), &P, &info);
        PIGX_CHECK(info == 0, "LAPACK potrs failed with info ", info);
        for (PetscBLASInt i = 0; i < P; ++i) {
          gd += g[i] * delta[i];
          double row = A[i + i * P] * delta[i];
          for (PetscBLASInt j = 0; j < i; ++j) row += A[j + i * P] * delta[j];
          for (PetscBLASInt j = i + 1; j < P; ++j) row += A[i + j * P] * delta[j];
          dAd += delta[i] * row;
        }
      }
      // Predicted decrease of ||r + J d||^2: -(2 g.d + d.A d).
      const double predicted = -(2 * gd + dAd);
      for (PetscBLASInt i = 0; i < P; ++i) trial[i] = theta[i] + delta[i];
      f_new = loss_.evaluate(trial.data() + view, nullptr, terms);
      const double rho = (f - f_new) / predicted;
      if (std::isfinite(f_new) && predicted > 0 && rho > 0) {
        theta = trial;
        terms_ = terms;
        mu_ *= std::max(1.0 / 3.0, 1.0 - std::pow(2 * rho - 1, 3));
        nu_ = 2;
        break;
      }
      f_new = f;
      mu_ *= nu_, nu_ *= 2;
    }
    ++step;
    if (!after_step(step, f_new)) break;
  }
  return step;
}

}  // namespace pigx
