// The METALIC driver: groups of ranks, bandit rounds, the final comparison, and the pigx trainer.
#include "pigx/app/metalic_run.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <random>
#include <sstream>
#include <utility>

#include "pigx/app/run_config.hpp"
#include "pigx/app/run_solve.hpp"
#include "pigx/app/validate.hpp"
#include "pigx/core/error.hpp"
#include "pigx/io/summary_writer.hpp"

namespace pigx {

namespace {

// A communicator made by MPI_Comm_split, freed on destruction.
class GroupComm {
 public:
  GroupComm(MPI_Comm world, int color, int key) { MPI_Comm_split(world, color, key, &comm_); }
  ~GroupComm() { MPI_Comm_free(&comm_); }
  GroupComm(const GroupComm&) = delete;
  GroupComm& operator=(const GroupComm&) = delete;
  MPI_Comm get() const { return comm_; }

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
};

// The names of the conditions that `mask` turns on.
std::vector<std::string> names_on(const std::vector<std::string>& conditions, const ConditionMask& mask) {
  std::vector<std::string> on;
  for (std::size_t i = 0; i < mask.size(); ++i)
    if (mask[i]) on.push_back(conditions[i]);
  return on;
}

// The context of `group` in `round`: stratified over the groups, so every round spreads over the range.
double draw_context(const MetalicSpec& s, int round, int group) {
  std::seed_seq seq{static_cast<std::uint32_t>(s.seed), static_cast<std::uint32_t>(s.seed >> 32),
                    static_cast<std::uint32_t>(round), static_cast<std::uint32_t>(group), 0x6d65u};
  std::mt19937_64 rng(seq);
  const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  return s.lo + (s.hi - s.lo) * (group + u) / s.groups;
}

// Runs one training on the group; a failure (exception, non-finite error) gives NaN and a line in the log.
// An exception on only some ranks of a group mid-training cannot be recovered here (the others wait in a
// collective); the checks before the first training make input errors raise on every rank instead.
double train_one(const MetalicTrainer& trainer, MPI_Comm group, const std::vector<std::string>& args,
                 const std::string& dir) {
  int rank;
  MPI_Comm_rank(group, &rank);
  std::ofstream file;
  std::ostream null(nullptr);
  std::ostream& log = rank == 0 ? static_cast<std::ostream&>(file) : null;
  try {
    if (rank == 0) {
      std::filesystem::create_directories(dir);
      file.open(dir + "/train.log");
    }
    const double e = trainer.train(group, args, log);
    return std::isfinite(e) ? e : std::numeric_limits<double>::quiet_NaN();
  } catch (const std::exception& e) {
    log << "pigx-metalic: training failed: " << e.what() << "\n";
    return std::numeric_limits<double>::quiet_NaN();
  }
}

// One value per group from every rank's value (the group's first rank speaks for it).
std::vector<double> gather_per_group(MPI_Comm world, double mine, int groups) {
  int size;
  MPI_Comm_size(world, &size);
  std::vector<double> all(size);
  MPI_Allgather(&mine, 1, MPI_DOUBLE, all.data(), 1, MPI_DOUBLE, world);
  std::vector<double> out(groups);
  for (int g = 0; g < groups; ++g) out[g] = all[g * (size / groups)];
  return out;
}

std::string strategy_name(Acquisition a) {
  return a == Acquisition::Ucb ? "ucb" : "thompson";
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + io::json_quote(items[i]);
  return out + "]";
}

std::string format_error(double e) {
  if (!std::isfinite(e)) return "failed";
  std::ostringstream os;
  os << std::scientific << std::setprecision(3) << e;
  return os.str();
}

}  // namespace

std::vector<std::string> metalic_training_args(const MetalicSpec& spec, double context,
                                               const std::vector<std::string>& on, const std::string& dir) {
  std::vector<std::string> args = spec.base_args;
  std::ostringstream value;
  value << std::setprecision(17) << context;
  args.push_back("--problem." + spec.parameter + "=" + value.str());
  std::vector<std::string> all = spec.conditions;
  for (const std::string& c : spec.default_conditions)
    if (std::find(all.begin(), all.end(), c) == all.end()) all.push_back(c);
  for (const std::string& c : all) {
    const bool set = std::find(on.begin(), on.end(), c) != on.end();
    args.push_back("--interface." + c + "=" + (set ? "true" : "false"));
  }
  args.push_back("--output.dir=" + dir);
  return args;
}

MetalicTrainer pigx_trainer() {
  MetalicTrainer t;
  t.check = [](MPI_Comm group, const std::vector<std::string>& args, std::ostream& log) {
    CommandLine cl = read_command_line(args, builtin_pdes());
    cl.config.check_only = true;
    run_solve(group, cl.config, log);
  };
  t.train = [](MPI_Comm group, const std::vector<std::string>& args, std::ostream& log) {
    CommandLine cl = read_command_line(args, builtin_pdes());
    return run_solve(group, cl.config, log).rel_l2;
  };
  return t;
}

MetalicReport run_metalic(MPI_Comm world, const MetalicSpec& spec, const MetalicTrainer& trainer,
                          std::ostream& log) {
  int rank, size;
  MPI_Comm_rank(world, &rank);
  MPI_Comm_size(world, &size);
  if (size % spec.groups != 0)
    throw_input_error(
        "metalic.groups", std::to_string(spec.groups),
        cat("a divisor of the MPI rank count ", size, " (every group gets the same number of ranks)"));
  const int group_size = size / spec.groups, color = rank / group_size;
  GroupComm group(world, color, rank);
  std::ostream null(nullptr);
  std::ostream& out = rank == 0 ? log : null;

  MetalicReport report;
  report.spec = spec;
  report.candidates = spec.masks;
  MaskBandit bandit(spec.conditions, spec.masks, spec.lo, spec.hi, {spec.strategy, spec.beta, spec.seed, {}});

  // Every check before anything is written: the same on every rank, so every rank throws the same error.
  check_output_dir(spec.out);
  for (double c : {spec.lo, spec.hi})
    for (const std::vector<std::string>& on : {spec.default_conditions, spec.conditions})
      trainer.check(group.get(), metalic_training_args(spec, c, on, spec.out + "/check"), null);
  if (rank == 0) std::filesystem::create_directories(spec.out);
  MPI_Barrier(world);

  auto write = [&](bool complete) {
    if (rank != 0) return;
    report.complete = complete;
    io::write_file_atomically(spec.out + "/metalic.json", metalic_json(report));
  };
  out << "pigx-metalic: " << spec.masks.size() << " candidate masks over " << spec.conditions.size()
      << " conditions, " << spec.rounds << " rounds x " << spec.groups << " groups of " << group_size
      << " rank(s), strategy " << strategy_name(spec.strategy) << "\n";

  for (int r = 0; r < spec.rounds; ++r) {
    std::vector<double> contexts(spec.groups);
    for (int g = 0; g < spec.groups; ++g) contexts[g] = draw_context(spec, r, g);
    const std::vector<std::size_t> picks = bandit.select(contexts, static_cast<std::uint64_t>(r));
    const std::string dir = cat(spec.out, "/round-", r, "-group-", color);
    const double mine =
        train_one(trainer, group.get(),
                  metalic_training_args(spec, contexts[color],
                                        names_on(spec.conditions, spec.masks[picks[color]]), dir),
                  dir);
    const std::vector<double> errors = gather_per_group(world, mine, spec.groups);
    double worst = std::numeric_limits<double>::infinity();
    for (const BanditObservation& o : bandit.observations()) worst = std::min(worst, o.reward);
    std::vector<BanditObservation> batch;
    for (int g = 0; g < spec.groups; ++g) {
      const double e = errors[g];
      if (std::isfinite(e)) worst = std::min(worst, -std::log10(std::max(e, 1e-16)));
    }
    const double failure_reward = std::isfinite(worst) ? worst - 1 : -1.0;
    for (int g = 0; g < spec.groups; ++g) {
      MetalicTrial t;
      t.round = r, t.group = g, t.context = contexts[g], t.mask = picks[g], t.rel_l2 = errors[g];
      t.reward = std::isfinite(errors[g]) ? -std::log10(std::max(errors[g], 1e-16)) : failure_reward;
      t.output_dir = cat(spec.out, "/round-", r, "-group-", g);
      report.trials.push_back(t);
      batch.push_back({t.context, t.mask, t.reward});
      out << "round " << r << " group " << g << ": " << spec.parameter << " = " << t.context << ", mask "
          << mask_name(spec.conditions, spec.masks[t.mask]) << ", rel_l2 " << format_error(t.rel_l2) << "\n";
    }
    bandit.observe(batch);
    report.hyper = bandit.model().hyper();
    write(false);
  }

  // The final comparison: per test context the best-mean mask and the default, spread over the groups.
  for (double c : spec.test) {
    MetalicTest t;
    t.context = c;
    t.chosen = bandit.best(c);
    t.predicted_reward = bandit.predict(c, t.chosen).mean;
    report.tests.push_back(t);
  }
  // A chosen mask equal to the default is trained once and reported for both.
  std::vector<std::string> fixed = spec.default_conditions;
  std::sort(fixed.begin(), fixed.end());
  std::vector<bool> same(report.tests.size());
  std::vector<std::pair<std::size_t, bool>> jobs;  // (test, chosen mask?)
  for (std::size_t i = 0; i < report.tests.size(); ++i) {
    std::vector<std::string> on = names_on(spec.conditions, spec.masks[report.tests[i].chosen]);
    std::sort(on.begin(), on.end());
    same[i] = on == fixed;
    jobs.push_back({i, true});
    if (!same[i]) jobs.push_back({i, false});
  }
  for (std::size_t wave = 0; wave < jobs.size(); wave += spec.groups) {
    const std::size_t job = wave + color;
    double mine = std::numeric_limits<double>::quiet_NaN();
    if (job < jobs.size()) {
      const auto [i, chosen] = jobs[job];
      const std::string dir = cat(spec.out, "/test-", i, chosen ? "-chosen" : "-default");
      const std::vector<std::string> on =
          chosen ? names_on(spec.conditions, spec.masks[report.tests[i].chosen]) : spec.default_conditions;
      mine =
          train_one(trainer, group.get(), metalic_training_args(spec, report.tests[i].context, on, dir), dir);
    }
    const std::vector<double> errors = gather_per_group(world, mine, spec.groups);
    for (int g = 0; g < spec.groups && wave + g < jobs.size(); ++g) {
      MetalicTest& t = report.tests[jobs[wave + g].first];
      (jobs[wave + g].second ? t.chosen_rel_l2 : t.default_rel_l2) = errors[g];
    }
  }
  for (std::size_t i = 0; i < report.tests.size(); ++i)
    if (same[i]) report.tests[i].default_rel_l2 = report.tests[i].chosen_rel_l2;
  write(true);
  out << "\n" << metalic_table(report) << "\nwrote " << spec.out << "/metalic.json\n";
  return report;
}

std::string metalic_json(const MetalicReport& report) {
  const MetalicSpec& s = report.spec;
  std::vector<std::string> candidates;
  for (const ConditionMask& m : report.candidates) candidates.push_back(mask_name(s.conditions, m));
  std::ostringstream os;
  os << "{\n  \"parameter\": " << io::json_quote(s.parameter) << ",\n  \"range\": [" << io::json_number(s.lo)
     << ", " << io::json_number(s.hi) << "],\n  \"rounds\": " << s.rounds << ",\n  \"groups\": " << s.groups
     << ",\n  \"strategy\": " << io::json_quote(strategy_name(s.strategy))
     << ",\n  \"beta\": " << io::json_number(s.beta) << ",\n  \"seed\": " << s.seed
     << ",\n  \"conditions\": " << quoted_list(s.conditions)
     << ",\n  \"candidates\": " << quoted_list(candidates) << ",\n  \"default\": "
     << io::json_quote(mask_name(s.default_conditions, ConditionMask(s.default_conditions.size(), true)))
     << ",\n  \"gp\": {\"context_length\": " << io::json_number(report.hyper.context_length)
     << ", \"mask_length\": " << io::json_number(report.hyper.mask_length)
     << ", \"signal_variance\": " << io::json_number(report.hyper.signal_variance)
     << ", \"noise_variance\": " << io::json_number(report.hyper.noise_variance) << "},\n  \"trials\": [";
  for (std::size_t i = 0; i < report.trials.size(); ++i) {
    const MetalicTrial& t = report.trials[i];
    os << (i ? "," : "") << "\n    {\"round\": " << t.round << ", \"group\": " << t.group
       << ", \"context\": " << io::json_number(t.context)
       << ", \"mask\": " << io::json_quote(mask_name(s.conditions, report.candidates[t.mask]))
       << ", \"rel_l2\": " << io::json_number(t.rel_l2) << ", \"reward\": " << io::json_number(t.reward)
       << ", \"output_dir\": " << io::json_quote(t.output_dir) << "}";
  }
  os << (report.trials.empty() ? "" : "\n  ") << "],\n  \"tests\": [";
  for (std::size_t i = 0; i < report.tests.size(); ++i) {
    const MetalicTest& t = report.tests[i];
    os << (i ? "," : "") << "\n    {\"context\": " << io::json_number(t.context)
       << ", \"chosen\": " << io::json_quote(mask_name(s.conditions, report.candidates[t.chosen]))
       << ", \"predicted_reward\": " << io::json_number(t.predicted_reward)
       << ", \"chosen_rel_l2\": " << io::json_number(t.chosen_rel_l2)
       << ", \"default_rel_l2\": " << io::json_number(t.default_rel_l2) << "}";
  }
  os << (report.tests.empty() ? "" : "\n  ") << "],\n  \"complete\": " << (report.complete ? "true" : "false")
     << "\n}\n";
  return os.str();
}

std::string metalic_table(const MetalicReport& report) {
  const MetalicSpec& s = report.spec;
  const std::string fixed = mask_name(s.default_conditions, ConditionMask(s.default_conditions.size(), true));
  std::ostringstream os;
  os << "| problem." << s.parameter << " | chosen mask | rel. L2 (chosen) | rel. L2 (default " << fixed
     << ") | default / chosen |\n|---|---|---|---|---|\n";
  for (const MetalicTest& t : report.tests) {
    std::ostringstream ratio;
    if (std::isfinite(t.chosen_rel_l2) && std::isfinite(t.default_rel_l2) && t.chosen_rel_l2 > 0)
      ratio << std::fixed << std::setprecision(2) << t.default_rel_l2 / t.chosen_rel_l2;
    else
      ratio << "-";
    os << "| " << t.context << " | " << mask_name(s.conditions, report.candidates[t.chosen]) << " | "
       << format_error(t.chosen_rel_l2) << " | " << format_error(t.default_rel_l2) << " | " << ratio.str()
       << " |\n";
  }
  return os.str();
}

}  // namespace pigx
