// The initial-value lift u = MLP + exp(-lambda (t - t0)) u0(x): the problem's u0 derivatives, the values it
// adds, and where it is refused. Its input and parameter derivatives are checked in test_derivatives.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "pigx/core/error.hpp"
#include "pigx/core/initial_lift.hpp"
#include "pigx/core/loss_function.hpp"
#include "test_support.hpp"

namespace pigx {
namespace {

using test::small_spec;

// Allen-Cahn's initial_taylor: initial_value at t = 0, and every first and second derivative in x and t
// against finite differences, at the seam's diffusing kink too (a = 2 sqrt(eps t) = 2e-3 at t = 0.01).
TEST(InitialLift, AllenCahnDerivativesMatchFiniteDifferences) {
  auto pde = builtin_pdes().create("allen_cahn");
  auto component = [&](int j, int axis, const double* at) {
    return [&, j, axis, at](double v) {
      double y[2] = {at[0], at[1]}, T[kMaxComp];
      y[axis] = v;
      pde->initial_taylor(y, T);
      return T[j];
    };
  };
  const double points[][2] = {{-0.93, 0.3}, {0.27, 0.7}, {0.996, 0.01}, {-0.998, 0.02}, {0.97, 0.5}};
  for (const auto& pt : points) {
    double T[kMaxComp];
    ASSERT_TRUE(pde->initial_taylor(pt, T));
    for (int a = 0; a < 2; ++a) {
      const double h = 2e-5;
      const double g = test::fd4(component(0, a, pt), pt[a], h);
      EXPECT_NEAR(T[grad_index(a)], g, 1e-6 * std::max(1.0, std::abs(g))) << "d/dx" << a << " at " << pt[0];
      for (int b = 0; b < 2; ++b) {
        const double hb = test::fd4(component(grad_index(b), a, pt), pt[a], h);
        EXPECT_NEAR(T[hess_index(2, a, b)], hb, 1e-6 * std::max(1.0, std::abs(hb)))
            << "d2/dx" << a << "dx" << b << " at " << pt[0];
      }
    }
  }
  // At t = 0 it is u0, kink and all; near the seam at t > 0 the diffusion has rounded the kink.
  for (double x : {-1.0, -0.4, 0.0, 0.6, 0.999}) {
    const double pt[2] = {x, 0.0};
    double T[kMaxComp], u;
    pde->initial_taylor(pt, T);
    pde->initial_value(pt, &u);
    EXPECT_EQ(T[0], u);
  }
  const double seam[2] = {-1.0, 0.01};
  double T[kMaxComp], u;
  pde->initial_taylor(seam, T);
  pde->initial_value(seam, &u);
  EXPECT_NEAR(T[0] - u, 2 * 2 * std::sqrt(1e-4 * 0.01) / std::sqrt(M_PI), 1e-12);  // 2 a / sqrt(pi)
}

// The lift adds exp(-lambda t) H(x, t) (initial_taylor's value) to the same parameters' output: u0 at t = 0.
TEST(InitialLift, AddsTheDecayingInitialValue) {
  auto pde = builtin_pdes().create("allen_cahn");
  ModelSpec spec = small_spec(2, Covariance::Diagonal, Activation::Tanh);
  for (int d = 0; d < 2; ++d) spec.periodic[d] = pde->domain().periodic[d];
  LossFunction plain(*pde, spec);
  spec.initial_lift = 10;
  LossFunction lifted(*pde, spec);
  const auto theta = test::random_theta(spec, plain.model_box(), 3);
  const std::vector<double> pts = {-0.9, 0.0, 0.2, 0.0, 0.7, 0.0, -0.5, 0.05, 0.1, 0.4, 0.95, 1.0};
  std::vector<double> a, b;
  plain.evaluate_u(theta.data(), pts.data(), 6, 0, a);
  lifted.evaluate_u(theta.data(), pts.data(), 6, 0, b);
  for (int i = 0; i < 6; ++i) {
    double H[kMaxComp], u0;
    pde->initial_taylor(&pts[2 * i], H);
    pde->initial_value(&pts[2 * i], &u0);
    EXPECT_NEAR(b[i] - a[i], std::exp(-10 * pts[2 * i + 1]) * H[0], 1e-14) << "point " << i;
    if (pts[2 * i + 1] == 0) EXPECT_NEAR(b[i] - a[i], u0, 1e-15) << "point " << i;
  }
}

// A negative rate, a lift with a hard boundary, and a problem without a time axis or without u0's
// derivatives are refused naming the key.
TEST(InitialLift, RefusedWhereItCannotApply) {
  ModelSpec s = small_spec(2, Covariance::Diagonal, Activation::Tanh);
  s.initial_lift = -1;
  EXPECT_THROW(s.validate(), Error);
  s.initial_lift = 10;
  EXPECT_NO_THROW(s.validate());
  s.hard_boundary = 0.5;
  EXPECT_THROW(s.validate(), Error);
  s.hard_boundary = 0;
  for (const char* name : {"helmholtz", "flow_mixing"}) {
    auto pde = builtin_pdes().create(name);
    EXPECT_FALSE(has_initial_taylor(*pde)) << name;
    ModelSpec m = small_spec(pde->dim(), Covariance::Diagonal, Activation::Tanh);
    m.initial_lift = 10;
    try {
      LossFunction loss(*pde, m);
      ADD_FAILURE() << name << " accepted model.initial_lift";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("model.initial_lift"), std::string::npos) << e.what();
    }
  }
  EXPECT_TRUE(has_initial_taylor(*builtin_pdes().create("allen_cahn")));
}

}  // namespace
}  // namespace pigx
