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
  for (int c : counts)
    if (c != 1)
      throw Error(ErrorKind::Input,
                  cat(key, " = ", text, ": domain decomposition is not available in this build; expected 1"));
  counts.assign(dim, 1);  // a single "1" means one subdomain along every axis
  return counts;
}

}  // namespace pigx
