// Heat / advection-diffusion (1+1)D: u_t + c u_x - nu u_xx = 0 on [0,1] x [0,1] (c = 0: heat equation),
// exact u = exp(-nu pi^2 t) sin(pi (x - c t)).
#include <cmath>

#include "pigx/core/pde.hpp"
#include "pigx/core/pde_list.hpp"

namespace pigx {
namespace {

struct AdvectionDiffusionEq {
  static constexpr int dim = 2, outputs = 1, order = 2, equations = 1;
  double nu = 0.1, c = 1;

  template <class S>
  KOKKOS_INLINE_FUNCTION S residual(int, const double*, const Taylor<S>& u) const {
    return u.d(1) + c * u.d(0) - nu * u.dd(0, 0);
  }
};

class AdvectionDiffusion : public PdeAdaptor<AdvectionDiffusionEq> {
 public:
  std::string name() const override { return "advection_diffusion"; }
  std::vector<std::string> coordinates() const override { return {"x", "t"}; }
  int time_axis() const override { return 1; }
  Box domain() const override { return Box{2, {0, 0}, {1, 1}, {false, false}}; }
  std::vector<PdeParameter> parameters() override {
    return {{"nu", "diffusion coefficient", &eq_.nu, 0, 1e3}, {"c", "advection speed", &eq_.c, -1e3, 1e3}};
  }
  bool has_exact() const override { return true; }
  void exact(const double* x, double* u) const override {
    u[0] = std::exp(-eq_.nu * M_PI * M_PI * x[1]) * std::sin(M_PI * (x[0] - eq_.c * x[1]));
  }
  TestGridSpec test_grid() const override { return {{101, 101}, "", {}}; }
};

}  // namespace

void register_advection_diffusion(PdeRegistry& r) {
  r.add("advection_diffusion", [] { return std::make_unique<AdvectionDiffusion>(); });
}

}  // namespace pigx
