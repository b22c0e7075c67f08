#include "pigx/api/problem.hpp"

#include <sstream>

#include "pigx/core/error.hpp"

namespace pigx {

Problem::Problem(std::string pde_type) : type_(std::move(pde_type)) {
  PIGX_CHECK_INPUT(!type_.empty(), "invalid value '' for key 'problem.type': expected a PDE type");
}

void Problem::read_config(std::string ini_file) {
  PIGX_CHECK_INPUT(!ini_file.empty(), "invalid value '' for key 'config file': expected an INI file name");
  ini_ = std::move(ini_file);
}

void Problem::set(const std::string& key, const std::string& value) {
  PIGX_CHECK_INPUT(key.find('.') != std::string::npos && key.rfind("--", 0) != 0, "invalid key '", key,
                   "': expected section.key, e.g. model.gaussians");
  PIGX_CHECK_INPUT(key != "problem.type", "the PDE type is given to the Problem constructor, not as '", key,
                   "'");
  for (auto& kv : settings_)
    if (kv.first == key) {  // the last setting of a key wins
      kv.second = value;
      return;
    }
  settings_.emplace_back(key, value);
}

void Problem::set(const std::string& key, double value) {
  std::ostringstream os;
  os.precision(17);
  os << value;
  set(key, os.str());
}

void Problem::set_domain(std::vector<double> lo, std::vector<double> hi) {
  PIGX_CHECK_INPUT(!lo.empty() && lo.size() == hi.size(), "domain box: lower corner has ", lo.size(),
                   " coordinates and upper corner ", hi.size(), "; expected the same number, at least 1");
  for (std::size_t d = 0; d < lo.size(); ++d)
    PIGX_CHECK_INPUT(lo[d] < hi[d], "domain box: axis ", d, " has lo ", lo[d], " and hi ", hi[d],
                     "; expected lo < hi");
  lo_ = std::move(lo);
  hi_ = std::move(hi);
}

void Problem::set_source(Field f) {
  PIGX_CHECK_INPUT(static_cast<bool>(f), "source term: the callback is empty");
  source_ = std::move(f);
  source_grid_.reset();
}

void Problem::set_source(GridField f) {
  interpolate(f, "source term");  // checks the grid now, where the host can see which call was wrong
  source_grid_ = std::move(f);
  source_ = nullptr;
}

void Problem::set_boundary(Field g) {
  PIGX_CHECK_INPUT(static_cast<bool>(g), "boundary data: the callback is empty");
  boundary_ = std::move(g);
  boundary_grid_.reset();
}

void Problem::set_boundary(GridField g) {
  interpolate(g, "boundary data");
  boundary_grid_ = std::move(g);
  boundary_ = nullptr;
}

void Problem::set_exact(Field u) {
  PIGX_CHECK_INPUT(static_cast<bool>(u), "exact solution: the callback is empty");
  exact_ = std::move(u);
}

bool Problem::has_host_data() const {
  return !lo_.empty() || source_ || boundary_ || exact_ || source_grid_ || boundary_grid_;
}

}  // namespace pigx
