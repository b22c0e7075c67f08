// Average solution (XPINN): each side's distance to the average, u_s - (u_A + u_B)/2, both sides.
#include "pigx/core/interface_condition.hpp"
#include "pigx/core/interface_list.hpp"

namespace pigx {
namespace {

class AverageSolution : public InterfaceCondition {
 public:
  std::string name() const override { return "average"; }
  std::string help() const override { return "average solution u_s - (u_A + u_B)/2 on both sides (XPINN)"; }
  std::vector<InterfaceRow> rows(const ProbeLayout& L, int, double) const override {
    std::vector<InterfaceRow> rows;
    for (int o = 0; o < L.outputs; ++o)
      for (double side : {1.0, -1.0}) {
        InterfaceRow r = zero_row(L);
        r.a[L.value(o)] = 0.5 * side, r.b[L.value(o)] = -0.5 * side;
        rows.push_back(r);
      }
    return rows;
  }
};

}  // namespace

void register_average_solution(InterfaceRegistry& r) {
  r.add("average", [] { return std::make_unique<AverageSolution>(); });
}

}  // namespace pigx
