#include "pigx/app/run_config.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <climits>
#include <cmath>
#include <fstream>
#include <sstream>

#include "pigx/app/subdomains.hpp"
#include "pigx/app/validate.hpp"
#include "pigx/core/error.hpp"
#include "pigx/core/initial_lift.hpp"
#include "pigx/core/sampler.hpp"

namespace po = boost::program_options;

namespace pigx {

namespace {

#ifndef PIGX_DEFAULT_DATA_DIR
#define PIGX_DEFAULT_DATA_DIR "../shared/data"
#endif

// Every general key with its default and help text; PDE keys are added per problem type.
po::options_description general_options() {
  po::options_description problem("[problem]");
  problem.add_options()("problem.type", po::value<std::string>(),
                        "PDE to solve (required): see the list of types below")(
      "problem.data_dir", po::value<std::string>()->default_value(PIGX_DEFAULT_DATA_DIR),
      "directory holding the reference solutions (HDF5) of benchmarks without a closed form")(
      "problem.reference_file", po::value<std::string>()->default_value(""),
      "reference solution (HDF5, the layout of the problem's shipped file) to measure the test error against "
      "instead of problem.data_dir's, e.g. one made by pigx-reference (docs/references.md); empty: the "
      "shipped one");
  po::options_description model("[model]");
  model.add_options()("model.channels", po::value<int>()->default_value(4), "feature channels k (1..16)")(
      "model.gaussians", po::value<int>()->default_value(100), "Gaussians per channel N")(
      "model.covariance", po::value<std::string>()->default_value("diagonal"), "diagonal | full")(
      "model.hidden", po::value<std::string>()->default_value("16"),
      "hidden layer widths, e.g. 16 or 32,32, or none (a linear MLP)")(
      "model.activation", po::value<std::string>()->default_value("tanh"), "tanh | sin")(
      "model.sigma0", po::value<double>()->default_value(0.1), "initial Gaussian width on the model box")(
      "model.sigma_min", po::value<double>()->default_value(1e-3),
      "width floor on the model box (tie it to the collocation spacing)")(
      "model.weight_std", po::value<double>()->default_value(0.01),
      "std. dev. of the initial Gaussian weights")("model.box_lo", po::value<double>()->default_value(0.0),
                                                   "the domain is mapped onto [box_lo, box_hi]^d")(
      "model.box_hi", po::value<double>()->default_value(2.0), "upper end of the model box")(
      "model.truncation", po::value<double>()->default_value(1e-8),
      "a Gaussian is cut where it falls below this fraction of its peak")(
      "model.hard_boundary", po::value<double>()->default_value(0.0),
      "hard zero Dirichlet boundary: u = phi(x)^p MLP(F(x)), phi a product of (x - lo)(hi - x) over the "
      "spatial axes, vanishing on the boundary; the power p (0: off, 1: distance factor, 0.5: square-root "
      "wall layer, as degenerate diffusion forms); needs boundary values 0")(
      "model.hard_boundary_growth", po::value<double>()->default_value(0.0),
      "growth c of the hard boundary's wall layer: u = (phi / sqrt(phi^2 + c^2 (t - t0)))^p MLP, free at "
      "t = t0, so an initial value that is not 0 on the walls is fitted, then a layer of phi-width "
      "c sqrt(t - t0), as diffusion forms (0: u = phi^p MLP at all times)")(
      "model.hard_boundary_layer", po::value<std::string>()->default_value("diffusive"),
      "how the growing wall layer widens: diffusive (phi-width c sqrt(t - t0)) | linear (c (t - t0): "
      "u = (phi / (phi + c (t - t0)))^p MLP)")(
      "model.initial_lift", po::value<double>()->default_value(0.0),
      "decay rate lambda of the initial-value lift: u = MLP + exp(-lambda (t - t0)) H(x, t), H the initial "
      "value u0 carried forward by the problem's diffusion alone, so a kink of u0 that a smooth model cannot "
      "fit is exact at t0 and decays at rate lambda (e.g. the reaction's damping rate about a stable state); "
      "needs a problem that provides H (0: off)")(
      "model.encoder", po::value<std::string>()->default_value("gaussian"),
      "features: gaussian | multigrid (cubic B-spline grids) | both (summed channel by channel)")(
      "model.grid_levels", po::value<int>()->default_value(4),
      "multigrid levels; level l has grid_cells * 2^l cells per axis")(
      "model.grid_cells", po::value<std::string>()->default_value("4"),
      "cells of the coarsest multigrid level: one count for every axis (e.g. 4) or one per axis (e.g. 32,8)")(
      "model.grid_init_std", po::value<double>()->default_value(0.1),
      "std. dev. of the initial multigrid control values")(
      "model.grid_offsets", po::value<std::string>()->default_value("aligned"),
      "where each channel's grids lie: aligned (all channels on the same knots) | staggered (channel c "
      "shifted by c / model.channels of a cell along every axis, so that the knots interleave)");
  po::options_description sampling("[sampling]");
  sampling.add_options()("sampling.residual", po::value<long long>()->default_value(4096),
                         "PDE residual points")("sampling.boundary",
                                                po::value<long long>()->default_value(1024),
                                                "boundary points (all faces together)")(
      "sampling.initial", po::value<long long>()->default_value(256), "initial-condition points")(
      "sampling.resample_every", po::value<long long>()->default_value(0),
      "draw new points every n iterations (0: never)")(
      "sampling.sequence", po::value<std::string>()->default_value("uniform"),
      "uniform (independent draws) | halton (a randomly shifted Halton sequence: fewer gaps, less noise)")(
      "sampling.adaptive", po::value<bool>()->default_value(false),
      "residual-based adaptive sampling (RAD): after the first round, draw the residual points where the "
      "current model's residual is large")(
      "sampling.adaptive_k", po::value<double>()->default_value(1.0),
      "RAD: weight of a candidate ~ |residual|^k / mean + c; the exponent k")(
      "sampling.adaptive_c", po::value<double>()->default_value(1.0),
      "RAD: the uniform share c (0: residual only)")("sampling.adaptive_candidates",
                                                     po::value<int>()->default_value(4),
                                                     "RAD: candidates evaluated per residual point")(
      "sampling.adaptive_initial", po::value<bool>()->default_value(false),
      "RAD for the initial points too: drawn where the current model misses the initial value, |u - u0|")(
      "sampling.time_margin", po::value<double>()->default_value(0.0),
      "residual and boundary points (and the model's domain) reach this fraction of the time span past its "
      "end, so that the end is not the edge of the fit (0: none)");
  po::options_description loss("[loss]");
  loss.add_options()("loss.residual", po::value<double>()->default_value(1.0),
                     "weight of the PDE residual term")(
      "loss.boundary", po::value<double>()->default_value(1.0), "weight of the boundary term")(
      "loss.initial", po::value<double>()->default_value(1.0), "weight of the initial-condition term")(
      "loss.residual_time_decay", po::value<double>()->default_value(0.0),
      "rate gamma of a residual weight that decays in time, exp(-gamma (t - t0)) scaled to mean 1: early "
      "residuals, whose errors later times inherit, weigh more (0: uniform)");
  po::options_description train("[train]");
  train.add_options()("train.seed", po::value<long long>()->default_value(1),
                      "random seed (initialisation and sampling)")(
      "train.stages", po::value<std::string>()->default_value("adam:1000"),
      "optimiser stages type:iterations[:resample_every], e.g. adam:2000,lmvm:500:0 (any TAO type; adam is "
      "pigx's)")("train.learning_rate", po::value<double>()->default_value(1e-3),
                 "Adam's initial learning rate")("train.lr_decay", po::value<double>()->default_value(0.9),
                                                 "learning-rate factor per decay period")(
      "train.lr_decay_every", po::value<long long>()->default_value(2000), "iterations per decay period")(
      "train.max_time", po::value<double>()->default_value(0.0), "wall-clock limit in seconds (0: none)")(
      "train.petsc_options", po::value<std::string>()->default_value(""),
      "extra PETSc options, e.g. \"-tao_ls_type armijo\"")(
      "train.max_rollbacks", po::value<int>()->default_value(5),
      "divergence guard: consecutive rollbacks to the last finite iterate before training stops")(
      "train.lm_gram", po::value<std::string>()->default_value("double"),
      "the precision lm forms J^T J in: double, or single (half the cost; each step is then refined to the "
      "double-precision solve by CG on exact products, options -lm_ksp_*)")(
      "train.ensemble_sets", po::value<long long>()->default_value(0),
      "the solution is the mean of the models the last lm stage fitted to its last K point sets (0: the last "
      "model only)")("train.ensemble_runs", po::value<long long>()->default_value(1),
                     "the solution is the mean over R trainings of the model from independent starts "
                     "(initial parameters and points); train.max_time is shared out equally among them")(
      "train.ensemble_keep", po::value<long long>()->default_value(0),
      "of the train.ensemble_runs trainings, the solution averages the K with the lowest loss on point sets "
      "none of them trained on (0: all)");
  po::options_description output("[output]");
  output.add_options()("output.dir", po::value<std::string>()->default_value("results"),
                       "where summary.json and solution.h5 go")(
      "output.progress_every", po::value<long long>()->default_value(100),
      "iterations between progress lines (0: none)")(
      "output.test_every", po::value<long long>()->default_value(-1),
      "iterations between test errors in progress lines (0: final only; -1: every progress line)")(
      "output.solution", po::value<bool>()->default_value(true), "write solution.h5 and solution.xdmf");
  po::options_description domain("[domain]");
  domain.add_options()("domain.subdomains", po::value<std::string>()->default_value("1"),
                       "subdomains per axis, e.g. 1 (one model) or 2x2 (one model per subdomain, coupled "
                       "through the interface conditions)");
  po::options_description interface("[interface]");
  interface.add_options()("interface.points", po::value<long long>()->default_value(256),
                          "interface points per shared face (redrawn with the collocation points)")(
      "interface.step", po::value<double>()->default_value(1e-3),
      "probe step of residual_gradient, as a fraction of the domain's extent along the face normal");
  const InterfaceSpec default_interface;
  for (const std::string& name : builtin_interface_conditions().names()) {
    const bool on = std::find(default_interface.conditions.begin(), default_interface.conditions.end(),
                              name) != default_interface.conditions.end();
    interface.add_options()(("interface." + name).c_str(), po::value<bool>()->default_value(on),
                            builtin_interface_conditions().create(name)->help().c_str())(
        ("interface." + name + "_weight").c_str(), po::value<double>()->default_value(1.0),
        ("weight of interface." + name).c_str());
  }
  po::options_description checkpoint("[checkpoint]");
  checkpoint.add_options()("checkpoint.every", po::value<long long>()->default_value(0),
                           "iterations between checkpoints (0: none); a checkpoint is also written when "
                           "training stops early and at its end")(
      "checkpoint.file", po::value<std::string>()->default_value(""),
      "checkpoint path (default <output.dir>/checkpoint.h5); continue a run with --restart[=FILE]");
  po::options_description inverse("[inverse]");
  inverse.add_options()("inverse.trainable", po::value<std::string>()->default_value(""),
                        "PDE coefficients to recover from data, comma-separated problem.* names marked "
                        "trainable (e.g. k); they are trained with the model")(
      "inverse.initial", po::value<std::string>()->default_value(""),
      "initial guesses, one per trained coefficient (default: their problem.* values, which also make any "
      "known source term)")("inverse.true", po::value<std::string>()->default_value(""),
                            "true values, one per trained coefficient, only to report the relative error");
  po::options_description data("[data]");
  data.add_options()(
      "data.file", po::value<std::string>()->default_value(""),
      "HDF5 observations of u: /points [n, dim], /values [n] or [n, outputs], optional noise_std")(
      "data.weight", po::value<double>()->default_value(1.0), "weight of the data term");
  po::options_description all;
  all.add(problem)
      .add(model)
      .add(sampling)
      .add(loss)
      .add(train)
      .add(output)
      .add(domain)
      .add(interface)
      .add(checkpoint)
      .add(inverse)
      .add(data);
  return all;
}

// problem.<name> keys of a PDE.
po::options_description pde_options(Pde& pde) {
  po::options_description d("[problem] keys of type = " + pde.name());
  for (const PdeParameter& p : pde.parameters())
    d.add_options()(("problem." + p.name).c_str(), po::value<double>()->default_value(*p.value),
                    (p.help + " [" + std::to_string(p.min) + ", " + std::to_string(p.max) + "]").c_str());
  return d;
}

std::vector<std::string> option_names(const po::options_description& d) {
  std::vector<std::string> out;
  for (const auto& o : d.options()) out.push_back(o->long_name());
  return out;
}

// Parses the command line (pigx keys only) and the INI file into vm; command line first, so it wins.
void parse_into(const std::vector<std::string>& cli, const std::string& file,
                const po::options_description& d, bool allow_unregistered, po::variables_map& vm) {
  auto cmd = po::command_line_parser(cli).options(d);
  if (allow_unregistered) cmd.allow_unregistered();
  po::store(cmd.run(), vm);
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) throw_input_error("config file", file, "a readable INI file");
    po::store(po::parse_config_file(in, d, allow_unregistered), vm);
  }
}

