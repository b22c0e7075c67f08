// The loss of a whole problem over a communicator, as the optimisers see it: a function of the global
// parameter vector. Data parallelism (one model, points split over ranks) and domain decomposition (one
// model per subdomain, subdomains on ranks) both implement it.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "pigx/core/test_grid.hpp"
#include "pigx/parallel/gram_precision.hpp"
#include "pigx/parallel/residual_rows.hpp"

namespace pigx {

/// A loss over the ranks of a communicator. Every method is collective unless it says otherwise.
class GlobalLoss {
 public:
  virtual ~GlobalLoss() = default;
  /// The communicator.
  virtual MPI_Comm comm() const = 0;
  /// Length of the global parameter vector. Not collective.
  virtual long long size() const = 0;
  /// Entries of the distributed parameter Vec this rank should own (-1: any even split). Not collective.
  virtual long long owned_size() const = 0;
  /// First entry of the slice of the parameter vector that evaluate() reads on this rank. Not collective.
  virtual long long view_begin() const = 0;
  /// Length of that slice (it contains the owned entries). Not collective.
  virtual long long view_size() const = 0;
  /// The loss at the parameters whose slice is `view` (identical on every rank), each term's value, and the
  /// gradient with respect to the slice's entries when grad_view is non-null.
  virtual double evaluate(const double* view, double* grad_view, std::vector<double>& term_loss) = 0;
  /// Draws sampling round `round` of the collocation points (the same points for any rank count). theta, the
  /// full parameter vector (identical on every rank) or null, is the model adaptive sampling looks at.
  virtual void resample(std::uint64_t seed, std::uint64_t round, const double* theta) = 0;
  /// Names of the loss terms, in term_loss order. Not collective.
  virtual std::vector<std::string> term_names() const = 0;
  /// Relative L2 error over the grid; rank 0 gets u at every grid point in u_root when non-null.
  virtual double test_error(const double* view, const TestGrid& grid, std::vector<double>* u_root) = 0;
  /// Number of evaluate() calls so far. Not collective.
  virtual long long evaluations() const = 0;
  /// Gauss-Newton data at the full parameter vector theta: A = J^T J (column-major, upper triangle at
  /// least) and g = J^T r of the residual vector r whose squared norm is the loss; returns the loss.
  /// Identical on every rank.
  virtual double normal_equations(const double* theta, std::vector<double>& A, std::vector<double>& g) = 0;
  /// Chooses the precision normal_equations() forms A = J^T J in. Losses that only form it in double throw
  /// std::invalid_argument for single. Not collective.
  virtual void set_gram_precision(GramPrecision precision) {
    if (precision != GramPrecision::double_precision)
      throw std::invalid_argument("this loss forms J^T J in double precision only");
  }
  /// out = J^T J v in double precision at the Jacobian of the last normal_equations() call (full-length
  /// vectors, identical on every rank). Losses that do not keep their Jacobian throw std::logic_error.
  virtual void gram_times(const double* v, double* out) {
    (void)v, (void)out;
    throw std::logic_error("gram_times: this loss does not keep its Jacobian");
  }
  /// The residual form at the full parameter vector theta: this rank's rows of r and of its Jacobian (every
  /// row is held by exactly one rank), and rows.loss, the global loss.
  virtual void linearise(const double* theta, ResidualRows& rows) = 0;
  /// Blocks of the block-Jacobi preconditioner of Gauss-Newton (global indices): one per model, i.e. per
  /// subdomain of a decomposition, whose coupling the Krylov solver then carries. Not collective.
  virtual std::vector<std::vector<long long>> parameter_blocks() const = 0;
  /// The parameters the loss's residuals are linear in for a linear PDE (pigx::linear_parameters of every
  /// model), increasing. Not collective.
  virtual std::vector<long long> linear_parameters() const = 0;
};

}  // namespace pigx
