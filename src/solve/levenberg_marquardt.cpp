#include "pigx/solve/levenberg_marquardt.hpp"

// petscblaslapack.h needs petscsys.h first.
// clang-format off
#include <petscsys.h>
#include <petscblaslapack.h>
// clang-format on

#include <algorithm>
#include <cmath>
#include <memory>

#include "pigx/core/error.hpp"
#include "pigx/parallel/distributed_cholesky.hpp"
#include "pigx/parallel/mpi_check.hpp"
#include "pigx/solve/refined_normal_solve.hpp"

namespace pigx {

LevenbergMarquardt::LevenbergMarquardt(GlobalLoss& loss, GramPrecision precision)
    : loss_(loss), precision_(precision) {
  loss_.set_gram_precision(precision_);
}

LevenbergMarquardt::~LevenbergMarquardt() = default;

double LevenbergMarquardt::cg_iterations_per_solve() const {
  if (!refined_ || refined_->solves() == 0) return 0.0;
  return static_cast<double>(refined_->iterations()) / static_cast<double>(refined_->solves());
}

long long LevenbergMarquardt::run(std::vector<double>& theta, long long iterations,
                                  const std::function<bool(long long, double)>& after_step) {
  const PetscBLASInt P = static_cast<PetscBLASInt>(theta.size()), one = 1;
  const long long view = loss_.view_begin();
  std::vector<double> A, M, g, delta(P), trial(P), shift(P);
  std::vector<double> terms;
  if (terms_.empty()) loss_.evaluate(theta.data() + view, nullptr, terms_);
  if (scale_.size() != theta.size()) scale_.assign(theta.size(), 0.0);
  if (precision_ == GramPrecision::single_precision && !refined_)
    refined_ = std::make_unique<RefinedNormalSolve>(loss_, P);
  long long step = 0;
  while (step < iterations) {
    const double f = loss_.normal_equations(theta.data(), A, g);
    ++jacobians_;
    double amax = 0;
    for (PetscBLASInt j = 0; j < P; ++j) amax = std::max(amax, A[j + j * P]);
    for (PetscBLASInt j = 0; j < P; ++j) scale_[j] = std::max({scale_[j], A[j + j * P], 1e-10 * amax});
    // Damped steps until one lowers the loss (or the damping explodes).
    double f_new = f;
    for (int attempt = 0; attempt < 30; ++attempt) {
      for (PetscBLASInt j = 0; j < P; ++j) shift[j] = mu_ * scale_[j];
      for (PetscBLASInt j = 0; j < P; ++j) delta[j] = -g[j];
      if (refined_) {
        if (!refined_->factor(A, shift) || !refined_->solve(delta, delta)) {
          mu_ *= nu_, nu_ *= 2;
          continue;
        }
      } else {
        // The factorisation's work is spread over the ranks (every rank holds A and gets the factor).
        if (distributed_cholesky(loss_.comm(), P, A, shift, M) != 0) {
          mu_ *= nu_, nu_ *= 2;
          continue;
        }
        PetscBLASInt info = 0;
        LAPACKpotrs_("U", &P, &one, M.data(), &P, delta.data(), &P, &info);
        PIGX_CHECK(info == 0, "LAPACK potrs failed with info ", info);
      }
      // d solves (A + mu S) d = -g (or is a CG iterate from zero for it, which keeps d.(A + mu S) d = -g.d),
      // so d.A d = -g.d - mu d.S d: no second pass over A.
      double gd = 0, dSd = 0;
      for (PetscBLASInt i = 0; i < P; ++i) gd += g[i] * delta[i], dSd += scale_[i] * delta[i] * delta[i];
      const double dAd = -gd - mu_ * dSd;
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