template <class T>
T get(const po::variables_map& vm, const std::string& key) {
  return vm[key].as<T>();
}

void require(bool ok, const std::string& key, const std::string& value, const std::string& expected) {
  if (!ok) throw_input_error(key, value, expected);
}

// Comma-separated positive integers (at least one).
std::vector<int> parse_counts(const std::string& key, const std::string& text, const std::string& expected) {
  std::vector<int> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    std::size_t used = 0;
    int v = 0;
    try {
      v = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    require(used == item.size() && !item.empty() && v > 0, key, text, expected);
    out.push_back(v);
  }
  require(!out.empty(), key, text, expected);
  return out;
}

std::vector<int> parse_widths(const std::string& key, const std::string& text) {
  if (text == "none") return {};  // a linear MLP: u = W F + b
  require(!text.empty(), key, text, "at least one hidden width, or none (a linear MLP)");
  return parse_counts(key, text, "comma-separated positive widths, e.g. 32,32");
}

// Comma-separated items ("" gives none), surrounding blanks removed.
std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    out.push_back(b == std::string::npos ? "" : item.substr(b, e - b + 1));
  }
  return out;
}

// Comma-separated finite numbers, exactly `count` of them.
std::vector<double> parse_numbers(const std::string& key, const std::string& text, std::size_t count) {
  std::vector<double> out;
  for (const std::string& item : split_list(text)) {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    require(used == item.size() && !item.empty() && std::isfinite(v), key, text, "comma-separated numbers");
    out.push_back(v);
  }
  require(out.size() == count, key, text, cat(count, " number(s), one per coefficient of inverse.trainable"));
  return out;
}

