// Data parallelism for a single-domain problem: every rank holds the whole model and a share of the
// points; loss and gradient are summed over the communicator.
#pragma once

#include <mpi.h>

#include <vector>

#include "pigx/core/collocation.hpp"
#include "pigx/core/loss_function.hpp"
#include "pigx/core/test_grid.hpp"
#include "pigx/parallel/blocked_gram.hpp"
#include "pigx/parallel/global_loss.hpp"

namespace pigx {

/// The global loss of a model whose points are split over the ranks of a communicator.
class DataParallelLoss : public GlobalLoss {
 public:
  /// Wraps `loss` (this rank's terms) for communicator comm; with `sampling`, resample() draws this rank's
  /// share of its points. Not collective.
  DataParallelLoss(MPI_Comm comm, LossFunction& loss, const SamplingSpec* sampling = nullptr);
  /// Collective: global loss at theta (identical on every rank), each term's value, and the gradient
  /// (host, full length, identical on every rank) when grad is non-null.
  double evaluate(const double* theta, double* grad, std::vector<double>& term_loss) override;
  /// Number of evaluate calls so far.
  long long evaluations() const override { return evaluations_; }
  /// The communicator.
  MPI_Comm comm() const override { return comm_; }
  /// The local loss.
  LossFunction& local() { return loss_; }
  /// Parameters of the model.
  long long size() const override { return static_cast<long long>(loss_.layout().total); }
  /// Any split.
  long long owned_size() const override { return -1; }
  /// Every rank reads the whole vector.
  long long view_begin() const override { return 0; }
  /// The whole vector.
  long long view_size() const override { return size(); }
  /// Draws round `round` and keeps this rank's share (needs the sampling spec). With adaptive sampling,
  /// rounds after the first with a non-null theta draw the residual points where theta's residual is large
  /// (and, with AdaptiveSpec::initial, the initial points where theta misses the initial value).
  void resample(std::uint64_t seed, std::uint64_t round, const double* theta) override;
  /// The terms of the local loss.
  std::vector<std::string> term_names() const override;
  /// See pigx::test_error.
  double test_error(const double* theta, const TestGrid& grid, std::vector<double>* u_root) override;
  /// Each rank's J^T J and J^T r summed over the ranks (one reduction).
  double normal_equations(const double* theta, std::vector<double>& A, std::vector<double>& g) override;
  /// single_precision: normal_equations() forms and sums J^T J in single precision. Not collective.
  void set_gram_precision(GramPrecision precision) override { precision_ = precision; }
  /// J^T J v summed over the ranks, in double precision, at the last normal_equations() Jacobian.
  void gram_times(const double* v, double* out) override;
  /// This rank's points' rows.
  void linearise(const double* theta, ResidualRows& rows) override;
  /// One block: the whole model.
  std::vector<std::vector<long long>> parameter_blocks() const override;
  /// The model's linear parameters.
  std::vector<long long> linear_parameters() const override {
    return pigx::linear_parameters(loss_.layout());
  }

 private:
  MPI_Comm comm_;
  LossFunction& loss_;
  const SamplingSpec* sampling_;
  /// The global residual points of the adaptive distribution at theta (collective).
  std::vector<double> adaptive_points(std::uint64_t seed, std::uint64_t round, const double* theta);
  /// The global initial points of the adaptive distribution: where |u(theta) - u0| is large (collective).
  std::vector<double> adaptive_initial_points(std::uint64_t seed, std::uint64_t round, const double* theta);
  /// This rank's share [b, e) of m global candidates (the split the norms are gathered by).
  void my_share(long long m, long long& b, long long& e) const;
  /// Picks `count` of the global `candidates` by their norms (this rank's share [b, e) in local_norm),
  /// with the pick's random stream `stream` of the round (collective).
  std::vector<double> pick_candidates(const std::vector<double>& candidates,
                                      const std::vector<double>& local_norm, long long count,
                                      std::uint64_t seed, std::uint64_t round, std::uint64_t stream);
  std::vector<double> local_grad_, buffer_, jv_;
  std::vector<float> gram_single_;  // J^T J in single precision
  GramPrecision precision_ = GramPrecision::double_precision;
  std::vector<double> row_points_;  // the points of J's rows, for the blocked Gram matrix
  BlockedGram gram_;
  long long evaluations_ = 0;
  View1 r_;
  View2 J_;
  HostView2 J_host_;  // J_ on the host, as of the last normal_equations()
};

/// Collective: relative L2 error of the model at theta over the grid, each rank evaluating a share of the
/// points. When u_root is non-null, rank 0 receives u at every grid point (other ranks get it empty).
double test_error(MPI_Comm comm, LossFunction& loss, const double* theta, const TestGrid& grid,
                  std::vector<double>* u_root);

/// Collective: the same for the mean of several models' values (an ensemble, TrainSpec::ensemble_sets).
double test_error(MPI_Comm comm, LossFunction& loss, const std::vector<const double*>& models,
                  const TestGrid& grid, std::vector<double>* u_root);

/// Not collective: the mean over `models` (parameter vectors) of LossFunction::evaluate_u at n points, into
/// out; `one` is scratch for a single model's values (used only with more than one model).
void evaluate_mean_u(LossFunction& loss, const std::vector<const double*>& models, const double* points,
                     long long n, int order, std::vector<double>& out, std::vector<double>& one);

/// The data pointers of `vectors`, for the ensemble overloads above.
std::vector<const double*> data_pointers(const std::vector<std::vector<double>>& vectors);

}  // namespace pigx
