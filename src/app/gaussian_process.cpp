#include "pigx/app/gaussian_process.hpp"

// petscblaslapack.h needs petscsys.h first.
// clang-format off
#include <petscsys.h>
#include <petscblaslapack.h>
// clang-format on

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "pigx/core/error.hpp"

namespace pigx {

namespace {

constexpr double kLog2Pi = 1.8378770664093453;  // log(2 pi)

// Upper Cholesky factor of the column-major n x n matrix a, in place; false if not positive definite.
bool cholesky(std::vector<double>& a, std::size_t n) {
  if (n == 0) return true;
  const PetscBLASInt nn = static_cast<PetscBLASInt>(n);
  PetscBLASInt info = 0;
  LAPACKpotrf_("U", &nn, a.data(), &nn, &info);
  return info == 0;
}

// Solves (U^T U) X = B in place for `columns` right-hand sides (column-major n x columns).
void cholesky_solve(const std::vector<double>& u, std::size_t n, std::vector<double>& b,
                    std::size_t columns) {
  if (n == 0 || columns == 0) return;
  const PetscBLASInt nn = static_cast<PetscBLASInt>(n), nrhs = static_cast<PetscBLASInt>(columns);
  PetscBLASInt info = 0;
  LAPACKpotrs_("U", &nn, &nrhs, u.data(), &nn, b.data(), &nn, &info);
  PIGX_CHECK(info == 0, "LAPACK potrs failed with info ", info);
}

void check_grid(const std::vector<double>& values, const char* name) {
  PIGX_CHECK_INPUT(!values.empty(), "Gaussian-process grid '", name, "' is empty: expected positive values");
  for (double v : values)
    PIGX_CHECK_INPUT(std::isfinite(v) && v > 0, "Gaussian-process grid '", name, "' holds ", v,
                     ": expected positive finite values");
}

}  // namespace

GaussianProcess::GaussianProcess(std::size_t context_dims, GpGrid grid)
    : context_dims_(context_dims), grid_(std::move(grid)) {
  check_grid(grid_.context_length, "context_length");
  check_grid(grid_.mask_length, "mask_length");
  check_grid(grid_.signal_variance, "signal_variance");
  check_grid(grid_.noise_variance, "noise_variance");
  hyper_ = {grid_.context_length[grid_.context_length.size() / 2],
            grid_.mask_length[grid_.mask_length.size() / 2],
            grid_.signal_variance[grid_.signal_variance.size() / 2],
            grid_.noise_variance[grid_.noise_variance.size() / 2]};
}

double GaussianProcess::kernel(const std::vector<double>& a, const std::vector<double>& b) const {
  double dc = 0, dm = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = a[i] - b[i];
    (i < context_dims_ ? dc : dm) += d * d;
  }
  return hyper_.signal_variance * std::exp(-0.5 * dc / (hyper_.context_length * hyper_.context_length) -
                                           0.5 * dm / (hyper_.mask_length * hyper_.mask_length));
}

double GaussianProcess::factorise(const GpHyper& hyper) {
  hyper_ = hyper;
  const std::size_t n = x_.size();
  chol_.assign(n * n, 0.0);
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t i = 0; i <= j; ++i)
      chol_[i + j * n] = kernel(x_[i], x_[j]) + (i == j ? hyper.noise_variance : 0);
  if (!cholesky(chol_, n)) return -std::numeric_limits<double>::infinity();
  alpha_ = z_;
  cholesky_solve(chol_, n, alpha_, 1);
  double lml = -0.5 * static_cast<double>(n) * kLog2Pi;
  for (std::size_t i = 0; i < n; ++i) lml -= 0.5 * z_[i] * alpha_[i] + std::log(chol_[i + i * n]);
  return lml;
}

void GaussianProcess::fit(const std::vector<std::vector<double>>& x, const std::vector<double>& y) {
  set_data(x, y);
  if (x_.empty()) {
    lml_ = factorise(hyper_);
    return;
  }
  GpHyper best = hyper_;
  double best_lml = -std::numeric_limits<double>::infinity();
  for (double lc : grid_.context_length)
    for (double lm : grid_.mask_length)
      for (double s2 : grid_.signal_variance)
        for (double n2 : grid_.noise_variance) {
          const double lml = factorise({lc, lm, s2, n2});
          if (lml > best_lml) best_lml = lml, best = {lc, lm, s2, n2};
        }
  PIGX_CHECK(std::isfinite(best_lml),
             "Gaussian process: no hyperparameters of the grid give a positive definite "
             "kernel matrix for ",
             x_.size(), " points");
  lml_ = factorise(best);
}