// inverse.*: which coefficients are trained, from which initial values (into the model spec).
void read_inverse(const po::variables_map& vm, RunConfig& c) {
  std::vector<std::string> names;
  const std::string text = get<std::string>(vm, "inverse.trainable");
  const std::vector<std::string> trainable = c.pde->trainable_coefficients();
  std::string known;
  for (const auto& n : trainable) known += (known.empty() ? "" : ", ") + n;
  for (std::string n : split_list(text)) {
    if (n.rfind("problem.", 0) == 0) n = n.substr(8);
    require(std::find(trainable.begin(), trainable.end(), n) != trainable.end(), "inverse.trainable", text,
            known.empty() ? "nothing: problem '" + c.problem + "' has no trainable coefficient"
                          : "trainable coefficients of problem '" + c.problem + "': " + known);
    require(std::find(names.begin(), names.end(), n) == names.end(), "inverse.trainable", text,
            "each coefficient once");
    names.push_back(n);
  }
  require(names.size() <= static_cast<std::size_t>(kMaxCoefficients), "inverse.trainable", text,
          cat("at most ", kMaxCoefficients, " coefficients"));
  std::vector<double> configured;
  for (const auto& n : names) configured.push_back(get<double>(vm, "problem." + n));
  const std::string initial = get<std::string>(vm, "inverse.initial");
  const std::string truth = get<std::string>(vm, "inverse.true");
  require(!names.empty() || (initial.empty() && truth.empty()),
          initial.empty() ? "inverse.true" : "inverse.initial", initial.empty() ? truth : initial,
          "no value unless inverse.trainable names a coefficient");
  c.model.coefficients =
      initial.empty() ? configured : parse_numbers("inverse.initial", initial, names.size());
  if (!truth.empty()) c.coefficient_truth = parse_numbers("inverse.true", truth, names.size());
  c.pde->train_coefficients(names);
}

