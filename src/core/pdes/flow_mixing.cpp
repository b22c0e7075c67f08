// Flow mixing (2+1)D: u_t + a u_x + b u_y = 0 on [-4,4]^2 x [0,4] with the rotating vortex field of
// the PIG benchmark; exact u = -tanh((y/2) cos(w t) - (x/2) sin(w t)).
#include "pigx/core/pde.hpp"
#include "pigx/core/pde_list.hpp"

namespace pigx {
namespace {

struct FlowMixingEq {
  static constexpr int dim = 3, outputs = 1, order = 1, equations = 1;
  double vmax = 0.385;

  // v_t / r = sech(r)^2 tanh(r) / r, with its limit 1 at r = 0 (never 0/0).
  KOKKOS_INLINE_FUNCTION static double vt_over_r(double r) {
    if (r < 1e-6) return 1.0 - (4.0 / 3.0) * r * r;  // series of tanh(r) sech(r)^2 / r
    const double ch = math::cosh(r);
    return math::tanh(r) / (ch * ch * r);
  }
  KOKKOS_INLINE_FUNCTION double solution(const double* x) const {
    const double r = math::sqrt(x[0] * x[0] + x[1] * x[1]);
    const double w = vt_over_r(r) / vmax;
    return -math::tanh(0.5 * x[1] * math::cos(w * x[2]) - 0.5 * x[0] * math::sin(w * x[2]));
  }
  template <class S>
  KOKKOS_INLINE_FUNCTION S residual(int, const double* x, const Taylor<S>& u) const {
    const double r = math::sqrt(x[0] * x[0] + x[1] * x[1]);
    const double k = vt_over_r(r) / vmax;
    return u.d(2) - k * x[1] * u.d(0) + k * x[0] * u.d(1);
  }
};

class FlowMixing : public PdeAdaptor<FlowMixingEq> {
 public:
  std::string name() const override { return "flow_mixing"; }
  std::vector<std::string> coordinates() const override { return {"x", "y", "t"}; }
  int time_axis() const override { return 2; }
  Box domain() const override { return Box{3, {-4, -4, 0}, {4, 4, 4}, {false, false, false}}; }
  std::vector<PdeParameter> parameters() override {
    return {{"vmax", "normalisation of the vortex speed", &eq_.vmax, 1e-6, 1e6}};
  }
  bool has_exact() const override { return true; }
  void exact(const double* x, double* u) const override { u[0] = eq_.solution(x); }
  TestGridSpec test_grid() const override { return {{50, 50, 50}, "", {}}; }
};

}  // namespace

void register_flow_mixing(PdeRegistry& r) {
  r.add("flow_mixing", [] { return std::make_unique<FlowMixing>(); });
}

}  // namespace pigx
