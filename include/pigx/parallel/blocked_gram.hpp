// J^T J of a Jacobian whose rows are points in space and whose columns are mostly local features (truncated
// Gaussians, B-spline grid values): rows close in space share their non-zero columns, so the product is
// formed chunk by chunk over the columns each chunk touches instead of over all of them.
#pragma once

#include <cstdint>
#include <vector>

namespace pigx {

/// Forms Gram matrices J^T J chunk by chunk; keeps its buffers between calls (no allocation once warm).
class BlockedGram {
 public:
  /// Rows per chunk; large enough for BLAS to run near its peak, small enough to stay local.
  static constexpr int chunk_rows = 256;

  /// Sets A (column-major P x P, upper triangle written, lower left zero) to J^T J for J row-major n x P.
  /// Row i belongs to points[i * dim .. i * dim + dim): rows are taken in the Morton order of their points,
  /// chunk_rows at a time, and each chunk's product runs over the columns non-zero in it only. Exact: the
  /// result equals the dense product up to rounding.
  void compute(const double* J, int n, int P, const double* points, int dim, std::vector<double>& A);

  /// Flops of the last compute() relative to a dense syrk of the same J (1: no column was skipped).
  double work_fraction() const { return work_fraction_; }

 private:
  void order_rows(int n, const double* points, int dim);

  std::vector<int> order_, active_;
  std::vector<std::uint64_t> keys_;
  std::vector<char> touched_;
  std::vector<double> V_, G_;
  double work_fraction_ = 1.0;
};

}  // namespace pigx
