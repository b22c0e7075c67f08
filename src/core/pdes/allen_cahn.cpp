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
  // u0 under the diffusion alone at its kink across the periodic seam, where u0 = smooth + 2 |xi| (slopes
  // -2 and 2 meet at x = +-1; xi the signed distance to the seam, smooth C2 there): the heat flow turns
  // 2 |xi| into 2 E|xi + sigma Z|, sigma^2 = 2 eps t, i.e. adds 2 k with k = xi erf(xi / a) +
  // a exp(-xi^2 / a^2) / sqrt(pi) - |xi|, a = 2 sqrt(eps t), and k_t = eps k_xx. k vanishes a few a from
  // the seam (a <= 0.02), so the smooth part of u0 is left as it is.
  bool initial_taylor(const double* x, double* u) const override {
    const double s = x[0], t = x[1], c = std::cos(M_PI * s), n = std::sin(M_PI * s), eps = eq_.eps;
    const int ix = grad_index(0), it = grad_index(1), ixx = hess_index(2, 0, 0), ixt = hess_index(2, 0, 1),
              itt = hess_index(2, 1, 1);
    for (int j = 0; j < taylor_size(2, 2); ++j) u[j] = 0;
    u[0] = s * s * c;
    u[ix] = 2 * s * c - M_PI * s * s * n;
    u[ixx] = 2 * c - 4 * M_PI * s * n - M_PI * M_PI * s * s * c;
    if (!(t > 0 && eps > 0)) return true;
    const double xi = s > 0 ? s - 1 : s + 1, a = 2 * std::sqrt(eps * t), z = xi / a, e = std::exp(-z * z);
    // k_x = erf(z) - sign(xi), written with erfc so that it does not cancel away from the seam.
    const double k1 = xi > 0 ? -std::erfc(z) : xi < 0 ? std::erfc(-z) : 0.0;
    const double k = xi * k1 + a * e / std::sqrt(M_PI);
    const double k2 = 2 * e / (a * std::sqrt(M_PI)), k3 = -2 * z / a * k2,
                 k4 = (4 * z * z - 2) / (a * a) * k2;
    u[0] += 2 * k;
    u[ix] += 2 * k1;
    u[ixx] += 2 * k2;
    u[it] = 2 * eps * k2;
    u[ixt] = 2 * eps * k3;
    u[itt] = 2 * eps * eps * k4;
    return true;
  }
  TestGridSpec test_grid() const override { return {{}, "allen_cahn_1d_reference.h5", {"t", "x"}}; }
};

}  // namespace

void register_allen_cahn(PdeRegistry& r) {
  r.add("allen_cahn", [] { return std::make_unique<AllenCahn>(); });
}

}  // namespace pigx
