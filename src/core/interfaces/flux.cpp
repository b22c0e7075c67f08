// Normal-flux continuity: du_A/dn - du_B/dn for every output.
#include "pigx/core/interface_condition.hpp"
#include "pigx/core/interface_list.hpp"

namespace pigx {
namespace {

class FluxContinuity : public InterfaceCondition {
 public:
  std::string name() const override { return "flux"; }
  std::string help() const override { return "normal derivative continuity du_A/dn - du_B/dn"; }
  int min_order() const override { return 1; }
  std::vector<InterfaceRow> rows(const ProbeLayout& L, int n, double) const override {
    std::vector<int> values;
    for (int o = 0; o < L.outputs; ++o) values.push_back(L.gradient(o, n));
    return continuity_rows(L, values);
  }
};

}  // namespace

void register_flux_continuity(InterfaceRegistry& r) {
  r.add("flux", [] { return std::make_unique<FluxContinuity>(); });
}

}  // namespace pigx
