#include "pigx/solve/levenberg_marquardt.hpp"

// petscblaslapack.h needs petscsys.h first.
// clang-format off
#include <petscsys.h>
#include <petscblaslapack.h>
// clang-format on

#include <algorithm>
#include <cmath>

#include "pigx/core/error.hpp"
#include "pigx/parallel/distributed_cholesky.hpp"
#include "pigx/parallel/mpi_check.hpp"

namespace pigx {

LevenbergMarquardt::LevenbergMarquardt(GlobalLoss& loss) : loss_(loss) {}

long long LevenbergMarquardt::run(std::vector<double>& theta, long long iterations,
                                  const std::function<bool(long long, double)>& after_step) {
  const PetscBLASInt P = static_cast<PetscBLASInt>(theta.size()), one = 1;
  const long long view = loss_.view_begin();
  std::vector<double> A, M, g, delta(P), trial(P), shift(P);
  std::vector<double> terms;
  if (terms_.empty()) loss_.evaluate(theta.data() + view, nullptr, terms_);
  if (scale_.size() != theta.size()) scale_.assign(theta.size(), 0.0);
  long long step = 0;
  // Lagged steps (lag_ > 1) reuse the factor M of A + mu S built at an earlier step with damping mu_built;
  // `age` counts the steps since. Every run() call (a new point set) starts with a fresh matrix.
  long long age = lag_;
  bool factored = false;
  double mu_built = mu_;
  while (step < iterations) {
    const bool fresh = age >= lag_ || !factored;
    double f;
    if (fresh) {
      f = loss_.normal_equations(theta.data(), A, g);
      ++jacobians_;
      age = 0;
      factored = false;  // until a factorisation below succeeds
      double amax = 0;
      for (PetscBLASInt j = 0; j < P; ++j) amax = std::max(amax, A[j + j * P]);
      for (PetscBLASInt j = 0; j < P; ++j) scale_[j] = std::max({scale_[j], A[j + j * P], 1e-10 * amax});
    } else {
      f = gradient(theta, g);
    }
    ++age;
    // Damped steps until one lowers the loss (or the damping explodes). A lagged step gets one attempt:
    // if it does not lower the loss, the next step assembles the matrix again.
    double f_new = f;
    for (int attempt = 0; attempt < (fresh ? 30 : 1); ++attempt) {
      if (fresh) {
        for (PetscBLASInt j = 0; j < P; ++j) shift[j] = mu_ * scale_[j];
        // The factorisation's work is spread over the ranks (every rank holds A and gets the factor).
        if (distributed_cholesky(loss_.comm(), P, A, shift, M) != 0) {
          mu_ *= nu_, nu_ *= 2;
          continue;
        }
        factored = true;
        mu_built = mu_;
      }
      PetscBLASInt info = 0;
      for (PetscBLASInt j = 0; j < P; ++j) delta[j] = -g[j];
      LAPACKpotrs_("U", &P, &one, M.data(), &P, delta.data(), &P, &info);
      PIGX_CHECK(info == 0, "LAPACK potrs failed with info ", info);
      // d solves (A + mu S) d = -g, so d.A d = -g.d - mu d.S d: no second pass over A (for a lagged step A
      // and mu are those the factor was built from, so the prediction is that quadratic model's).
      double gd = 0, dSd = 0;
      for (PetscBLASInt i = 0; i < P; ++i) gd += g[i] * delta[i], dSd += scale_[i] * delta[i] * delta[i];
      const double dAd = -gd - mu_built * dSd;
      // Predicted decrease of ||r + J d||^2: -(2 g.d + d.A d).
      const double predicted = -(2 * gd + dAd);
      for (PetscBLASInt i = 0; i < P; ++i) trial[i] = theta[i] + delta[i];
      f_new = loss_.evaluate(trial.data() + view, nullptr, terms);
      const double rho = (f - f_new) / predicted;
      if (std::isfinite(f_new) && predicted > 0 && rho > 0) {
        theta = trial;
        terms_ = terms;
        // The damping follows the steps on a fresh matrix: the lagged ones are solved with mu_built.
        if (fresh) mu_ *= std::max(1.0 / 3.0, 1.0 - std::pow(2 * rho - 1, 3)), nu_ = 2;
        break;
      }
      f_new = f;
      if (!fresh) {
        age = lag_;
        break;
      }
      mu_ *= nu_, nu_ *= 2;
    }
    ++step;
    if (!after_step(step, f_new)) break;
  }
  return step;
}

double LevenbergMarquardt::gradient(const std::vector<double>& theta, std::vector<double>& g) {
  const long long view = loss_.view_begin(), n = loss_.view_size();
  std::vector<double> grad(n), terms;
  const double f = loss_.evaluate(theta.data() + view, grad.data(), terms);
  for (double& v : grad) v *= 0.5;  // the loss is |r|^2, its gradient 2 J^T r
  if (n == static_cast<long long>(theta.size())) {
    g = grad;
    return f;
  }
  // A decomposition: each rank's slice is the block of the vector it owns. Gather the blocks.
  int size;
  PIGX_MPI(MPI_Comm_size(loss_.comm(), &size));
  const long long mine[2] = {n, view};
  std::vector<long long> all(2 * static_cast<std::size_t>(size));
  PIGX_MPI(MPI_Allgather(mine, 2, MPI_LONG_LONG, all.data(), 2, MPI_LONG_LONG, loss_.comm()));
  std::vector<int> counts(size), displs(size);
  long long total = 0;
  for (int r = 0; r < size; ++r)
    counts[r] = static_cast<int>(all[2 * r]), displs[r] = static_cast<int>(all[2 * r + 1]),
    total += all[2 * r];
  PIGX_CHECK(total == static_cast<long long>(theta.size()),
             "lagged Levenberg-Marquardt: the ranks' slices hold ", total, " of ", theta.size(),
             " parameters");
  g.resize(theta.size());
  PIGX_MPI(MPI_Allgatherv(grad.data(), static_cast<int>(n), MPI_DOUBLE, g.data(), counts.data(),
                          displs.data(), MPI_DOUBLE, loss_.comm()));
  return f;
}

}  // namespace pigx
