// Domain decomposition: the layout and ownership, the exact gradient of the decomposed loss (every interface
// condition) against finite differences, and results that do not depend on how subdomains sit on ranks:
// the loss, gradient and Gauss-Newton data on P ranks equal, bit for bit, those of one process holding every
// subdomain (run at 1, 2 and 4 ranks).
#include <gtest/gtest.h>
#include <mpi.h>

#include <random>

#include "mpi_support.hpp"
#include "pigx/core/interface_condition.hpp"
#include "pigx/parallel/decomposed_loss.hpp"
#include "pigx/parallel/distributed_cholesky.hpp"
#include "test_support.hpp"

namespace pigx {
namespace {

using test::world_size;

TEST(Decomposition, TwoByTwoLayoutFacesOwnersAndLocation) {
  const Box box{2, {-1, -1}, {1, 1}, {false, false}};
  const Decomposition d(box, {2, 2}, 3);
  ASSERT_EQ(d.count(), 4);
  EXPECT_EQ(d.text(), "2x2");
  EXPECT_DOUBLE_EQ(d.box(3).lo[0], 0.0);
  EXPECT_DOUBLE_EQ(d.box(3).hi[1], 1.0);
  ASSERT_EQ(d.faces().size(), 4u);
  EXPECT_EQ(d.faces()[0].a, 0);
  EXPECT_EQ(d.faces()[0].b, 1);
  EXPECT_EQ(d.faces()[0].axis, 0);
  EXPECT_EQ(d.faces()[1].a, 0);
  EXPECT_EQ(d.faces()[1].b, 2);
  EXPECT_EQ(d.faces()[1].axis, 1);
  // 4 subdomains on 3 ranks: blocks of 2, 1, 1.
  EXPECT_EQ(d.owner(0), 0);
  EXPECT_EQ(d.owner(1), 0);
  EXPECT_EQ(d.owner(2), 1);
  EXPECT_EQ(d.owner(3), 2);
  const double x[2] = {0.5, -0.5}, corner[2] = {1, 1}, mid[2] = {0, 0};
  EXPECT_EQ(d.locate(x), 1);
  EXPECT_EQ(d.locate(corner), 3);
  EXPECT_EQ(d.locate(mid), 3);  // half-open slabs
  EXPECT_THROW(Decomposition(box, {2, 2}, 5), Error);
  const Box periodic{2, {0, 0}, {1, 1}, {true, false}};
  EXPECT_THROW(Decomposition(periodic, {2, 1}, 1), Error);
  EXPECT_NO_THROW(Decomposition(periodic, {1, 2}, 1));
}

// The distributed Cholesky factor reproduces the matrix and is bitwise the same as one process's.
TEST(DistributedCholesky, FactorsAndDoesNotDependOnTheRankCount) {
  const int n = 203;  // not a multiple of the block
  std::mt19937_64 rng(3);
  std::normal_distribution<double> nd(0, 1);
  std::vector<double> B(n * n), M(n * n, 0.0);
  for (double& b : B) b = nd(rng);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      for (int k = 0; k < n; ++k) M[i + j * n] += B[k + i * n] * B[k + j * n];
      if (i == j) M[i + j * n] += n;
    }
  std::vector<double> shift(n, 0.5), U, U1;
  for (int i = 0; i < n; ++i) M[i + i * n] -= 0.5;  // the factor is of M + shift
  ASSERT_EQ(distributed_cholesky(MPI_COMM_WORLD, n, M, shift, U, 32), 0);
  ASSERT_EQ(distributed_cholesky(MPI_COMM_SELF, n, M, shift, U1, 32), 0);
  for (int i = 0; i < n; ++i) M[i + i * n] += 0.5;
  double worst = 0;
  for (int i = 0; i < n; ++i)
    for (int j = i; j < n; ++j) {
      EXPECT_EQ(U[i + j * n], U1[i + j * n]);
      double s = 0;
      for (int k = 0; k <= i; ++k) s += U[k + i * n] * U[k + j * n];
      worst = std::max(worst, std::abs(s - M[i + j * n]) / M[j + j * n]);
    }
  EXPECT_LT(worst, 1e-12);
  std::vector<double> bad = M, B2;
  bad[150 + 150 * n] = -1.0;  // not positive definite: every rank gets the failing index
  EXPECT_GT(distributed_cholesky(MPI_COMM_WORLD, n, bad, std::vector<double>(n, 0.0), B2, 32), 0);
}

ModelSpec spec_for(const Pde& pde) {
  ModelSpec s = test::small_spec(pde.dim(), Covariance::Diagonal, Activation::Tanh, pde.outputs());
  s.sigma0 = 0.4;
  return s;
}

SamplingSpec sampling() {
  SamplingSpec s;
  s.residual = 96;
  s.boundary = 40;
  s.initial = 24;
  return s;
}

InterfaceSpec every_condition(const Pde& pde) {
  InterfaceSpec f;
  f.conditions.clear(), f.weights.clear();
  double w = 0.5;
  for (const auto& name : builtin_interface_conditions().names()) {
    if (builtin_interface_conditions().create(name)->min_order() > pde.order()) continue;
    f.conditions.push_back(name);
    f.weights.push_back(w += 0.25);
  }
  f.points_per_face = 7;
  f.step = 1e-2;
  return f;
}

// The full gradient on every rank from the ranks' slices.
std::vector<double> gather_full(const DecomposedLoss& dl, const std::vector<double>& view) {
  const int P = world_size();
  std::vector<int> counts(P), displs(P);
  const int n = static_cast<int>(view.size());
  MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
  for (int r = 1; r < P; ++r) displs[r] = displs[r - 1] + counts[r - 1];
  std::vector<double> full(dl.size());
  MPI_Allgatherv(view.data(), n, MPI_DOUBLE, full.data(), counts.data(), displs.data(), MPI_DOUBLE,
                 MPI_COMM_WORLD);
  return full;
}

struct Case {
  std::string pde;
  std::vector<int> counts;
};

class DecomposedLossTest : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    pde = builtin_pdes().create(GetParam().pde);
    spec = spec_for(*pde);
    iface = every_condition(*pde);
  }
  std::unique_ptr<DecomposedLoss> make(MPI_Comm comm) {
    int size;
    MPI_Comm_size(comm, &size);
    auto dl = std::make_unique<DecomposedLoss>(
        comm, *pde, spec, Decomposition(pde->domain(), GetParam().counts, size), sampling(), iface);
    dl->resample(3, 1, nullptr);
    return dl;
  }
  std::vector<double> theta(const DecomposedLoss& dl) {
    std::vector<double> th;
    dl.initialise(5, th);
    std::mt19937_64 rng(9);
    std::normal_distribution<double> n(0, 0.1);
    for (double& v : th) v += n(rng);  // non-zero biases and off-centre features
    return th;
  }
  std::unique_ptr<Pde> pde;
  ModelSpec spec;
  InterfaceSpec iface;
};

