// Viscous Burgers (1+1)D: u_t + u u_x - nu u_xx = 0 on [-1,1] x [0,1], with the exact travelling
// shock u = c - a tanh(a (x - c t) / (2 nu)) providing initial and boundary data.
#include <cmath>

#include "pigx/core/pde.hpp"
#include "pigx/core/pde_list.hpp"

namespace pigx {
namespace {

struct BurgersEq {
  static constexpr int dim = 2, outputs = 1, order = 2, equations = 1;
  double nu = 0.05, a = 0.5, c = 0.2;

  template <class S>
  KOKKOS_INLINE_FUNCTION S residual(int, const double*, const Taylor<S>& u) const {
    return u.d(1) + u.u() * u.d(0) - nu * u.dd(0, 0);
  }
};

class Burgers : public PdeAdaptor<BurgersEq> {
 public:
  std::string name() const override { return "burgers"; }
  std::vector<std::string> coordinates() const override { return {"x", "t"}; }
  int time_axis() const override { return 1; }
  Box domain() const override { return Box{2, {-1, 0}, {1, 1}, {false, false}}; }
  std::vector<PdeParameter> parameters() override {
    return {{"nu", "viscosity", &eq_.nu, 1e-8, 1e3},
            {"a", "amplitude of the travelling shock", &eq_.a, -1e3, 1e3},
            {"c", "speed of the travelling shock", &eq_.c, -1e3, 1e3}};
  }
  bool has_exact() const override { return true; }
  void exact(const double* x, double* u) const override {
    u[0] = eq_.c - eq_.a * std::tanh(eq_.a * (x[0] - eq_.c * x[1]) / (2 * eq_.nu));
  }
  TestGridSpec test_grid() const override { return {{101, 101}, "", {}}; }
};

}  // namespace

void register_burgers(PdeRegistry& r) {
  r.add("burgers", [] { return std::make_unique<Burgers>(); });
}

}  // namespace pigx
