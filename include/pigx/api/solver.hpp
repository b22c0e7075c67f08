// A trained (or trainable) PIG model of one Problem on an MPI communicator: train it, then evaluate the
// solution and its derivatives at host points.
#pragma once

#include <mpi.h>

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "pigx/api/problem.hpp"

namespace pigx {

/// What one call of Solver::solve did.
struct SolveReport {
  double loss = 0;                      ///< final training loss (all ranks' points)
  std::vector<std::string> term_names;  ///< loss terms, e.g. residual, boundary
  std::vector<double> term_loss;        ///< each term's share of the loss
  double rel_l2 = 0;  ///< relative L2 error on the PDE's test grid; NaN without exact solution
  long long iterations = 0, evaluations = 0;
  double wall_s = 0;
  std::string stop_reason;
};

/// The model of one problem, replicated on every rank of a communicator, its points split over the ranks.
class Solver {
 public:
  /// Not collective (every rank builds its own, identically): checks every key and the host data of
  /// `problem` and initialises the parameters from train.seed. Needs a pigx::Runtime (PETSc and Kokkos
  /// initialised). Throws an input pigx::Error naming the key or the data at fault.
  Solver(MPI_Comm comm, const Problem& problem);
  /// Frees the model (before the Runtime goes: Kokkos must still be running).
  ~Solver();
  /// Moves the model (the source becomes empty).
  Solver(Solver&&) noexcept;
  /// Moves the model (the source becomes empty).
  Solver& operator=(Solver&&) noexcept;

  /// Collective over the communicator: runs every train.stages stage from the current parameters (a
  /// second call continues training) and returns the final loss; progress lines go to `log` on rank 0.
  /// With train.ensemble_runs = R > 1 the first run continues from the current parameters and the other
  /// R - 1 start afresh (their seeds from train.seed), all R trainings in this one call; with
  /// train.ensemble_keep = K, the solution keeps the K runs of lowest validation loss.
  SolveReport solve(std::ostream* log = nullptr);

  /// Not collective: the solution at n host points x [n][dim]: u [n][outputs]; when non-null, its gradient
  /// grad [n][outputs][dim] and Hessian hess [n][outputs][dim][dim] (symmetric, both halves filled). After
  /// solve() with an ensemble (train.ensemble_sets = K > 1 and/or train.ensemble_runs = R > 1), the mean of
  /// its models (and of their derivatives).
  void evaluate(const double* x, long long n, double* u, double* grad = nullptr,
                double* hess = nullptr) const;

  /// Input dimension (coordinates per point).
  int dim() const;
  /// Number of solution components.
  int outputs() const;
  /// Coordinate names in input order, e.g. {"x", "y"}.
  std::vector<std::string> coordinates() const;
  /// After solve() with an ensemble: the models that evaluate() averages, run by run, each run's oldest
  /// first (empty without one, and after set_parameters).
  const std::vector<std::vector<double>>& ensemble() const;
  /// The flat parameter vector (identical on every rank); with an ensemble, its last run's last model, and
  /// with a single model kept by train.ensemble_keep, that model.
  const std::vector<double>& parameters() const;
  /// Replaces the parameters (same length as parameters()), dropping any ensemble; throws an input error
  /// otherwise.
  void set_parameters(const std::vector<double>& theta);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pigx
