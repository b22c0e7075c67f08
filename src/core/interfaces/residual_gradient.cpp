// Residual gradient continuity: dR_A/dn - dR_B/dn. The kernels carry derivatives up to second order, so the
// normal derivative of the residual is a central difference of exact residuals at x +- h n (error O(h^2));
// the loss built from it is differentiated exactly.
#include "pigx/core/interface_condition.hpp"
#include "pigx/core/interface_list.hpp"

namespace pigx {
namespace {

class ResidualGradient : public InterfaceCondition {
 public:
  std::string name() const override { return "residual_gradient"; }
  std::string help() const override {
    return "normal derivative of the residual, dR_A/dn - dR_B/dn (central difference, step interface.step)";
  }
  std::vector<double> offsets() const override { return {1.0, -1.0}; }
  std::vector<InterfaceRow> rows(const ProbeLayout& L, int, double h) const override {
    std::vector<InterfaceRow> rows;
    const int W = L.width();
    for (int e = 0; e < L.equations; ++e) {
      InterfaceRow r = zero_row(L, 2);
      r.a[L.residual(e)] = 0.5 / h, r.a[W + L.residual(e)] = -0.5 / h;
      r.b[L.residual(e)] = -0.5 / h, r.b[W + L.residual(e)] = 0.5 / h;
      rows.push_back(r);
    }
    return rows;
  }
};

}  // namespace

void register_residual_gradient(InterfaceRegistry& r) {
  r.add("residual_gradient", [] { return std::make_unique<ResidualGradient>(); });
}

}  // namespace pigx
