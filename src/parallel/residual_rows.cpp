#include "pigx/parallel/residual_rows.hpp"

namespace pigx {

void ResidualRows::clear() {
  r.clear();
  row_begin.assign(1, 0);
  column.clear();
  value.clear();
  loss = 0;
}

void ResidualRows::add_row(double residual) {
  r.push_back(residual);
  row_begin.push_back(static_cast<long long>(column.size()));
}

void ResidualRows::add_entries(long long col0, const double* v, long long n) {
  for (long long k = 0; k < n; ++k)
    if (v[k] != 0) column.push_back(col0 + k), value.push_back(v[k]);
  row_begin.back() = static_cast<long long>(column.size());
}

void ResidualRows::add_dense_rows(const double* J, const double* residuals, long long n, long long ncols,
                                  long long col0) {
  for (long long i = 0; i < n; ++i) {
    add_row(residuals[i]);
    add_entries(col0, J + i * ncols, ncols);
  }
}

}  // namespace pigx