TEST_P(DecomposedLossTest, GradientMatchesFiniteDifferences) {
  auto dl = make(MPI_COMM_WORLD);
  std::vector<double> th = theta(*dl), view_grad(dl->view_size()), terms;
  dl->evaluate(th.data() + dl->view_begin(), view_grad.data(), terms);
  ASSERT_EQ(terms.size(), dl->term_names().size());
  double interface_loss = 0;
  for (std::size_t t = 0; t < terms.size(); ++t)
    if (dl->term_names()[t].rfind("interface_", 0) == 0) interface_loss += terms[t];
  EXPECT_GT(interface_loss, 0.0);
  const std::vector<double> grad = gather_full(*dl, view_grad);
  // Every subdomain's block, each parameter group: a stride through the whole vector.
  std::vector<double> mine, fd;
  for (long long i = 0; i < dl->size(); i += 7) {
    auto f = [&](double t) {
      std::vector<double> x = th, tl;
      x[i] = t;
      return dl->evaluate(x.data() + dl->view_begin(), nullptr, tl);
    };
    mine.push_back(grad[i]);
    fd.push_back(test::fd4(f, th[i], 1e-4));
  }
  EXPECT_LT(test::max_rel_diff(mine, fd, 1e-3), 1e-6);
}

TEST_P(DecomposedLossTest, GaussNewtonDataMatchLossAndGradient) {
  auto dl = make(MPI_COMM_WORLD);
  std::vector<double> th = theta(*dl), view_grad(dl->view_size()), terms, A, g;
  const double L = dl->evaluate(th.data() + dl->view_begin(), view_grad.data(), terms);
  const std::vector<double> grad = gather_full(*dl, view_grad);
  const double f = dl->normal_equations(th.data(), A, g);
  EXPECT_NEAR(f, L, 1e-12 * L);
  std::vector<double> half(grad.size());
  for (std::size_t i = 0; i < grad.size(); ++i) half[i] = 0.5 * grad[i];
  EXPECT_LT(test::max_rel_diff(g, half), 1e-10);
  // J^T J is positive semi-definite on its diagonal, and coupling blocks exist between neighbours only.
  const long long P = dl->size(), B = dl->block();
  for (long long i = 0; i < P; ++i) EXPECT_GE(A[i + i * P], 0.0);
  double coupling = 0;
  for (long long i = 0; i < B; ++i)
    for (long long j = B; j < 2 * B; ++j) coupling += std::abs(A[i + j * P]);
  EXPECT_GT(coupling, 0.0);  // subdomains 0 and 1 share a face
}

