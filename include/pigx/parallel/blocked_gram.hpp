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

  /// As compute(), into G in single precision (J rounded to float). When the chunks touch most columns
  /// (work fraction above dense_above) it runs one product over all columns instead: in single precision
  /// that runs near BLAS's peak, faster than the chunks' gathers and scatters.
  void compute_single(const double* J, int n, int P, const double* points, int dim, std::vector<float>& G);

  /// compute_single() takes the dense product above this work fraction of the chunked one.
  static constexpr double dense_above = 0.6;

  /// Flops of the last compute() or compute_single() relative to a dense syrk of the same J (1: no column was
  /// skipped).
  double work_fraction() const { return work_fraction_; }

 private:
  void order_rows(int n, const double* points, int dim);
  /// A = 0 (P x P); with rows and columns, the row order and each chunk's columns. False if J is empty.
  template <class T>
  bool start(const double* J, int n, int P, const double* points, int dim, std::vector<T>& A);
  /// The columns each chunk of rows touches (chunk_columns_, from chunk_begin_[c]) and work_fraction_.
  void find_chunk_columns(const double* J, int n, int P);
  /// A += each chunk's product over its columns, in T's precision (V, G scratch).
  template <class T>
  void add_chunk_products(const double* J, int n, int P, std::vector<T>& V, std::vector<T>& G, T* A) const;

  std::vector<int> order_, chunk_columns_, chunk_begin_;
  std::vector<std::uint64_t> keys_;
  std::vector<char> touched_;
  std::vector<double> V_, G_;
  std::vector<float> V_single_, G_single_;
  double work_fraction_ = 1.0;
};

}  // namespace pigx
