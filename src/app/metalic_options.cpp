// The --metalic.* options of pigx-metalic: their table (help text and defaults), parsing and validation.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "pigx/app/metalic_run.hpp"
#include "pigx/app/run_config.hpp"
#include "pigx/core/error.hpp"
#include "pigx/core/interface_condition.hpp"

namespace pigx {

namespace {

struct MetalicKey {
  const char* name;
  const char* fallback;  ///< default value ("" for none)
  const char* help;
};

// Every --metalic.* key with its default and help text; help and parsing both come from this table.
const std::vector<MetalicKey>& metalic_keys() {
  static const std::vector<MetalicKey> keys{
      {"metalic.parameter", "", "problem.* parameter that is the context, e.g. a1 (required)"},
      {"metalic.range", "", "context range lo:hi, within the parameter's own range (required)"},
      {"metalic.rounds", "4", "bandit rounds (each trains one mask per group)"},
      {"metalic.groups", "1",
       "concurrent trainings per round; the ranks are split into this many equal groups"},
      {"metalic.strategy", "ucb", "ucb (upper confidence bound, kriging-believer batches) | thompson"},
      {"metalic.beta", "2", "UCB score = posterior mean + beta * posterior standard deviation"},
      {"metalic.conditions", "solution,average,residual_continuity,flux",
       "interface conditions to choose from (candidates: every non-empty subset)"},
      {"metalic.masks", "",
       "explicit candidate masks instead of all subsets, e.g. average+residual_continuity,solution+flux"},
      {"metalic.default", "average+residual_continuity", "the fixed mask the chosen ones are compared with"},
      {"metalic.test", "", "test contexts of the final comparison, e.g. 1.5,3,4.5,6 (default lo, mid, hi)"},
      {"metalic.seed", "1", "seed of the contexts and of Thompson sampling (>= 0)"},
      {"metalic.out", "metalic", "output directory: metalic.json and one directory per training"}};
  return keys;
}

void require(bool ok, const std::string& key, const std::string& value, const std::string& expected) {
  if (!ok) throw_input_error(key, value, expected);
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, sep)) {
    const auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    out.push_back(b == std::string::npos ? "" : item.substr(b, e - b + 1));
  }
  if (!text.empty() && text.back() == sep) out.push_back("");
  return out;
}

double parse_number(const std::string& key, const std::string& whole, const std::string& item,
                    const std::string& expected) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(item, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  require(!item.empty() && used == item.size() && std::isfinite(v), key, whole, expected);
  return v;
}

long long parse_integer(const std::string& key, const std::string& text, long long lo, long long hi,
                        const std::string& expected) {
  std::size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  require(!text.empty() && used == text.size() && v >= lo && v <= hi, key, text, expected);
  return v;
}

// Condition names separated by `sep`, each one of `allowed`, none twice.
std::vector<std::string> parse_mask_names(const std::string& key, const std::string& whole,
                                          const std::string& text, char sep,
                                          const std::vector<std::string>& allowed,
                                          const std::string& allowed_text) {
  std::vector<std::string> names = split(text, sep);
  std::set<std::string> seen;
  for (const std::string& n : names) {
    require(std::find(allowed.begin(), allowed.end(), n) != allowed.end(), key, whole,
            std::string("condition names separated by '") + sep + "', each one of " + allowed_text);
    require(seen.insert(n).second, key, whole, "each condition once per mask ('" + n + "' is repeated)");
  }
  return names;
}

std::string joined(const std::vector<std::string>& names, const char* sep) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : sep) + n;
  return out;
}

std::string help_text() {
  std::ostringstream os;
  os << "Usage: pigx-metalic BASE.ini [--section.key=value ...] --metalic.parameter=P --metalic.range=LO:HI "
        "[--metalic.key=value ...]\n"
     << "Chooses interface-condition masks for the family of problems BASE.ini with problem.P in [LO, HI]\n"
     << "with a Gaussian-process bandit (docs/metalic.md). Other --section.key=value options go to every\n"
     << "training, as for pigx-solve; PETSc options (-tao_monitor ...) may follow.\n\n[metalic]\n";
  for (const MetalicKey& k : metalic_keys())
    os << "  --" << k.name << "=" << (*k.fallback ? k.fallback : "...") << "\n      " << k.help << "\n";
  return os.str();
}

// Refuses a base argument that METALIC sets for every training itself.
void refuse_reserved(const std::string& arg, const MetalicSpec& s) {
  std::vector<std::string> reserved{"problem." + s.parameter, "output.dir"};
  for (const std::string& c : s.conditions) reserved.push_back("interface." + c);
  for (const std::string& c : s.default_conditions) reserved.push_back("interface." + c);
  require(arg != "--check" && arg.rfind("--restart", 0) != 0, "command line", arg,
          "no --check or --restart: pigx-metalic runs whole trainings");
  for (const std::string& key : reserved) {
    const std::string flag = "--" + key;
    require(arg != flag && arg.rfind(flag + "=", 0) != 0, key,
            arg.substr(std::min(arg.size(), flag.size() + 1)),
            "no value on the command line: pigx-metalic sets " + key +
                " for every training (metalic.parameter, metalic.conditions, metalic.out)");
  }
}

}  // namespace

const std::vector<std::string>& interface_condition_names() {
  return builtin_interface_conditions().names();
}

