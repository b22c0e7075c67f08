// Probes (the interface conditions' read-out): values match the model's Taylor data and residual, and the
// pulled-back adjoints and Jacobian rows match finite differences, for every PDE.
#include <gtest/gtest.h>

#include <random>

#include "pigx/core/interface_condition.hpp"
#include "pigx/core/loss_function.hpp"
#include "pigx/core/pde.hpp"
#include "test_support.hpp"

namespace pigx {
namespace {

struct ProbeFixture {
  std::unique_ptr<Pde> pde;
  ModelSpec spec;
  std::unique_ptr<LossFunction> loss;
  std::vector<double> theta, points;
  int n = 6;

  explicit ProbeFixture(const std::string& name) : pde(builtin_pdes().create(name)) {
    spec = test::small_spec(pde->dim(), Covariance::Full, Activation::Tanh, pde->outputs());
    if (pde->dim() > 3 || pde->dim() == 1) spec.covariance = Covariance::Diagonal;
    loss = std::make_unique<LossFunction>(*pde, spec);
    theta = test::random_theta(spec, loss->model_box(), 11);
    TermData residual;
    residual.name = "residual";
    residual.points = test::random_points(pde->domain(), 5, 3);
    residual.global_count = 5;
    TermData probes;
    probes.points = test::random_points(pde->domain(), n, 4);
    if (pde->has_forcing()) {
      for (int i = 0; i < 5 * pde->equations(); ++i) residual.forcing.push_back(0.2 * i - 0.4);
      for (int i = 0; i < n * pde->equations(); ++i) probes.forcing.push_back(0.3 * i - 0.7);
    }
    points = probes.points;
    loss->set_terms({residual}, probes);
  }
  // sum_(p,k) adjoint(p,k) v_k(p) at theta.
  double functional(const std::vector<double>& th, const std::vector<double>& adjoint) {
    std::vector<double> terms, values;
    loss->evaluate_forward(th.data(), false, terms, values);
    double s = 0;
    for (std::size_t i = 0; i < values.size(); ++i) s += adjoint[i] * values[i];
    return s;
  }
};

class Probes : public ::testing::TestWithParam<std::string> {};

TEST_P(Probes, ValuesAreTheTaylorDataAndTheResidual) {
  ProbeFixture f(GetParam());
  std::vector<double> terms, values, U;
  f.loss->evaluate_forward(f.theta.data(), false, terms, values);
  const int W = f.loss->probe_width(), O = f.pde->outputs(), nc = taylor_size(f.pde->dim(), f.pde->order());
  ASSERT_EQ(static_cast<int>(values.size()), f.n * W);
  f.loss->evaluate_u(f.theta.data(), f.points.data(), f.n, f.pde->order(), U);
  for (int p = 0; p < f.n; ++p)
    for (int k = 0; k < O * nc; ++k)
      EXPECT_NEAR(values[p * W + k], U[p * O * nc + k], 1e-12) << p << " " << k;
  // The residual value: the loss of a residual term holding only probe p is weight/count * R^2.
  for (int p = 0; p < f.n && f.pde->equations() == 1; ++p) {
    TermData one;
    one.name = "one";
    one.points.assign(&f.points[p * f.pde->dim()], &f.points[p * f.pde->dim()] + f.pde->dim());
    one.global_count = 1;
    if (f.pde->has_forcing()) one.forcing = {0.3 * p - 0.7};
    LossFunction single(*f.pde, f.spec);
    single.set_terms({one});
    std::vector<double> t;
    const double R2 = single.evaluate(f.theta.data(), nullptr, t);
    EXPECT_NEAR(values[p * W + O * nc] * values[p * W + O * nc], R2, 1e-10 * (1 + R2)) << p;
  }
}

TEST_P(Probes, AdjointPullBackMatchesFiniteDifferences) {
  ProbeFixture f(GetParam());
  const int W = f.loss->probe_width();
  std::mt19937_64 rng(5);
  std::normal_distribution<double> nd(0, 1);
  std::vector<double> adjoint(f.n * W);
  for (double& a : adjoint) a = nd(rng);
  std::vector<double> terms, values, grad(f.theta.size()), grad0(f.theta.size());
  // Gradient of (terms' loss + functional) minus the gradient of the terms' loss alone.
  f.loss->evaluate_forward(f.theta.data(), true, terms, values);
  f.loss->evaluate_reverse(adjoint, grad.data());
  f.loss->evaluate(f.theta.data(), grad0.data(), terms);
  std::vector<double> fd(f.theta.size()), mine(f.theta.size());
  for (std::size_t i = 0; i < f.theta.size(); ++i) {
    auto th = f.theta;
    mine[i] = grad[i] - grad0[i];
    fd[i] = test::fd4(
        [&](double t) {
          th[i] = t;
          return f.functional(th, adjoint);
        },
        f.theta[i], 1e-4);
  }
  EXPECT_LT(test::max_rel_diff(mine, fd, 1e-3), 1e-6);
}

TEST_P(Probes, JacobianRowsMatchFiniteDifferences) {
  ProbeFixture f(GetParam());
  const int W = f.loss->probe_width();
  View2 Jd;
  f.loss->probe_jacobian(f.theta.data(), Jd);
  auto J = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), Jd);
  ASSERT_EQ(static_cast<int>(J.extent(0)), f.n * W);
  std::vector<double> mine, fd;
  for (std::size_t i = 0; i < f.theta.size(); i += 3) {
    auto th = f.theta;
    std::vector<double> plus, minus, terms;
    const double h = 1e-5;
    th[i] = f.theta[i] + h;
    f.loss->evaluate_forward(th.data(), false, terms, plus);
    th[i] = f.theta[i] - h;
    f.loss->evaluate_forward(th.data(), false, terms, minus);
    for (int row = 0; row < f.n * W; ++row) {
      mine.push_back(J(row, i));
      fd.push_back((plus[row] - minus[row]) / (2 * h));
    }
  }
  EXPECT_LT(test::max_rel_diff(mine, fd, 1e-2), 1e-5);
}

