// Nonlinear diffusion (2+1)D: u_t = alpha div(u grad u) on [-1,1]^2 x [0,1], u = 0 on the boundary,
// initial value a sum of three bumps; measured against the shipped reference solution.
#include <cmath>

#include "pigx/core/pde.hpp"
#include "pigx/core/pde_list.hpp"

namespace pigx {
namespace {

struct NonlinearDiffusionEq {
  static constexpr int dim = 3, outputs = 1, order = 2, equations = 1;
  Coefficient alpha = 0.05;

  template <class S>
  KOKKOS_INLINE_FUNCTION S residual(int, const double*, const Taylor<S>& u) const {
    return u.d(2) - alpha.get<S>() * (u.d(0) * u.d(0) + u.d(1) * u.d(1) + u.u() * (u.dd(0, 0) + u.dd(1, 1)));
  }
};

class NonlinearDiffusion : public PdeAdaptor<NonlinearDiffusionEq> {
 public:
  std::string name() const override { return "nonlinear_diffusion"; }
  std::vector<std::string> coordinates() const override { return {"x", "y", "t"}; }
  int time_axis() const override { return 2; }
  Box domain() const override { return Box{3, {-1, -1, 0}, {1, 1, 1}, {false, false, false}}; }
  std::vector<PdeParameter> parameters() override {
    return {PdeParameter::trainable("alpha", "diffusion coefficient (trainable)", eq_.alpha, 0, 1e3)};
  }
  void boundary_value(const double*, double* u) const override { u[0] = 0; }
  void initial_value(const double* x, double* u) const override {
    const double X = x[0], Y = x[1];
    u[0] = 0.25 * std::exp(-((X - 0.3) * (X - 0.3) + (Y - 0.2) * (Y - 0.2)) / 0.1) +
           0.4 * std::exp(-15 * ((X + 0.5) * (X + 0.5) + (Y + 0.1) * (Y + 0.1))) +
           0.3 * std::exp(-20 * (X * X + (Y + 0.5) * (Y + 0.5)));
  }
  TestGridSpec test_grid() const override {
    return {{}, "nonlinear_diffusion_2d_reference.h5", {"t", "x", "y"}};
  }
};

}  // namespace

void register_nonlinear_diffusion(PdeRegistry& r) {
  r.add("nonlinear_diffusion", [] { return std::make_unique<NonlinearDiffusion>(); });
}

}  // namespace pigx
