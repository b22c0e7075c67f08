// INI syntax with file and line numbers, before Boost.Program_options reads the file (its own messages
// name neither).
#include <fstream>

#include "pigx/app/validate.hpp"
#include "pigx/core/error.hpp"

namespace pigx {

namespace {

std::string trim(const std::string& s) {
  const char* ws = " \t\r\n";
  const std::size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

}  // namespace

std::map<std::string, IniEntry> check_ini_syntax(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw_input_error("config file", path, "a readable INI file");
  std::map<std::string, IniEntry> entries;
  std::string section, raw;
  for (int line = 1; std::getline(in, raw); ++line) {
    const std::string s = trim(raw.substr(0, raw.find('#')));
    if (s.empty()) continue;
    const std::string at = cat("config file '", path, "', line ", line, ": ");
    if (s.front() == '[') {
      PIGX_CHECK_INPUT(s.back() == ']', at, "unterminated section header '", s, "': expected '[section]'");
      section = s.substr(1, s.size() - 2);
      PIGX_CHECK_INPUT(!section.empty() && section == trim(section), at, "section header '", s,
                       "': expected a section name without spaces, such as [model]");
      continue;
    }
    const std::size_t eq = s.find('=');
    PIGX_CHECK_INPUT(eq != std::string::npos, at, "'", s,
                     "' is not a key = value line: expected 'key = value' or '[section]'");
    const std::string name = trim(s.substr(0, eq));
    PIGX_CHECK_INPUT(!name.empty(), at, "'", s, "' has no key: expected 'key = value'");
    PIGX_CHECK_INPUT(!section.empty(), at, "key '", name,
                     "' comes before any section: expected a [section] header first, e.g. [problem]");
    const std::string key = section + "." + name;
    const auto seen = entries.find(key);
    PIGX_CHECK_INPUT(seen == entries.end(), at, "key '", key, "' is set again (first on line ",
                     seen == entries.end() ? 0 : seen->second.line, "): expected each key once");
    entries[key] = IniEntry{line, trim(s.substr(eq + 1))};
  }
  return entries;
}

}  // namespace pigx
