#include "pigx/core/pde.hpp"

#include "pigx/core/error.hpp"

namespace pigx {

void Pde::exact(const double*, double*) const {
  throw Error(ErrorKind::Runtime, "PDE '" + name() + "' has no exact solution");
}

void Pde::forcing(const double*, double*) const {
  throw Error(ErrorKind::Runtime, "PDE '" + name() + "' has no per-point source values");
}

bool Pde::initial_taylor(const double*, double*) const {
  return false;
}

std::vector<std::string> Pde::trainable_coefficients() {
  std::vector<std::string> out;
  for (const PdeParameter& p : parameters())
    if (p.coefficient) out.push_back(p.name);
  return out;
}

std::unique_ptr<Pde> PdeRegistry::create(const std::string& name) const {
  auto it = factories_.find(name);
  if (it == factories_.end()) {
    std::string known;
    for (auto& n : names()) known += (known.empty() ? "" : ", ") + n;
    throw_input_error("problem.type", name, "one of: " + known);
  }
  return it->second();
}

std::vector<std::string> PdeRegistry::names() const {
  std::vector<std::string> out;
  for (auto& kv : factories_) out.push_back(kv.first);
  return out;
}

const PdeRegistry& builtin_pdes() {
  static const PdeRegistry registry = [] {
    PdeRegistry r;
    register_all_pdes(r);
    return r;
  }();
  return registry;
}

}  // namespace pigx
