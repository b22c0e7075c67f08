// Solution continuity: u_A - u_B for every output.
#include "pigx/core/interface_condition.hpp"
#include "pigx/core/interface_list.hpp"

namespace pigx {
namespace {

class SolutionContinuity : public InterfaceCondition {
 public:
  std::string name() const override { return "solution"; }
  std::string help() const override { return "solution continuity u_A - u_B"; }
  std::vector<InterfaceRow> rows(const ProbeLayout& L, int, double) const override {
    std::vector<InterfaceRow> rows;
    for (int o = 0; o < L.outputs; ++o) {
      InterfaceRow r = zero_row(L);
      r.a[L.value(o)] = 1, r.b[L.value(o)] = -1;
      rows.push_back(r);
    }
    return rows;
  }
};

}  // namespace

void register_solution_continuity(InterfaceRegistry& r) {
  r.add("solution", [] { return std::make_unique<SolutionContinuity>(); });
}

}  // namespace pigx