// model.hard_boundary forces u = 0 on the spatial boundary: refuse it where the problem's boundary
// values are not zero (checked at a fixed sample of boundary points) or where there is no such boundary.
void check_hard_boundary(const RunConfig& c) {
  if (c.model.hard_boundary == 0) return;
  const Pde& pde = *c.pde;
  const Box box = pde.domain();
  const std::string value = c.effective.at("model.hard_boundary");
  require(boundary_faces(box, pde.time_axis()) > 0, "model.hard_boundary", value,
          "0: problem '" + c.problem + "' has no spatial boundary that is not periodic");
  require(c.model.hard_boundary_growth == 0 || pde.time_axis() >= 0, "model.hard_boundary_growth",
          c.effective.at("model.hard_boundary_growth"), "0: problem '" + c.problem + "' has no time axis");
  auto rng = make_stream(0, 0, 0);
  std::vector<double> pts;
  sample_boundary(box, pde.time_axis(), 256, rng, pts);
  const int D = pde.dim(), O = pde.outputs();
  std::vector<double> u(O);
  for (std::size_t i = 0; i < pts.size() / D; ++i) {
    pde.boundary_value(&pts[i * D], u.data());
    for (int o = 0; o < O; ++o)
      require(std::fabs(u[o]) <= 1e-10, "model.hard_boundary", value,
              cat("0: problem '", c.problem, "' has boundary value ", u[o],
                  " (not 0) at a boundary point, and the factor forces u = 0 there"));
  }
}

std::string value_text(const po::variable_value& v) {
  const auto& a = v.value();
  if (auto p = boost::any_cast<std::string>(&a)) return *p;
  if (auto p = boost::any_cast<double>(&a)) {
    std::ostringstream os;
    os.precision(17);
    os << *p;
    return os.str();
  }
  if (auto p = boost::any_cast<int>(&a)) return std::to_string(*p);
  if (auto p = boost::any_cast<long long>(&a)) return std::to_string(*p);
  if (auto p = boost::any_cast<bool>(&a)) return *p ? "true" : "false";
  return "?";
}

// What a typed key expects, for wrong-type messages.
std::string expected_type(const po::options_description& d, const std::string& key) {
  const po::option_description* o = d.find_nothrow(key, false);
  const po::value_semantic* v = o ? o->semantic().get() : nullptr;
  if (dynamic_cast<const po::typed_value<int>*>(v)) return "an integer";
  if (dynamic_cast<const po::typed_value<long long>*>(v)) return "an integer";
  if (dynamic_cast<const po::typed_value<double>*>(v)) return "a number";
  if (dynamic_cast<const po::typed_value<bool>*>(v)) return "true or false";
  return "a valid value";
}

// Where a key was set and its text: the command line wins over the INI file.
struct KeySource {
  bool found = false;
  std::string where, value;
};

