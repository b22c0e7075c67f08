#include "pigx/app/subdomains.hpp"

#include <cctype>

#include "pigx/core/error.hpp"

namespace pigx {

std::vector<int> parse_subdomains(const std::string& text, const Pde& pde) {
  const std::string key = "domain.subdomains";
  const std::vector<std::string> axes = pde.coordinates();
  std::string axis_list;
  for (const auto& a : axes) axis_list += (axis_list.empty() ? "" : ", ") + a;
  std::vector<int> counts;
  std::size_t begin = 0;
  while (true) {
    const std::size_t end = text.find('x', begin);
    const std::string item = text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    bool digits = !item.empty() && item.size() <= 6;
    for (char ch : item) digits = digits && std::isdigit(static_cast<unsigned char>(ch));
    if (!digits || std::stoi(item) < 1)
      throw_input_error(key, text,
                        cat("positive counts separated by 'x', one per axis (", axis_list, "), e.g. 1"));
    counts.push_back(std::stoi(item));
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  const int dim = pde.dim();
  if (counts.size() > 1 && static_cast<int>(counts.size()) != dim)
    throw_input_error(key, text,
                      cat(dim, " counts separated by 'x', one per axis of problem ", pde.name(), " (",
                          axis_list, "), or a single count; got ", counts.size()));
  if (counts.size() == 1) {
    if (counts[0] != 1 && dim > 1)
      throw_input_error(key, text,
                        cat(dim, " counts separated by 'x', one per axis (", axis_list, "), e.g. ", counts[0],
                            "x", counts[0]));
    counts.assign(dim, counts[0]);
  }
  long long total = 1;
  const Box box = pde.domain();
  for (int d = 0; d < dim; ++d) {
    total *= counts[d];
    if (counts[d] > 1 && box.periodic[d])
      throw_input_error(key, text,
                        cat("1 along the periodic axis ", axes[d], " of problem ", pde.name(),
                            " (cutting a periodic axis is not supported)"));
  }
  if (total > 65536) throw_input_error(key, text, "at most 65536 subdomains in all");
  return counts;
}

}  // namespace pigx
