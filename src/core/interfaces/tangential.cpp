// First tangential derivative continuity: du_A/dt - du_B/dt along every axis in the face.
#include "pigx/core/interface_condition.hpp"
#include "pigx/core/interface_list.hpp"

namespace pigx {
namespace {

class TangentialContinuity : public InterfaceCondition {
 public:
  std::string name() const override { return "tangential"; }
  std::string help() const override {
    return "first tangential derivative continuity (each axis in the face)";
  }
  int min_order() const override { return 1; }
  std::vector<InterfaceRow> rows(const ProbeLayout& L, int n, double) const override {
    std::vector<int> values;
    for (int o = 0; o < L.outputs; ++o)
      for (int t = 0; t < L.dim; ++t)
        if (t != n) values.push_back(L.gradient(o, t));
    return continuity_rows(L, values);
  }
};

}  // namespace

void register_tangential_continuity(InterfaceRegistry& r) {
  r.add("tangential", [] { return std::make_unique<TangentialContinuity>(); });
}

}  // namespace pigx
