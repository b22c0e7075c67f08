// BlockedGram: J^T J over each chunk's non-zero columns equals the dense product, and skips work when the
// columns are local in space.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "pigx/parallel/blocked_gram.hpp"

namespace pigx {
namespace {

// Row-major n x P Jacobian of n random points in [0,1]^3: `local` columns are bumps of radius 0.2 around
// random centres (exactly zero outside), the last `dense` columns are non-zero everywhere.
void local_jacobian(int n, int local, int dense, std::vector<double>& points, std::vector<double>& J) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const int P = local + dense;
  std::vector<double> centre(3 * local);
  for (double& c : centre) c = u(rng);
  points.resize(3 * n);
  for (double& x : points) x = u(rng);
  J.assign(static_cast<std::size_t>(n) * P, 0.0);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < local; ++j) {
      double q = 0;
      for (int d = 0; d < 3; ++d) q += std::pow(points[3 * i + d] - centre[3 * j + d], 2);
      if (q < 0.04) J[static_cast<std::size_t>(i) * P + j] = (0.04 - q) * (1 + j % 5);
    }
    for (int j = local; j < P; ++j) J[static_cast<std::size_t>(i) * P + j] = u(rng) - 0.5;
  }
}

// Largest difference to the dense J^T J over the upper triangle, relative to its largest entry; the lower
// triangle must be zero.
double gram_error(const std::vector<double>& J, int n, int P, const std::vector<double>& A) {
  double err = 0, scale = 0;
  for (int b = 0; b < P; ++b)
    for (int a = 0; a < P; ++a) {
      const double got = A[a + static_cast<std::size_t>(b) * P];
      if (a > b) {
        EXPECT_EQ(got, 0.0) << "lower triangle at (" << a << ", " << b << ")";
        continue;
      }
      double want = 0;
      for (int i = 0; i < n; ++i)
        want += J[static_cast<std::size_t>(i) * P + a] * J[static_cast<std::size_t>(i) * P + b];
      err = std::max(err, std::abs(got - want)), scale = std::max(scale, std::abs(want));
    }
  return err / scale;
}

TEST(BlockedGram, LocalColumnsGiveTheDenseProductForLessWork) {
  const int n = 1000, local = 150, dense = 10, P = local + dense;  // n is not a multiple of the chunk
  std::vector<double> points, J, A;
  local_jacobian(n, local, dense, points, J);
  BlockedGram gram;
  gram.compute(J.data(), n, P, points.data(), 3, A);
  ASSERT_EQ(A.size(), static_cast<std::size_t>(P) * P);
  EXPECT_LT(gram_error(J, n, P, A), 1e-13);
  EXPECT_LT(gram.work_fraction(), 0.6);  // bumps of radius 0.2: a chunk touches a minority of them
  // A second call reuses the buffers and gives the same matrix.
  std::vector<double> again;
  gram.compute(J.data(), n, P, points.data(), 3, again);
  EXPECT_EQ(again, A);
}

TEST(BlockedGram, DenseColumnsAndEmptyInput) {
  const int n = 300, P = 40;
  std::vector<double> points, J, A;
  local_jacobian(n, 0, P, points, J);
  BlockedGram gram;
  gram.compute(J.data(), n, P, points.data(), 3, A);
  EXPECT_LT(gram_error(J, n, P, A), 1e-13);
  EXPECT_DOUBLE_EQ(gram.work_fraction(), 1.0);
  // Rows without points (no spatial order) and no rows at all.
  gram.compute(J.data(), n, P, nullptr, 0, A);
  EXPECT_LT(gram_error(J, n, P, A), 1e-13);
  gram.compute(J.data(), 0, P, nullptr, 0, A);
  EXPECT_EQ(A, std::vector<double>(static_cast<std::size_t>(P) * P, 0.0));
}

// G in single precision, as the double upper triangle gram_error() reads.
std::vector<double> upper_of(const std::vector<float>& G, int P) {
  std::vector<double> A(G.begin(), G.end());
  for (int b = 0; b < P; ++b)
    for (int a = b + 1; a < P; ++a) A[a + static_cast<std::size_t>(b) * P] = 0.0;
  return A;
}

TEST(BlockedGram, SinglePrecisionIsTheProductToSinglePrecision) {
  BlockedGram gram;
  std::vector<double> points, J;
  std::vector<float> G;
  // Local columns: the chunked product, over a minority of the columns.
  const int n = 1000, local = 150, dense = 10, P = local + dense;
  local_jacobian(n, local, dense, points, J);
  gram.compute_single(J.data(), n, P, points.data(), 3, G);
  ASSERT_EQ(G.size(), static_cast<std::size_t>(P) * P);
  double err = gram_error(J, n, P, upper_of(G, P));
  EXPECT_LT(err, 1e-5);   // single precision: about 1e-7 per entry, summed over n rows
  EXPECT_GT(err, 1e-12);  // and really single, not the double product
  EXPECT_LT(gram.work_fraction(), 0.6);
  // Dense columns: one product over all of them.
  const int m = 300, Q = 40;
  local_jacobian(m, 0, Q, points, J);
  gram.compute_single(J.data(), m, Q, points.data(), 3, G);
  err = gram_error(J, m, Q, upper_of(G, Q));
  EXPECT_LT(err, 1e-5);
  EXPECT_GT(err, 1e-12);
  EXPECT_DOUBLE_EQ(gram.work_fraction(), 1.0);
  gram.compute_single(J.data(), 0, Q, nullptr, 0, G);
  EXPECT_EQ(G, std::vector<float>(static_cast<std::size_t>(Q) * Q, 0.0f));
}

}  // namespace
}  // namespace pigx