// Loss, gradient and Gauss-Newton data on the world's ranks equal one process's, bit for bit.
TEST_P(DecomposedLossTest, ResultsDoNotDependOnTheRankLayout) {
  auto dist = make(MPI_COMM_WORLD);
  auto alone = make(MPI_COMM_SELF);
  std::vector<double> th = theta(*dist), vg(dist->view_size()), g1(alone->size()), t, t1;
  const double L = dist->evaluate(th.data() + dist->view_begin(), vg.data(), t);
  const double L1 = alone->evaluate(th.data(), g1.data(), t1);
  EXPECT_EQ(L, L1);
  EXPECT_EQ(t, t1);
  EXPECT_EQ(gather_full(*dist, vg), g1);
  std::vector<double> A, g, A1, gg1;
  EXPECT_EQ(dist->normal_equations(th.data(), A, g), alone->normal_equations(th.data(), A1, gg1));
  EXPECT_EQ(g, gg1);
  EXPECT_EQ(A, A1);
  if (world_size() > 1) {
    long long bytes = dist->bytes_sent();
    MPI_Allreduce(MPI_IN_PLACE, &bytes, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    EXPECT_GT(bytes, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Problems, DecomposedLossTest,
                         ::testing::Values(Case{"helmholtz", {2, 2}}, Case{"klein_gordon", {2, 1, 2}},
                                           Case{"allen_cahn", {1, 4}}),
                         [](const auto& info) { return info.param.pde; });

TEST(DecomposedLoss, RefusesConditionsAboveThePdeOrderAndTrainedCoefficients) {
  auto flow = builtin_pdes().create("flow_mixing");  // first order
  InterfaceSpec f;
  f.conditions = {"second_normal"}, f.weights = {1};
  EXPECT_THROW(DecomposedLoss(MPI_COMM_SELF, *flow, spec_for(*flow),
                              Decomposition(flow->domain(), {1, 2, 1}, 1), sampling(), f),
               Error);
  auto h = builtin_pdes().create("helmholtz");
  h->train_coefficients({"k"});
  ModelSpec s = spec_for(*h);
  s.coefficients = {1.0};
  EXPECT_THROW(DecomposedLoss(MPI_COMM_SELF, *h, s, Decomposition(h->domain(), {2, 1}, 1), sampling(),
                              InterfaceSpec{}),
               Error);
}

}  // namespace
}  // namespace pigx