std::vector<std::string> pde_names() {
  return builtin_pdes().names();
}

INSTANTIATE_TEST_SUITE_P(EveryPde, Probes, ::testing::ValuesIn(pde_names()));

TEST(InterfaceConditions, EveryBuiltinIsRegisteredWithRowsOfTheRightShape) {
  const auto& reg = builtin_interface_conditions();
  EXPECT_EQ(reg.names().size(), 9u);
  const ProbeLayout L{2, 1, 2, 1};
  for (const auto& name : reg.names()) {
    auto c = reg.create(name);
    EXPECT_EQ(c->name(), name);
    for (const InterfaceRow& r : c->rows(L, 0, 1e-3)) {
      EXPECT_EQ(r.a.size(), c->offsets().size() * L.width());
      EXPECT_EQ(r.b.size(), r.a.size());
    }
  }
  EXPECT_THROW(reg.create("no_such_condition"), Error);
}

// Every continuity condition vanishes when both sides see the same smooth function.
TEST(InterfaceConditions, ContinuityRowsVanishForEqualSides) {
  const ProbeLayout L{2, 1, 2, 1};
  std::vector<double> v(2 * L.width());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = 0.1 * i + 0.3;
  for (const auto& name : builtin_interface_conditions().names()) {
    if (name == "residual") continue;  // not a continuity condition
    auto c = builtin_interface_conditions().create(name);
    for (const InterfaceRow& r : c->rows(L, 1, 1e-3)) {
      double sum = 0;
      for (std::size_t k = 0; k < r.a.size(); ++k) sum += (r.a[k] + r.b[k]) * v[k];
      EXPECT_NEAR(sum, 0.0, 1e-12) << name;
    }
  }
}

}  // namespace
}  // namespace pigx
