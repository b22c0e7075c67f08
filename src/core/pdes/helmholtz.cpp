// Helmholtz 2D: u_xx + u_yy + k^2 u = q on [-1,1]^2, exact u = sin(a1 pi x) sin(a2 pi y).
// k may be trained (inverse problem): the source q stays the known one, made with the configured k.
#include "pigx/core/pde.hpp"
#include "pigx/core/pde_list.hpp"

namespace pigx {
namespace {

struct HelmholtzEq {
  static constexpr int dim = 2, outputs = 1, order = 2, equations = 1;
  double a1 = 4, a2 = 1;
  Coefficient k = 1;

  KOKKOS_INLINE_FUNCTION double solution(const double* x) const {
    return math::sin(a1 * math::pi() * x[0]) * math::sin(a2 * math::pi() * x[1]);
  }
  template <class S>
  KOKKOS_INLINE_FUNCTION S residual(int, const double* x, const Taylor<S>& u) const {
    const double pi = math::pi();
    const double q = (k.value * k.value - (a1 * pi) * (a1 * pi) - (a2 * pi) * (a2 * pi)) * solution(x);
    const S kk = k.get<S>();
    return u.dd(0, 0) + u.dd(1, 1) + kk * kk * u.u() - q;
  }
};

class Helmholtz : public PdeAdaptor<HelmholtzEq> {
 public:
  std::string name() const override { return "helmholtz"; }
  std::vector<std::string> coordinates() const override { return {"x", "y"}; }
  Box domain() const override { return Box{2, {-1, -1}, {1, 1}, {false, false}}; }
  std::vector<PdeParameter> parameters() override {
    return {{"a1", "wave number along x (in units of pi)", &eq_.a1, 0, 1e3},
            {"a2", "wave number along y (in units of pi)", &eq_.a2, 0, 1e3},
            PdeParameter::trainable("k", "Helmholtz coefficient k (trainable; the source is made with it)",
                                    eq_.k, 0, 1e3)};
  }
  bool has_exact() const override { return true; }
  void exact(const double* x, double* u) const override { u[0] = eq_.solution(x); }
  TestGridSpec test_grid() const override { return {{250, 250}, "", {}}; }
};

}  // namespace

void register_helmholtz(PdeRegistry& r) {
  r.add("helmholtz", [] { return std::make_unique<Helmholtz>(); });
}

}  // namespace pigx
