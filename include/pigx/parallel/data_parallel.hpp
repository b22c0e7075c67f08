// Data parallelism for a single-domain problem: every rank holds the whole model and a share of the
// points; loss and gradient are summed over the communicator.
#pragma once

#include <mpi.h>

#include <vector>

#include "pigx/core/loss_function.hpp"
#include "pigx/core/test_grid.hpp"

namespace pigx {

/// The global loss of a model whose points are split over the ranks of a communicator.
class DataParallelLoss {
 public:
  /// Wraps `loss` (this rank's terms) for communicator comm. Not collective.
  DataParallelLoss(MPI_Comm comm, LossFunction& loss);
  /// Collective: global loss at theta (identical on every rank), each term's value, and the gradient
  /// (host, full length, identical on every rank) when grad is non-null.
  double evaluate(const double* theta, double* grad, std::vector<double>& term_loss);
  /// Number of evaluate calls so far.
  long long evaluations() const { return evaluations_; }
  /// The communicator.
  MPI_Comm comm() const { return comm_; }
  /// The local loss.
  LossFunction& local() { return loss_; }

 private:
  MPI_Comm comm_;
  LossFunction& loss_;
  std::vector<double> local_grad_, buffer_;
  long long evaluations_ = 0;
};

/// Collective: relative L2 error of the model at theta over the grid, each rank evaluating a share of the
/// points. When u_root is non-null, rank 0 receives u at every grid point (other ranks get it empty).
double test_error(MPI_Comm comm, LossFunction& loss, const double* theta, const TestGrid& grid,
                  std::vector<double>* u_root);

}  // namespace pigx
