// Command-line options of pigx-reference (Boost.Program_options), one table with help and defaults.
#include "pigx/reference/reference_options.hpp"

#include <boost/program_options.hpp>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "pigx/core/error.hpp"

namespace po = boost::program_options;

namespace pigx::reference {
namespace {

/// Throws the input error of a bad option value. Not collective.
[[noreturn]] void bad_value(const std::string& option, const std::string& value,
                            const std::string& expected) {
  throw Error(ErrorKind::Input,
              "invalid value '" + value + "' for option --" + option + ": expected " + expected);
}

/// The whole of `text` as an integer, or a bad_value error. Not collective.
long long parse_integer(const std::string& option, const std::string& text, const std::string& expected) {
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE) bad_value(option, text, expected);
  return v;
}

/// The whole of `text` as a finite number, or a bad_value error. Not collective.
double parse_number(const std::string& option, const std::string& text, const std::string& expected) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v)) bad_value(option, text, expected);
  return v;
}

/// Every option with its default (as text, converted and checked in read_reference_command_line).
po::options_description options() {
  po::options_description o(
      "pigx-reference options (PETSc options such as -ts_type, -ts_monitor, -snes_rtol, "
      "-ksp_type, -pc_type pass through)");
  o.add_options()("help,h", "print this help")("points", po::value<std::string>()->default_value("401"),
                                               "fine-grid nodes per axis, boundary included; (points - 1) "
                                               "must be a multiple of 100 so that the 101-point "
                                               "output grid is nested (101, 201, 401, 801, 1601, ...)")(
      "rtol", po::value<std::string>()->default_value("1e-8"),
      "relative local error tolerance of the time stepper")(
      "atol", po::value<std::string>()->default_value("1e-10"),
      "absolute local error tolerance of the time stepper")(
      "dt0", po::value<std::string>()->default_value("1e-4"), "first time step (then adaptive)")(
      "output", po::value<std::string>(),
      "HDF5 file to write (default results/reference/nonlinear_diffusion_<points>.h5), written atomically");
  return o;
}

}  // namespace

ReferenceCommandLine read_reference_command_line(const std::vector<std::string>& args) {
  const po::options_description table = options();
  po::options_description all;
  all.add(table).add_options()("positional", po::value<std::vector<std::string>>(), "");
  po::positional_options_description positional;
  positional.add("positional", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::unknown_option& e) {
    std::string name = e.get_option_name();
    name = name.substr(0, name.find('='));
    throw Error(ErrorKind::Input,
                "unknown option '" + name +
                    "': expected one of --points, --rtol, --atol, --dt0, --output, --help or a "
                    "single-dash PETSc option (see pigx-reference --help)");
  } catch (const po::error& e) {
    throw Error(ErrorKind::Input, std::string(e.what()) + " (see pigx-reference --help)");
  }
  if (vm.count("positional"))
    throw Error(ErrorKind::Input, "unexpected argument '" +
                                      vm["positional"].as<std::vector<std::string>>()[0] +
                                      "': pigx-reference takes only options (see pigx-reference --help)");
  ReferenceCommandLine out;
  if (vm.count("help")) {
    std::ostringstream os;
    os << "pigx-reference: an independent classical reference solution of the nonlinear diffusion benchmark\n"
          "usage: mpiexec -n R pigx-reference [--points N] [--rtol R] [--atol A] [--dt0 D] [--output FILE] "
          "[PETSc options]\n\n"
       << table << "\n";
    out.help = true;
    out.help_text = os.str();
    return out;
  }
  ReferenceRunSpec& s = out.spec;
  const auto text = [&](const char* name) { return vm[name].as<std::string>(); };
  const std::string nested =
      "an integer >= 101 with (points - 1) a multiple of 100 (101, 201, 401, 801, ...)";
  const long long points = parse_integer("points", text("points"), nested);
  if (points < 101 || points > 100001 || (points - 1) % 100 != 0) bad_value("points", text("points"), nested);
  s.solver.points = static_cast<int>(points);
  s.solver.rtol = parse_number("rtol", text("rtol"), "a number in (0, 0.1]");
  if (!(s.solver.rtol > 0 && s.solver.rtol <= 0.1)) bad_value("rtol", text("rtol"), "a number in (0, 0.1]");
  s.solver.atol = parse_number("atol", text("atol"), "a number in (0, 0.1]");
  if (!(s.solver.atol > 0 && s.solver.atol <= 0.1)) bad_value("atol", text("atol"), "a number in (0, 0.1]");
  s.solver.initial_dt = parse_number("dt0", text("dt0"), "a time step in (0, 0.01]");
  if (!(s.solver.initial_dt > 0 && s.solver.initial_dt <= 0.01))
    bad_value("dt0", text("dt0"), "a time step in (0, 0.01]");
  s.output = vm.count("output") ? text("output")
                                : "results/reference/nonlinear_diffusion_" + std::to_string(points) + ".h5";
  if (s.output.empty() || s.output.back() == '/') bad_value("output", s.output, "a file name");
  return out;
}

}  // namespace pigx::reference
