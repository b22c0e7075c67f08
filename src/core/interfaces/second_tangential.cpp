// Second tangential derivative continuity: d2u_A/dt2 - d2u_B/dt2 along every axis in the face.
#include "pigx/core/interface_condition.hpp"
#include "pigx/core/interface_list.hpp"

namespace pigx {
namespace {

class SecondTangentialContinuity : public InterfaceCondition {
 public:
  std::string name() const override { return "second_tangential"; }
  std::string help() const override {
    return "second tangential derivative continuity (each axis in the face)";
  }
  int min_order() const override { return 2; }
  std::vector<InterfaceRow> rows(const ProbeLayout& L, int n, double) const override {
    std::vector<int> values;
    for (int o = 0; o < L.outputs; ++o)
      for (int t = 0; t < L.dim; ++t)
        if (t != n) values.push_back(L.hessian(o, t, t));
    return continuity_rows(L, values);
  }
};

}  // namespace

void register_second_tangential_continuity(InterfaceRegistry& r) {
  r.add("second_tangential", [] { return std::make_unique<SecondTangentialContinuity>(); });
}

}  // namespace pigx
