// Second normal derivative continuity: d2u_A/dn2 - d2u_B/dn2 for every output.
#include "pigx/core/interface_condition.hpp"
#include "pigx/core/interface_list.hpp"

namespace pigx {
namespace {

class SecondNormalContinuity : public InterfaceCondition {
 public:
  std::string name() const override { return "second_normal"; }
  std::string help() const override { return "second normal derivative continuity"; }
  int min_order() const override { return 2; }
  std::vector<InterfaceRow> rows(const ProbeLayout& L, int n, double) const override {
    std::vector<int> values;
    for (int o = 0; o < L.outputs; ++o) values.push_back(L.hessian(o, n, n));
    return continuity_rows(L, values);
  }
};

}  // namespace

void register_second_normal_continuity(InterfaceRegistry& r) {
  r.add("second_normal", [] { return std::make_unique<SecondNormalContinuity>(); });
}

}  // namespace pigx