void GaussianProcess::fit(const std::vector<std::vector<double>>& x, const std::vector<double>& y,
                          const GpHyper& hyper) {
  set_data(x, y);
  lml_ = factorise(hyper);
  PIGX_CHECK(std::isfinite(lml_), "Gaussian process: the kernel matrix of ", x_.size(),
             " points is not positive definite; increase the noise variance");
}

void GaussianProcess::set_data(const std::vector<std::vector<double>>& x, const std::vector<double>& y) {
  PIGX_CHECK_INPUT(x.size() == y.size(), "Gaussian process: ", x.size(), " feature vectors but ", y.size(),
                   " targets: expected one target per feature vector");
  for (const auto& xi : x)
    PIGX_CHECK_INPUT(xi.size() == x.front().size() && xi.size() >= context_dims_,
                     "Gaussian process: feature vectors of different lengths (", xi.size(), " and ",
                     x.front().size(), "): expected all of one length >= ", context_dims_);
  double sum = 0;
  for (double v : y) {
    PIGX_CHECK_INPUT(std::isfinite(v), "Gaussian process: target ", v,
                     " is not finite: expected finite rewards");
    sum += v;
  }
  x_ = x;
  const std::size_t n = y.size();
  y_mean_ = n ? sum / static_cast<double>(n) : 0.0;
  double var = 0;
  for (double v : y) var += (v - y_mean_) * (v - y_mean_);
  y_scale_ = n > 1 && var > 1e-24 * static_cast<double>(n) ? std::sqrt(var / static_cast<double>(n)) : 1.0;
  z_.resize(n);
  for (std::size_t i = 0; i < n; ++i) z_[i] = (y[i] - y_mean_) / y_scale_;
}

GpPrediction GaussianProcess::predict(const std::vector<double>& x) const {
  const std::size_t n = x_.size();
  std::vector<double> k(n);
  for (std::size_t i = 0; i < n; ++i) k[i] = kernel(x_[i], x);
  double mean = 0;
  for (std::size_t i = 0; i < n; ++i) mean += k[i] * alpha_[i];
  std::vector<double> v = k;
  cholesky_solve(chol_, n, v, 1);
  double reduction = 0;
  for (std::size_t i = 0; i < n; ++i) reduction += k[i] * v[i];
  const double var = std::max(hyper_.signal_variance - reduction, 0.0);
  return {y_mean_ + y_scale_ * mean, y_scale_ * y_scale_ * var};
}

std::vector<double> GaussianProcess::sample(const std::vector<std::vector<double>>& xs,
                                            std::mt19937_64& rng) const {
  const std::size_t n = x_.size(), m = xs.size();
  // K*: n x m (column-major), W = (K + n2 I)^-1 K*.
  std::vector<double> ks(n * m);
  for (std::size_t j = 0; j < m; ++j)
    for (std::size_t i = 0; i < n; ++i) ks[i + j * n] = kernel(x_[i], xs[j]);
  std::vector<double> w = ks;
  cholesky_solve(chol_, n, w, m);
  std::vector<double> mean(m, 0.0), cov(m * m);
  for (std::size_t j = 0; j < m; ++j) {
    for (std::size_t i = 0; i < n; ++i) mean[j] += ks[i + j * n] * alpha_[i];
    for (std::size_t i = 0; i <= j; ++i) {
      double r = 0;
      for (std::size_t l = 0; l < n; ++l) r += ks[l + i * n] * w[l + j * n];
      cov[i + j * m] = kernel(xs[i], xs[j]) - r;
    }
  }
  // Posterior covariances are often singular (repeated points, points at the data): add growing jitter.
  std::vector<double> u;
  bool ok = m == 0;
  for (double jitter = 1e-10; !ok && jitter <= 1e-2; jitter *= 10) {
    u = cov;
    for (std::size_t i = 0; i < m; ++i) u[i + i * m] += jitter * hyper_.signal_variance;
    ok = cholesky(u, m);
  }
  PIGX_CHECK(ok, "Gaussian process: the posterior covariance of ", m, " points is not positive semidefinite");
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> z(m);
  for (double& zi : z) zi = normal(rng);
  std::vector<double> out(m);
  for (std::size_t j = 0; j < m; ++j) {  // sample = mean + U^T z
    double s = mean[j];
    for (std::size_t i = 0; i <= j; ++i) s += u[i + j * m] * z[i];
    out[j] = y_mean_ + y_scale_ * s;
  }
  return out;
}

}  // namespace pigx