MetalicCommandLine read_metalic_command_line(const std::vector<std::string>& args) {
  MetalicCommandLine out;
  std::map<std::string, std::string> given;
  std::vector<std::string> names;
  for (const MetalicKey& k : metalic_keys()) names.push_back(k.name);
  std::vector<std::string> rest;
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      out.help = true;
    } else if (a.rfind("--metalic.", 0) == 0) {
      const auto eq = a.find('=');
      const std::string key = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      if (std::find(names.begin(), names.end(), key) == names.end()) {
        const std::string near = closest_match(key, names);
        throw Error(ErrorKind::Input, "command line: unknown key '" + key + "'" +
                                          (near.empty() ? "" : "; did you mean '" + near + "'?"));
      }
      require(eq != std::string::npos, key, "(none)", "--" + key + "=value");
      require(!given.count(key), key, a.substr(eq + 1), "each --metalic.* key once");
      given[key] = a.substr(eq + 1);
    } else {
      rest.push_back(a);
    }
  }
  if (out.help) {
    out.help_text = help_text();
    return out;
  }
  auto value = [&](const std::string& key) {
    auto it = given.find(key);
    if (it != given.end()) return it->second;
    for (const MetalicKey& k : metalic_keys())
      if (key == k.name) return std::string(k.fallback);
    return std::string();
  };
  MetalicSpec& s = out.spec;
  s.parameter = value("metalic.parameter");
  require(!s.parameter.empty() && s.parameter.find_first_of(" \t=.") == std::string::npos,
          "metalic.parameter", s.parameter.empty() ? "(missing)" : s.parameter,
          "the name of a problem.* parameter, e.g. a1");
  const std::string range = value("metalic.range");
  const std::vector<std::string> ends = split(range, ':');
  require(ends.size() == 2, "metalic.range", range.empty() ? "(missing)" : range, "lo:hi, e.g. 1:6");
  s.lo = parse_number("metalic.range", range, ends[0], "lo:hi with finite numbers lo < hi, e.g. 1:6");
  s.hi = parse_number("metalic.range", range, ends[1], "lo:hi with finite numbers lo < hi, e.g. 1:6");
  require(s.lo < s.hi, "metalic.range", range, "lo:hi with finite numbers lo < hi, e.g. 1:6");
  s.rounds = static_cast<int>(
      parse_integer("metalic.rounds", value("metalic.rounds"), 1, 100000, "a positive integer"));
  s.groups = static_cast<int>(parse_integer("metalic.groups", value("metalic.groups"), 1, 100000,
                                            "a positive integer (and a divisor of the MPI rank count)"));
  const std::string strategy = value("metalic.strategy");
  require(strategy == "ucb" || strategy == "thompson", "metalic.strategy", strategy, "ucb or thompson");
  s.strategy = strategy == "ucb" ? Acquisition::Ucb : Acquisition::Thompson;
  s.beta = parse_number("metalic.beta", value("metalic.beta"), value("metalic.beta"), "a finite number >= 0");
  require(s.beta >= 0, "metalic.beta", value("metalic.beta"), "a finite number >= 0");
  const std::string known = joined(interface_condition_names(), ", ");
  const std::string conditions = value("metalic.conditions");
  s.conditions =
      parse_mask_names("metalic.conditions", conditions, conditions, ',', interface_condition_names(), known);
  const std::string masks = value("metalic.masks");
  if (masks.empty()) {
    require(s.conditions.size() <= 9, "metalic.conditions", conditions, "at most 9 conditions");
    s.masks = MaskBandit::all_nonempty_subsets(s.conditions.size());
  } else {
    std::set<ConditionMask> seen;
    for (const std::string& m : split(masks, ',')) {
      ConditionMask mask(s.conditions.size(), false);
      for (const std::string& n : parse_mask_names("metalic.masks", masks, m, '+', s.conditions,
                                                   "metalic.conditions (" + joined(s.conditions, ", ") + ")"))
        mask[std::find(s.conditions.begin(), s.conditions.end(), n) - s.conditions.begin()] = true;
      require(seen.insert(mask).second, "metalic.masks", masks, "distinct masks ('" + m + "' is repeated)");
      s.masks.push_back(mask);
    }
  }
  const std::string fixed = value("metalic.default");
  s.default_conditions =
      parse_mask_names("metalic.default", fixed, fixed, '+', interface_condition_names(), known);
  const std::string test = value("metalic.test");
  s.test.clear();
  if (test.empty()) {
    s.test = {s.lo, 0.5 * (s.lo + s.hi), s.hi};
  } else {
    for (const std::string& t : split(test, ',')) {
      const double v = parse_number("metalic.test", test, t, "comma-separated numbers within metalic.range");
      require(v >= s.lo && v <= s.hi, "metalic.test", test,
              "comma-separated numbers within metalic.range " + range);
      s.test.push_back(v);
    }
  }
  s.seed = static_cast<std::uint64_t>(parse_integer("metalic.seed", value("metalic.seed"), 0,
                                                    std::numeric_limits<long long>::max(), "a seed >= 0"));
  s.out = value("metalic.out");
  require(!s.out.empty(), "metalic.out", "(empty)", "an output directory");
  for (const std::string& a : rest) refuse_reserved(a, s);
  s.base_args = rest;
  return out;
}

}  // namespace pigx
