// Residual continuity (XPINN): R_A - R_B for every equation.
#include "pigx/core/interface_condition.hpp"
#include "pigx/core/interface_list.hpp"

namespace pigx {
namespace {

class ResidualContinuity : public InterfaceCondition {
 public:
  std::string name() const override { return "residual_continuity"; }
  std::string help() const override { return "residual continuity R_A - R_B (XPINN)"; }
  std::vector<InterfaceRow> rows(const ProbeLayout& L, int, double) const override {
    std::vector<int> values;
    for (int e = 0; e < L.equations; ++e) values.push_back(L.residual(e));
    return continuity_rows(L, values);
  }
};

}  // namespace

void register_residual_continuity(InterfaceRegistry& r) {
  r.add("residual_continuity", [] { return std::make_unique<ResidualContinuity>(); });
}

}  // namespace pigx