KeySource find_source(const std::string& key, const std::vector<std::string>& cli, const std::string& file,
                      const std::map<std::string, IniEntry>& ini) {
  const std::string flag = "--" + key;
  for (std::size_t i = 0; i < cli.size(); ++i) {
    if (cli[i].rfind(flag + "=", 0) == 0) return {true, "command line: ", cli[i].substr(flag.size() + 1)};
    if (cli[i] == flag) return {true, "command line: ", i + 1 < cli.size() ? cli[i + 1] : ""};
  }
  const auto it = ini.find(key);
  if (it != ini.end())
    return {true, cat("config file '", file, "', line ", it->second.line, ": "), it->second.value};
  return {};
}

// Turns Boost's exceptions into pigx input errors that name the key (and the file and line where known).
[[noreturn]] void rethrow_as_input_error(const po::error& e, const std::vector<std::string>& known,
                                         const po::options_description& d,
                                         const std::vector<std::string>& cli, const std::string& file,
                                         const std::map<std::string, IniEntry>& ini) {
  auto bare = [](std::string key) {
    while (!key.empty() && key[0] == '-') key.erase(0, 1);
    return key.substr(0, key.find('='));  // Boost names unknown command-line keys with their value
  };
  if (auto u = dynamic_cast<const po::unknown_option*>(&e)) {
    const std::string key = bare(u->get_option_name());
    const std::string near = closest_match(key, known);
    const KeySource src = find_source(key, cli, file, ini);
    // A key that exists, for another problem type: say so rather than suggest the key itself.
    const std::string hint = near == key    ? ": it is a parameter of another problem.type, not of this one"
                             : near.empty() ? ""
                                            : "; did you mean '" + near + "'?";
    throw Error(ErrorKind::Input, (src.found ? src.where : "") + "unknown key '" + key + "'" + hint);
  }
  if (auto v = dynamic_cast<const po::validation_error*>(&e)) {
    const std::string key = bare(v->get_option_name());
    const KeySource src = find_source(key, cli, file, ini);
    if (src.found)
      throw Error(ErrorKind::Input, src.where + "invalid value '" + src.value + "' for key '" + key +
                                        "': expected " + expected_type(d, key));
    throw Error(ErrorKind::Input, std::string("wrong type: ") + v->what());
  }
  throw Error(ErrorKind::Input, std::string("bad configuration: ") + e.what());
}

}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& c : candidates) {
    std::vector<std::size_t> prev(c.size() + 1), cur(c.size() + 1);
    for (std::size_t j = 0; j <= c.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= c.size(); ++j)
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (word[i - 1] == c[j - 1] ? 0 : 1)});
      std::swap(prev, cur);
    }
    if (prev[c.size()] < best_d) best_d = prev[c.size()], best = c;
  }
  return best_d <= std::max<std::size_t>(3, word.size() / 3) ? best : "";
}

