// The registry of interface conditions and the one list of built-in ones.
#include "pigx/core/error.hpp"
#include "pigx/core/interface_condition.hpp"
#include "pigx/core/interface_list.hpp"

namespace pigx {

void InterfaceRegistry::add(const std::string& name, Factory f) {
  if (factories_.count(name) == 0) names_.push_back(name);
  factories_[name] = std::move(f);
}

std::unique_ptr<InterfaceCondition> InterfaceRegistry::create(const std::string& name) const {
  const auto it = factories_.find(name);
  if (it == factories_.end()) {
    std::string known;
    for (const auto& n : names_) known += (known.empty() ? "" : ", ") + n;
    throw_input_error("interface." + name, "true", "an interface condition, one of " + known);
  }
  return it->second();
}

InterfaceRow zero_row(const ProbeLayout& L, std::size_t offsets) {
  InterfaceRow r;
  r.a.assign(offsets * L.width(), 0.0);
  r.b.assign(offsets * L.width(), 0.0);
  return r;
}

std::vector<InterfaceRow> continuity_rows(const ProbeLayout& L, const std::vector<int>& values) {
  std::vector<InterfaceRow> rows;
  for (int k : values) {
    InterfaceRow r = zero_row(L);
    r.a[k] = 1, r.b[k] = -1;
    rows.push_back(r);
  }
  return rows;
}

const InterfaceRegistry& builtin_interface_conditions() {
  static const InterfaceRegistry registry = [] {
    InterfaceRegistry r;
    register_solution_continuity(r);
    register_average_solution(r);
    register_interface_residual(r);
    register_residual_continuity(r);
    register_flux_continuity(r);
    register_second_normal_continuity(r);
    register_residual_gradient(r);
    register_tangential_continuity(r);
    register_second_tangential_continuity(r);
    return r;
  }();
  return registry;
}

}  // namespace pigx
