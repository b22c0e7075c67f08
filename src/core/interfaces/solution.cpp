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
    std::vector<int> values;
    for (int o = 0; o < L.outputs; ++o) values.push_back(L.value(o));
    return continuity_rows(L, values);
  }
};

}  // namespace

void register_solution_continuity(InterfaceRegistry& r) {
  r.add("solution", [] { return std::make_unique<SolutionContinuity>(); });
}

}  // namespace pigx