CommandLine read_command_line(const std::vector<std::string>& args, const PdeRegistry& registry) {
  CommandLine out;
  std::vector<std::string> cli;
  std::string file;
  bool restart = false;
  std::string restart_file;
  for (const auto& a : args) {
    if (a == "--help" || a == "-h")
      out.help = true;
    else if (a == "--check")
      out.config.check_only = true;
    else if (a == "--restart")
      restart = true;
    else if (a.rfind("--restart=", 0) == 0)
      restart = true, restart_file = a.substr(10);
    else if (a.rfind("--", 0) == 0)
      cli.push_back(a);
    else if (file.empty())
      file = a;
    else
      throw_input_error("command line", a, "one config file followed by --section.key=value overrides");
  }
  po::options_description general = general_options();
  std::vector<std::string> known = option_names(general);
  for (const auto& n : registry.names()) {
    auto p = registry.create(n);
    for (const auto& k : option_names(pde_options(*p))) known.push_back(k);
  }
  if (out.help) {
    std::ostringstream os;
    os << "Usage: pigx-solve CONFIG.ini [--section.key=value ...] [--check] [--restart[=FILE]]\n"
       << "Keys can be set in the INI file ([section] key = value) or on the command line; the command line "
          "wins.\n"
       << "--check validates the configuration, the data files and the rank count, then exits without "
          "training or writing anything.\n"
       << "--restart[=FILE] continues the run from its checkpoint (default checkpoint.file), exactly as if\n"
          "it had not stopped; the config must be the same (train.max_time and output.* may differ).\n"
       << "PETSc options (-tao_type lmvm, -tao_monitor, ...) may follow as well.\n\n"
       << general << "\n";
    for (const auto& n : registry.names()) {
      auto p = registry.create(n);
      os << pde_options(*p) << "\n";
    }
    out.help_text = os.str();
    return out;
  }
  require(!file.empty(), "config file", "(none)", "pigx-solve CONFIG.ini [--section.key=value ...]");
  RunConfig& c = out.config;
  c.config_file = file;
  const std::map<std::string, IniEntry> ini = check_ini_syntax(file);
  po::options_description full;
  po::variables_map vm;
  try {
    // First pass: only to learn the problem type, which decides the remaining problem.* keys.
    po::variables_map first;
    parse_into(cli, file, general, true, first);
    require(
        first.count("problem.type") > 0, "problem.type", "(missing)", "a PDE type: " + [&] {
          std::string s;
          for (auto& n : registry.names()) s += (s.empty() ? "" : ", ") + n;
          return s;
        }());
    c.problem = first["problem.type"].as<std::string>();
    c.pde = registry.create(c.problem);
    full.add(general).add(pde_options(*c.pde));
    parse_into(cli, file, full, false, vm);
    po::notify(vm);
  } catch (const po::error& e) {
    rethrow_as_input_error(e, known, full.options().empty() ? general : full, cli, file, ini);
  }
  for (const auto& kv : vm) {
    c.effective[kv.first] = value_text(kv.second);
    if (auto d = boost::any_cast<double>(&kv.second.value()))
      require(std::isfinite(*d), kv.first, c.effective[kv.first], "a finite number");
  }

  for (PdeParameter& p : c.pde->parameters()) {
    const std::string key = "problem." + p.name;
    const double v = get<double>(vm, key);
    require(v >= p.min && v <= p.max, key, c.effective[key],
            "a value in [" + std::to_string(p.min) + ", " + std::to_string(p.max) + "]");
    *p.value = v;
  }
  c.pde->validate();
  c.data_dir = get<std::string>(vm, "problem.data_dir");
  c.reference_file = get<std::string>(vm, "problem.reference_file");
  require(c.reference_file.empty() || !c.pde->has_exact(), "problem.reference_file", c.reference_file,
          "nothing: problem '" + c.problem + "' has an exact solution, which is its test reference");

  ModelSpec& m = c.model;
  m.dim = c.pde->dim();
  m.outputs = c.pde->outputs();
  m.channels = get<int>(vm, "model.channels");
  m.gaussians_per_channel = get<int>(vm, "model.gaussians");
  m.covariance = parse_covariance("model.covariance", get<std::string>(vm, "model.covariance"));
  m.hidden = parse_widths("model.hidden", get<std::string>(vm, "model.hidden"));
  m.activation = parse_activation("model.activation", get<std::string>(vm, "model.activation"));
  m.sigma0 = get<double>(vm, "model.sigma0");
  m.sigma_min = get<double>(vm, "model.sigma_min");
  m.weight_std = get<double>(vm, "model.weight_std");
  m.model_lo = get<double>(vm, "model.box_lo");
  m.model_hi = get<double>(vm, "model.box_hi");
  m.truncation = get<double>(vm, "model.truncation");
  m.hard_boundary = get<double>(vm, "model.hard_boundary");
  m.hard_boundary_growth = get<double>(vm, "model.hard_boundary_growth");
  m.hard_boundary_layer_order =
      parse_wall_layer("model.hard_boundary_layer", get<std::string>(vm, "model.hard_boundary_layer"));
  m.initial_lift = get<double>(vm, "model.initial_lift");
  m.encoder = parse_encoder("model.encoder", get<std::string>(vm, "model.encoder"));
  m.grid_levels = get<int>(vm, "model.grid_levels");
  m.grid_cells = parse_counts("model.grid_cells", get<std::string>(vm, "model.grid_cells"),
                              "positive cell counts, one for every axis or one per axis, e.g. 4 or 32,8");
  m.grid_init_std = get<double>(vm, "model.grid_init_std");
  const std::string offsets = get<std::string>(vm, "model.grid_offsets");
  require(offsets == "aligned" || offsets == "staggered", "model.grid_offsets", offsets,
          "aligned or staggered");
  m.grid_staggered = offsets == "staggered";
  const Box domain = c.pde->domain();
  for (int d = 0; d < m.dim; ++d) m.periodic[d] = domain.periodic[d];
  read_inverse(vm, c);
  m.validate();
  check_hard_boundary(c);
  require(m.initial_lift == 0 || has_initial_taylor(*c.pde), "model.initial_lift",
          c.effective["model.initial_lift"],
          "0: problem '" + c.problem +
              (c.pde->time_axis() < 0 ? "' has no time axis"
                                      : "' does not provide the derivatives of its initial value"));

  SamplingSpec& s = c.sampling;
  s.residual = get<long long>(vm, "sampling.residual");
  s.boundary = get<long long>(vm, "sampling.boundary");
  s.initial = get<long long>(vm, "sampling.initial");
  require(s.residual >= 1 && s.residual <= INT_MAX, "sampling.residual", c.effective["sampling.residual"],
          "a count in 1..2147483647");
  require(s.boundary >= 0 && s.boundary <= INT_MAX, "sampling.boundary", c.effective["sampling.boundary"],
          "a count in 0..2147483647");
  require(s.initial >= 0 && s.initial <= INT_MAX, "sampling.initial", c.effective["sampling.initial"],
          "a count in 0..2147483647");
  s.sequence = parse_point_sequence("sampling.sequence", get<std::string>(vm, "sampling.sequence"));
  s.adaptive.enabled = get<bool>(vm, "sampling.adaptive");
  s.adaptive.k = get<double>(vm, "sampling.adaptive_k");
  s.adaptive.c = get<double>(vm, "sampling.adaptive_c");
  s.adaptive.candidates = get<int>(vm, "sampling.adaptive_candidates");
  require(s.adaptive.k >= 0 && s.adaptive.k <= 10, "sampling.adaptive_k", c.effective["sampling.adaptive_k"],
          "an exponent in 0..10");
  require(s.adaptive.c >= 0, "sampling.adaptive_c", c.effective["sampling.adaptive_c"], "a share >= 0");
  require(s.adaptive.candidates >= 1 && s.adaptive.candidates * s.residual <= INT_MAX,
          "sampling.adaptive_candidates", c.effective["sampling.adaptive_candidates"],
          "a count >= 1 with sampling.adaptive_candidates x sampling.residual <= 2147483647");
  s.time_margin = get<double>(vm, "sampling.time_margin");
  require(s.time_margin >= 0 && s.time_margin <= 1, "sampling.time_margin",
          c.effective["sampling.time_margin"], "a fraction of the time span in [0, 1] (0: none)");
  require(s.time_margin == 0 || c.pde->time_axis() >= 0, "sampling.time_margin",
          c.effective["sampling.time_margin"], "0: problem '" + c.problem + "' has no time axis");
  require(s.time_margin == 0 || !c.pde->has_forcing(), "sampling.time_margin",
          c.effective["sampling.time_margin"],
          "0: problem '" + c.problem + "' reads its source from data, which ends with the time span");
  s.adaptive.initial = get<bool>(vm, "sampling.adaptive_initial");
  require(!s.adaptive.initial || s.adaptive.enabled, "sampling.adaptive_initial",
          c.effective["sampling.adaptive_initial"], "false unless sampling.adaptive = true");
  require(!s.adaptive.initial || (c.pde->time_axis() >= 0 && s.initial > 0), "sampling.adaptive_initial",
          c.effective["sampling.adaptive_initial"],
          "false for a problem without a time axis or with sampling.initial = 0 (no initial points)");
  require(!s.adaptive.initial || s.adaptive.candidates * s.initial <= INT_MAX, "sampling.adaptive_candidates",
          c.effective["sampling.adaptive_candidates"],
          "a count with sampling.adaptive_candidates x sampling.initial <= 2147483647");
  for (const char* k : {"loss.residual", "loss.boundary", "loss.initial"})
    require(get<double>(vm, k) >= 0, k, c.effective[k], "a weight >= 0");
  s.residual_weight = get<double>(vm, "loss.residual");
  s.boundary_weight = get<double>(vm, "loss.boundary");
  s.initial_weight = get<double>(vm, "loss.initial");
  s.residual_time_decay = get<double>(vm, "loss.residual_time_decay");
  require(s.residual_time_decay >= 0 && s.residual_time_decay <= 100, "loss.residual_time_decay",
          c.effective["loss.residual_time_decay"], "a rate in [0, 100] (0: uniform weight)");
  require(s.residual_time_decay == 0 || c.pde->time_axis() >= 0, "loss.residual_time_decay",
          c.effective["loss.residual_time_decay"], "0: problem '" + c.problem + "' has no time axis");
  c.data_file = get<std::string>(vm, "data.file");
  s.data.weight = get<double>(vm, "data.weight");
  require(s.data.weight >= 0, "data.weight", c.effective["data.weight"], "a weight >= 0");

  TrainSpec& t = c.train;
  const long long seed = get<long long>(vm, "train.seed");
  require(seed >= 0, "train.seed", c.effective["train.seed"], "a seed >= 0");
  t.seed = static_cast<std::uint64_t>(seed);
  t.stages = parse_stages("train.stages", get<std::string>(vm, "train.stages"));
  t.learning_rate = get<double>(vm, "train.learning_rate");
  require(t.learning_rate > 0, "train.learning_rate", c.effective["train.learning_rate"], "a rate > 0");
  t.lr_decay = get<double>(vm, "train.lr_decay");
  require(t.lr_decay > 0 && t.lr_decay <= 1, "train.lr_decay", c.effective["train.lr_decay"],
          "a factor in (0, 1]");
  t.lr_decay_every = get<long long>(vm, "train.lr_decay_every");
  require(t.lr_decay_every > 0, "train.lr_decay_every", c.effective["train.lr_decay_every"], "a count > 0");
  t.resample_every = get<long long>(vm, "sampling.resample_every");
  require(t.resample_every >= 0, "sampling.resample_every", c.effective["sampling.resample_every"],
          "a count >= 0");
  const std::string lm_gram = get<std::string>(vm, "train.lm_gram");
  require(lm_gram == "double" || lm_gram == "single", "train.lm_gram", lm_gram, "double or single");
  t.lm_gram = lm_gram == "single" ? GramPrecision::single_precision : GramPrecision::double_precision;
  t.ensemble_sets = get<long long>(vm, "train.ensemble_sets");
  require(t.ensemble_sets >= 0, "train.ensemble_sets", c.effective["train.ensemble_sets"], "a count >= 0");
  t.ensemble_runs = get<long long>(vm, "train.ensemble_runs");
  require(t.ensemble_runs >= 1, "train.ensemble_runs", c.effective["train.ensemble_runs"], "a count >= 1");
  t.ensemble_keep = get<long long>(vm, "train.ensemble_keep");
  require(t.ensemble_keep >= 0 && t.ensemble_keep <= t.ensemble_runs, "train.ensemble_keep",
          c.effective["train.ensemble_keep"],
          "a count from 1 to train.ensemble_runs (" + c.effective["train.ensemble_runs"] + "), or 0 for all");
  t.max_time = get<double>(vm, "train.max_time");
  require(t.max_time >= 0, "train.max_time", c.effective["train.max_time"], "seconds >= 0");
  t.progress_every = get<long long>(vm, "output.progress_every");
  require(t.progress_every >= 0, "output.progress_every", c.effective["output.progress_every"],
          "a count >= 0");
  t.test_every = get<long long>(vm, "output.test_every");
  require(t.test_every >= -1, "output.test_every", c.effective["output.test_every"], "a count >= -1");
  if (t.test_every < 0) t.test_every = t.progress_every;
  c.petsc_options = get<std::string>(vm, "train.petsc_options");
  c.output_dir = get<std::string>(vm, "output.dir");
  require(!c.output_dir.empty(), "output.dir", "", "a directory name");
  c.write_solution = get<bool>(vm, "output.solution");
  c.subdomains = parse_subdomains(get<std::string>(vm, "domain.subdomains"), *c.pde);
  // Keys that act on the one model of the whole domain: in use, they need one subdomain.
  const struct {
    const char* key;
    bool in_use;
    const char* allowed;
    const char* why;
  } whole_domain[] = {
      {"sampling.adaptive", s.adaptive.enabled, "false", "adaptive sampling needs one subdomain"},
      {"sampling.time_margin", s.time_margin > 0, "0", "the margin extends the one model's domain"},
      {"train.ensemble_sets", t.ensemble_sets > 1, "0 or 1", "an ensemble needs one subdomain"},
      {"train.ensemble_runs", t.ensemble_runs > 1, "1", "an ensemble needs one subdomain"},
      {"train.lm_gram", t.lm_gram == GramPrecision::single_precision, "double",
       "the decomposed loss forms J^T J in double precision only"}};
  for (const auto& w : whole_domain)
    if (w.in_use)
      for (int n : c.subdomains)
        require(n == 1, w.key, c.effective[w.key],
                std::string(w.allowed) + " with domain.subdomains = " + c.effective["domain.subdomains"] +
                    " (" + w.why + ")");
  InterfaceSpec& f = c.interface;
  f.conditions.clear(), f.weights.clear();
  for (const std::string& name : builtin_interface_conditions().names()) {
    const std::string wkey = "interface." + name + "_weight";
    require(get<double>(vm, wkey) >= 0, wkey, c.effective[wkey], "a weight >= 0");
    if (!get<bool>(vm, "interface." + name)) continue;
    f.conditions.push_back(name);
    f.weights.push_back(get<double>(vm, wkey));
  }
  f.points_per_face = get<long long>(vm, "interface.points");
  require(f.points_per_face >= 1 && f.points_per_face <= 10000000, "interface.points",
          c.effective["interface.points"], "a count in 1..10000000");
  f.step = get<double>(vm, "interface.step");
  require(f.step > 0 && f.step <= 0.1, "interface.step", c.effective["interface.step"],
          "a fraction in (0, 0.1]");
  check_collocation_counts(c);
  t.max_rollbacks = get<int>(vm, "train.max_rollbacks");
  require(t.max_rollbacks >= 0, "train.max_rollbacks", c.effective["train.max_rollbacks"], "a count >= 0");
  c.checkpoint_every = get<long long>(vm, "checkpoint.every");
  require(c.checkpoint_every >= 0, "checkpoint.every", c.effective["checkpoint.every"], "a count >= 0");
  c.checkpoint_file = get<std::string>(vm, "checkpoint.file");
  if (c.checkpoint_file.empty()) c.checkpoint_file = c.output_dir + "/checkpoint.h5";
  c.restart = restart;
  c.restart_file = restart_file.empty() ? c.checkpoint_file : restart_file;
  require(!c.restart || !c.restart_file.empty(), "--restart", "",
          "a checkpoint file, e.g. --restart=run/checkpoint.h5");
  return out;
}

}  // namespace pigx
