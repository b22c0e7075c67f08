// Allen-Cahn (1+1)D: u_t - eps u_xx + kappa (u^3 - u) = 0, x in [-1,1) periodic, t in [0,1],
// u(0,x) = x^2 cos(pi x). Periodicity is exact: Gaussians see minimum-image distances along x.
#include <cmath>

#include "pigx/core/pde.hpp"
#include "pigx/core/pde_list.hpp"

namespace pigx {
namespace {

struct AllenCahnEq {
  static constexpr int dim = 2, outputs = 1, order = 2, equations = 1;
  double eps = 1e-4, kappa = 5;

  template <class S>
  KOKKOS_INLINE_FUNCTION S residual(int, const double*, const Taylor<S>& u) const {
    return u.d(1) - eps * u.dd(0, 0) + kappa * (u.u() * u.u() * u.u() - u.u());
  }
};

class AllenCahn : public PdeAdaptor<AllenCahnEq> {
 public:
  std::string name() const override { return "allen_cahn"; }
  std::vector<std::string> coordinates() const override { return {"x", "t"}; }
  int time_axis() const override { return 1; }
  Box domain() const override { return Box{2, {-1, 0}, {1, 1}, {true, false}}; }
  std::vector<PdeParameter> parameters() override {
    return {{"eps", "diffusion coefficient", &eq_.eps, 0, 1e3},
            {"kappa", "reaction coefficient", &eq_.kappa, -1e3, 1e3}};
  }
  void initial_value(const double* x, double* u) const override {
    u[0] = x[0] * x[0] * std::cos(M_PI * x[0]);
  }
  TestGridSpec test_grid() const override { return {{}, "allen_cahn_1d_reference.h5", {"t", "x"}}; }
};

}  // namespace

void register_allen_cahn(PdeRegistry& r) {
  r.add("allen_cahn", [] { return std::make_unique<AllenCahn>(); });
}

}  // namespace pigx
