// Levenberg-Marquardt on the residuals of a global loss: the loss forms J^T J and J^T r (identical on every
// rank) and every rank solves the same damped normal equations (Cholesky, LAPACK through PETSc; with a
// single-precision J^T J, CG on exact products refines the factor's step). Dense in the parameters: meant
// for models up to a few thousand parameters.
#pragma once

#include <mpi.h>

#include <functional>
#include <memory>
#include <vector>

#include "pigx/parallel/global_loss.hpp"

namespace pigx {

class RefinedNormalSolve;

/// Damped Gauss-Newton with Marquardt scaling (diag(J^T J), kept as a running maximum with a floor so that
/// restarts after resampling do not diverge) and Nielsen's damping update.
class LevenbergMarquardt {
 public:
  /// Works on `loss` (its normal_equations()), which forms J^T J in `precision`; in single precision each
  /// step is refined to the double-precision solve by CG (RefinedNormalSolve). Not collective.
  explicit LevenbergMarquardt(GlobalLoss& loss, GramPrecision precision = GramPrecision::double_precision);
  ~LevenbergMarquardt();
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
  /// CG iterations per damped solve so far (0 in double precision, which solves by the factor alone).
  double cg_iterations_per_solve() const;
  /// Each loss term's value at the current iterate.
  const std::vector<double>& term_loss() const { return terms_; }

 private:
  GlobalLoss& loss_;
  GramPrecision precision_;
  std::unique_ptr<RefinedNormalSolve> refined_;  // single precision only
  double mu_ = 1e-3, nu_ = 2;
  long long jacobians_ = 0;
  std::vector<double> scale_, terms_;
};

}  // namespace pigx
