#include "pigx/parallel/blocked_gram.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

#include "blas.hpp"

namespace pigx {

namespace {
// Rows are ordered in space only up to this many coordinates (more keeps them in their given order).
constexpr int max_sorted_dim = 8;

// Morton code of a point quantised to `bits` bits per axis of its bounding box: points close in space get
// close codes, so consecutive rows in code order are close too.
std::uint64_t morton_code(const double* x, const double* lo, const double* inv_width, int dim, int bits) {
  const std::uint64_t top = (std::uint64_t{1} << bits) - 1;
  std::uint64_t cell[max_sorted_dim] = {};
  for (int d = 0; d < dim; ++d) {
    const double u = (x[d] - lo[d]) * inv_width[d];
    cell[d] = std::min(top, static_cast<std::uint64_t>(std::max(0.0, u) * static_cast<double>(top + 1)));
  }
  std::uint64_t code = 0;
  for (int b = bits - 1; b >= 0; --b)
    for (int d = 0; d < dim; ++d) code = (code << 1) | ((cell[d] >> b) & 1u);
  return code;
}

// G = V V^T (upper triangle), V column-major k x m: BLAS syrk in V's precision.
void syrk_upper(int k, int m, const double* V, double* G) {
  const double one = 1.0, zero = 0.0;
  dsyrk_("U", "N", &k, &m, &one, V, &k, &zero, G, &k);
}
void syrk_upper(int k, int m, const float* V, float* G) {
  const float one = 1.0f, zero = 0.0f;
  ssyrk_("U", "N", &k, &m, &one, V, &k, &zero, G, &k);
}
}  // namespace

void BlockedGram::order_rows(int n, const double* points, int dim) {
  order_.resize(n);
  std::iota(order_.begin(), order_.end(), 0);
  if (dim <= 0 || dim > max_sorted_dim || !points) return;
  // The bounding box on the stack: compute() runs once per LM step.
  double lo[max_sorted_dim], hi[max_sorted_dim], inv_width[max_sorted_dim];
  std::fill(lo, lo + dim, std::numeric_limits<double>::max());
  std::fill(hi, hi + dim, std::numeric_limits<double>::lowest());
  for (int i = 0; i < n; ++i)
    for (int d = 0; d < dim; ++d)
      lo[d] = std::min(lo[d], points[i * dim + d]), hi[d] = std::max(hi[d], points[i * dim + d]);
  for (int d = 0; d < dim; ++d) inv_width[d] = hi[d] > lo[d] ? 1.0 / (hi[d] - lo[d]) : 0.0;
  const int bits = std::min(16, 63 / dim);
  keys_.resize(n);
  for (int i = 0; i < n; ++i)
    keys_[i] = morton_code(points + static_cast<long long>(i) * dim, lo, inv_width, dim, bits);
  std::stable_sort(order_.begin(), order_.end(), [&](int a, int b) { return keys_[a] < keys_[b]; });
}

void BlockedGram::find_chunk_columns(const double* J, int n, int P) {
  touched_.resize(P);
  chunk_columns_.clear();
  chunk_begin_.assign(1, 0);
  double work = 0;
  for (int c0 = 0; c0 < n; c0 += chunk_rows) {
    const int m = std::min(chunk_rows, n - c0);
    // The columns some row of this chunk touches, in ascending order.
    std::fill(touched_.begin(), touched_.end(), 0);
    for (int i = 0; i < m; ++i) {
      const double* row = J + static_cast<long long>(order_[c0 + i]) * P;
      for (int j = 0; j < P; ++j) touched_[j] |= row[j] != 0.0;
    }
    for (int j = 0; j < P; ++j)
      if (touched_[j]) chunk_columns_.push_back(j);
    chunk_begin_.push_back(static_cast<int>(chunk_columns_.size()));
    const double k = chunk_begin_.back() - chunk_begin_[chunk_begin_.size() - 2];
    work += m * k * k;
  }
  work_fraction_ = work / (static_cast<double>(n) * P * P);
}

template <class T>
void BlockedGram::add_chunk_products(const double* J, int n, int P, std::vector<T>& V, std::vector<T>& G,
                                     T* A) const {
  for (int c = 0, c0 = 0; c0 < n; ++c, c0 += chunk_rows) {
    const int m = std::min(chunk_rows, n - c0);
    const int* active = chunk_columns_.data() + chunk_begin_[c];
    const int k = chunk_begin_[c + 1] - chunk_begin_[c];
    if (k == 0) continue;
    // V: the chunk's rows restricted to its columns, column-major k x m; G = V V^T by syrk.
    V.resize(static_cast<std::size_t>(k) * m);
    for (int i = 0; i < m; ++i) {
      const double* row = J + static_cast<long long>(order_[c0 + i]) * P;
      T* v = V.data() + static_cast<std::size_t>(i) * k;
      for (int a = 0; a < k; ++a) v[a] = static_cast<T>(row[active[a]]);
    }
    G.resize(static_cast<std::size_t>(k) * k);
    syrk_upper(k, m, V.data(), G.data());
    // Columns ascend, so G's upper triangle lands in A's.
    for (int b = 0; b < k; ++b) {
      T* a_col = A + static_cast<std::size_t>(active[b]) * P;
      const T* g_col = G.data() + static_cast<std::size_t>(b) * k;
      for (int a = 0; a <= b; ++a) a_col[active[a]] += g_col[a];
    }
  }
}

template <class T>
bool BlockedGram::start(const double* J, int n, int P, const double* points, int dim, std::vector<T>& A) {
  A.assign(static_cast<std::size_t>(P) * P, T(0));
  work_fraction_ = 1.0;
  if (n <= 0 || P <= 0) return false;
  order_rows(n, points, dim);
  find_chunk_columns(J, n, P);
  return true;
}

void BlockedGram::compute(const double* J, int n, int P, const double* points, int dim,
                          std::vector<double>& A) {
  if (start(J, n, P, points, dim, A)) add_chunk_products(J, n, P, V_, G_, A.data());
}

void BlockedGram::compute_single(const double* J, int n, int P, const double* points, int dim,
                                 std::vector<float>& G) {
  if (!start(J, n, P, points, dim, G)) return;
  if (work_fraction_ <= dense_above) {
    add_chunk_products(J, n, P, V_single_, G_single_, G.data());
    return;
  }
  // Most columns in every chunk: one product over all of them beats the chunks' gathers and scatters.
  work_fraction_ = 1.0;
  V_single_.resize(static_cast<std::size_t>(n) * P);
  std::copy_n(J, V_single_.size(), V_single_.begin());
  // J row-major n x P is column-major P x n: J^T J = V V^T with V = J^T.
  syrk_upper(P, n, V_single_.data(), G.data());
}

}  // namespace pigx
