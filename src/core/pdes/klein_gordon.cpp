// Klein-Gordon (2+1)D: u_tt - u_xx - u_yy + c u^2 = f on [-1,1]^2 x [0,10],
// exact u = (x+y) cos(2t) + x y sin(2t); initial value and Dirichlet data from it (no u_t condition).
#include "pigx/core/pde.hpp"
#include "pigx/core/pde_list.hpp"

namespace pigx {
namespace {

struct KleinGordonEq {
  static constexpr int dim = 3, outputs = 1, order = 2, equations = 1;
  Coefficient c = 1;  // coefficient of the nonlinear term (trainable)
  double c_true = 1;  // coefficient the source was made with

  KOKKOS_INLINE_FUNCTION double solution(const double* x) const {
    return (x[0] + x[1]) * math::cos(2 * x[2]) + x[0] * x[1] * math::sin(2 * x[2]);
  }
  template <class S>
  KOKKOS_INLINE_FUNCTION S residual(int, const double* x, const Taylor<S>& u) const {
    const double ue = solution(x);
    const double f = -4 * ue + c_true * ue * ue;  // u_tt = -4 u, Laplacian of u = 0
    return u.dd(2, 2) - u.dd(0, 0) - u.dd(1, 1) + c.get<S>() * u.u() * u.u() - f;
  }
};

class KleinGordon : public PdeAdaptor<KleinGordonEq> {
 public:
  std::string name() const override { return "klein_gordon"; }
  std::vector<std::string> coordinates() const override { return {"x", "y", "t"}; }
  int time_axis() const override { return 2; }
  Box domain() const override { return Box{3, {-1, -1, 0}, {1, 1, 10}, {false, false, false}}; }
  std::vector<PdeParameter> parameters() override {
    return {PdeParameter::trainable("c", "coefficient of the nonlinear term u^2 in the model (trainable)",
                                    eq_.c, -1e6, 1e6),
            {"c_true", "coefficient of u^2 the source term is made with", &eq_.c_true, -1e6, 1e6}};
  }
  bool has_exact() const override { return true; }
  void exact(const double* x, double* u) const override { u[0] = eq_.solution(x); }
  TestGridSpec test_grid() const override { return {{50, 50, 50}, "", {}}; }
};

}  // namespace

void register_klein_gordon(PdeRegistry& r) {
  r.add("klein_gordon", [] { return std::make_unique<KleinGordon>(); });
}

}  // namespace pigx
