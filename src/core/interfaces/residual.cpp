// The PDE residual of both models on the interface: R_A and R_B as separate rows.
#include "pigx/core/interface_condition.hpp"
#include "pigx/core/interface_list.hpp"

namespace pigx {
namespace {

class InterfaceResidual : public InterfaceCondition {
 public:
  std::string name() const override { return "residual"; }
  std::string help() const override { return "PDE residual of both models on the interface"; }
  std::vector<InterfaceRow> rows(const ProbeLayout& L, int, double) const override {
    std::vector<InterfaceRow> rows;
    for (int e = 0; e < L.equations; ++e) {
      InterfaceRow ra = zero_row(L), rb = zero_row(L);
      ra.a[L.residual(e)] = 1;
      rb.b[L.residual(e)] = 1;
      rows.push_back(ra);
      rows.push_back(rb);
    }
    return rows;
  }
};

}  // namespace

void register_interface_residual(InterfaceRegistry& r) {
  r.add("residual", [] { return std::make_unique<InterfaceResidual>(); });
}

}  // namespace pigx
