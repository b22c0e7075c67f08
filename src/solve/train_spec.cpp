#include "pigx/solve/train_spec.hpp"

#include <sstream>

#include "pigx/core/error.hpp"

namespace pigx {

std::vector<StageSpec> parse_stages(const std::string& key, const std::string& text) {
  std::vector<StageSpec> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto colon = item.find(':');
    if (colon == std::string::npos || colon == 0)
      throw_input_error(key, text, "stages 'type:iterations' separated by commas, e.g. adam:2000,lmvm:500");
    StageSpec s;
    s.type = item.substr(0, colon);
    const std::string n = item.substr(colon + 1);
    std::size_t used = 0;
    try {
      s.iterations = std::stoll(n, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != n.size() || n.empty() || s.iterations < 0)
      throw_input_error(key, text, "a non-negative iteration count after '" + s.type + ":'");
    out.push_back(s);
  }
  if (out.empty()) throw_input_error(key, text, "at least one stage, e.g. adam:2000");
  return out;
}

}  // namespace pigx
