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
    std::vector<InterfaceRow> rows;
    for (int o = 0; o < L.outputs; ++o) {
      InterfaceRow r = zero_row(L);
      r.a[L.gradient(o, n)] = 1, r.b[L.gradient(o, n)] = -1;
      rows.push_back(r);
    }
    return rows;
  }
};

}  // namespace

void register_flux_continuity(InterfaceRegistry& r) {
  r.add("flux", [] { return std::make_unique<FluxContinuity>(); });
}

}  // namespace pigx
