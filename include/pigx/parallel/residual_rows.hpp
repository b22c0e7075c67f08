// The residual form of a loss on one rank: its rows of the weighted residual vector r (the loss is the global
// sum of r^2) and of the Jacobian dr/dtheta, in compressed sparse rows over global parameter indices. The
// Gauss-Newton solver applies J v and J^T w from these rows without ever forming J^T J.
#pragma once

#include <vector>

namespace pigx {

/// This rank's residual rows at one parameter vector. Entries the culled kernels leave exactly zero are
/// dropped, so the rows keep the locality of truncated Gaussians.
struct ResidualRows {
  std::vector<double> r;                ///< local residuals
  std::vector<long long> row_begin{0};  ///< row i owns entries row_begin[i] .. row_begin[i+1]-1
  std::vector<long long> column;        ///< global parameter index of each entry
  std::vector<double> value;            ///< d r_i / d theta_column
  double loss = 0;                      ///< global sum of r^2 (identical on every rank)

  /// Empties the rows.
  void clear();
  /// Number of local rows.
  long long rows() const { return static_cast<long long>(r.size()); }
  /// Starts a row with residual `residual`.
  void add_row(double residual);
  /// Adds the non-zeros of n dense Jacobian entries of the current row, columns col0 .. col0 + n - 1.
  void add_entries(long long col0, const double* v, long long n);
  /// Appends n dense rows (row-major, ncols columns starting at global column col0) and their residuals.
  void add_dense_rows(const double* J, const double* residuals, long long n, long long ncols, long long col0);
};

}  // namespace pigx
