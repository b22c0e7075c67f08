#include "pigx/solve/train_spec.hpp"

#include <sstream>

#include "pigx/core/error.hpp"

namespace pigx {

namespace {
long long parse_count(const std::string& key, const std::string& text, const std::string& n,
                      const std::string& expected) {
  std::size_t used = 0;
  long long v = -1;
  try {
    v = std::stoll(n, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != n.size() || n.empty() || v < 0) throw_input_error(key, text, expected);
  return v;
}
}  // namespace

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
    std::string n = item.substr(colon + 1), r;
    const auto second = n.find(':');
    if (second != std::string::npos) r = n.substr(second + 1), n = n.substr(0, second);
    s.iterations = parse_count(key, text, n, "a non-negative iteration count after '" + s.type + ":'");
    if (second != std::string::npos)
      s.resample_every =
          parse_count(key, text, r, "a non-negative resampling period after '" + s.type + ":" + n + ":'");
    out.push_back(s);
  }
  if (out.empty()) throw_input_error(key, text, "at least one stage, e.g. adam:2000");
  return out;
}

}  // namespace pigx
