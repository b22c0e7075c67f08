// Levenberg-Marquardt on the residuals of a global loss: the loss forms J^T J and J^T r (identical on every
// rank) and every rank solves the same damped normal equations (Cholesky, LAPACK through PETSc). Dense in
// the parameters: meant for models up to a few thousand parameters.
#pragma once

#include <mpi.h>

#include <functional>
#include <vector>

#include "pigx/parallel/global_loss.hpp"

namespace pigx {

/// Damped Gauss-Newton with Marquardt scaling (diag(J^T J), kept as a running maximum with a floor so that
/// restarts after resampling do not diverge) and Nielsen's damping update.
class LevenbergMarquardt {
 public:
  /// Works on `loss` (its normal_equations()). Not collective.
  explicit LevenbergMarquardt(GlobalLoss& loss);
  /// Collective: runs up to `iterations` accepted or rejected steps from theta. After each step it calls
  /// after_step(step, loss), which returns false to stop. Returns the number of steps taken.
  long long run(std::vector<double>& theta, long long iterations,
                const std::function<bool(long long, double)>& after_step);
  /// Current damping parameter (kept between run() calls).
  double damping() const { return mu_; }
  /// Growth factor of the damping after a rejected step (Nielsen's nu; kept between run() calls).
  double damping_growth() const { return nu_; }
  /// Marquardt scaling (running maximum of diag(J^T J); empty before the first step).
  const std::vector<double>& scaling() const { return scale_; }
  /// Sets damping, growth factor and scaling, e.g. to continue from a checkpoint. Not collective.
  void set_state(double damping, double growth, const std::vector<double>& scaling) {
    mu_ = damping, nu_ = growth, scale_ = scaling;
  }
  /// Number of Jacobian evaluations so far.
  long long jacobians() const { return jacobians_; }
  /// Each loss term's value at the current iterate.
  const std::vector<double>& term_loss() const { return terms_; }

 private:
  GlobalLoss& loss_;
  double mu_ = 1e-3, nu_ = 2;
  long long jacobians_ = 0;
  std::vector<double> scale_, terms_;
};

}  // namespace pigx
