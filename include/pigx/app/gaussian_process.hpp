// Gaussian-process regression on feature vectors made of a context part (scaled to [0, 1]) and a mask part
// (0/1 bits), as used by the METALIC bandit (docs/metalic.md). The kernel is
//   k(x, x') = s2 * exp(-|c - c'|^2 / (2 lc^2) - |m - m'|^2 / (2 lm^2)) + n2 * [x == x'],
// one length scale for the context and one for the mask. The targets are standardised (mean 0, std 1)
// before fitting; s2 and n2 are in those units. Hyperparameters maximise the log marginal likelihood over a
// small grid. Cholesky factorisations are LAPACK's (through PETSc's BLAS/LAPACK names).
#pragma once

#include <cstddef>
#include <random>
#include <vector>

namespace pigx {

/// Hyperparameters of the GP kernel (signal and noise variance in units of the standardised targets).
struct GpHyper {
  double context_length = 0.3;
  double mask_length = 1.0;
  double signal_variance = 1.0;
  double noise_variance = 1e-2;
};

/// The candidate values that GaussianProcess::fit searches (every combination is tried).
struct GpGrid {
  std::vector<double> context_length{0.1, 0.2, 0.4, 0.8, 1.6};
  std::vector<double> mask_length{0.5, 1.0, 2.0, 4.0};
  std::vector<double> signal_variance{0.25, 1.0, 4.0};
  std::vector<double> noise_variance{1e-6, 1e-3, 1e-2, 1e-1, 0.5};
};

/// Posterior mean and variance of the (un-standardised) latent function at one point.
struct GpPrediction {
  double mean = 0;
  double variance = 0;
};

/// A GP regressor; fit() replaces the data, predict()/sample() use the last fit. Not collective: every
/// rank that fits the same data gets bitwise the same model.
class GaussianProcess {
 public:
  /// A GP whose features have `context_dims` leading context entries; the rest are mask bits. Throws an
  /// input pigx::Error for an empty or non-positive grid.
  explicit GaussianProcess(std::size_t context_dims, GpGrid grid = {});

  /// Fits the data, choosing the hyperparameters of the grid with the largest log marginal likelihood.
  /// All feature vectors must have the same length; targets must be finite (else an input pigx::Error).
  /// With no data the model is the prior (mean 0, variance of the grid's middle signal variance).
  void fit(const std::vector<std::vector<double>>& x, const std::vector<double>& y);
  /// Fits the data with the given hyperparameters (no search).
  void fit(const std::vector<std::vector<double>>& x, const std::vector<double>& y, const GpHyper& hyper);

  /// Posterior mean and variance of the latent function (noise excluded) at x.
  GpPrediction predict(const std::vector<double>& x) const;
  /// One joint posterior sample of the latent function at all points xs, drawn with rng.
  std::vector<double> sample(const std::vector<std::vector<double>>& xs, std::mt19937_64& rng) const;

  /// The hyperparameters of the last fit.
  const GpHyper& hyper() const { return hyper_; }
  /// Log marginal likelihood of the standardised targets under the last fit (0 with no data).
  double log_marginal_likelihood() const { return lml_; }
  /// Number of data points in the last fit.
  std::size_t size() const { return x_.size(); }
  /// Kernel value between two feature vectors under the current hyperparameters (no noise term).
  double kernel(const std::vector<double>& a, const std::vector<double>& b) const;

 private:
  /// Checks and stores the data and standardises the targets (no factorisation).
  void set_data(const std::vector<std::vector<double>>& x, const std::vector<double>& y);
  /// Factorises K + n2 I for `hyper` into chol_ and solves alpha_; returns the log marginal likelihood, or
  /// -infinity if the matrix is not positive definite.
  double factorise(const GpHyper& hyper);

  std::size_t context_dims_;
  GpGrid grid_;
  GpHyper hyper_;
  std::vector<std::vector<double>> x_;
  std::vector<double> z_;      ///< standardised targets
  double y_mean_ = 0;          ///< target mean removed before fitting
  double y_scale_ = 1;         ///< target standard deviation divided out before fitting
  std::vector<double> chol_;   ///< upper Cholesky factor of K + n2 I, column-major n x n
  std::vector<double> alpha_;  ///< (K + n2 I)^-1 z
  double lml_ = 0;
};

}  // namespace pigx
