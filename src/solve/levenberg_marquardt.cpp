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

LevenbergMarquardt::LevenbergMarquardt(DataParallelLoss& dp) : dp_(dp) {}

long long LevenbergMarquardt::run(std::vector<double>& theta, long long iterations,
                                  const std::function<bool(long long, double)>& after_step) {
  const PetscBLASInt P = static_cast<PetscBLASInt>(theta.size());
  std::vector<double> A(static_cast<std::size_t>(P) * P), M(A.size()), g(P + 1), delta(P), trial(P);
  std::vector<double> terms;
  if (terms_.empty()) dp_.evaluate(theta.data(), nullptr, terms_);
  if (scale_.size() != theta.size()) scale_.assign(theta.size(), 0.0);
  long long step = 0;
  while (step < iterations) {
    dp_.local().residuals_and_jacobian(theta.data(), r_, J_);
    ++jacobians_;
    auto r = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), r_);
    auto J = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), J_);
    const PetscBLASInt n = static_cast<PetscBLASInt>(r.extent(0)), one = 1;
    const double a1 = 1.0, a0 = 0.0;
    // J is row-major n x P, i.e. column-major P x n: A = J^T J is syrk("N"), g = J^T r is gemv("N").
    std::fill(A.begin(), A.end(), 0.0);
    std::fill(g.begin(), g.end(), 0.0);
    if (n > 0) {
      BLASsyrk_("U", "N", &P, &n, &a1, J.data(), &P, &a0, A.data(), &P);
      BLASgemv_("N", &P, &n, &a1, J.data(), &P, r.data(), &one, &a0, g.data(), &one);
    }
    double f = 0;
    for (PetscBLASInt i = 0; i < n; ++i) f += r(i) * r(i);
    g[P] = f;
    PIGX_MPI(
        MPI_Allreduce(MPI_IN_PLACE, A.data(), static_cast<int>(A.size()), MPI_DOUBLE, MPI_SUM, dp_.comm()));
    PIGX_MPI(
        MPI_Allreduce(MPI_IN_PLACE, g.data(), static_cast<int>(g.size()), MPI_DOUBLE, MPI_SUM, dp_.comm()));
    f = g[P];
    double amax = 0;
    for (PetscBLASInt j = 0; j < P; ++j) amax = std::max(amax, A[j + j * P]);
    for (PetscBLASInt j = 0; j < P; ++j) scale_[j] = std::max({scale_[j], A[j + j * P], 1e-10 * amax});
    // Damped steps until one lowers the loss (or the damping explodes).
    double f_new = f;
    for (int attempt = 0; attempt < 30; ++attempt) {
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
      // Predicted decrease of ||r + J d||^2: -(2 g.d + d.A d).
      double gd = 0, dAd = 0;
      for (PetscBLASInt i = 0; i < P; ++i) {
        gd += g[i] * delta[i];
        double row = A[i + i * P] * delta[i];
        for (PetscBLASInt j = 0; j < i; ++j) row += A[j + i * P] * delta[j];
        for (PetscBLASInt j = i + 1; j < P; ++j) row += A[i + j * P] * delta[j];
        dAd += delta[i] * row;
      }
      const double predicted = -(2 * gd + dAd);
      for (PetscBLASInt i = 0; i < P; ++i) trial[i] = theta[i] + delta[i];
      f_new = dp_.evaluate(trial.data(), nullptr, terms);
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
