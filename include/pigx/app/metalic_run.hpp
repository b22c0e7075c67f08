// The METALIC driver (pigx-metalic): bandit rounds of concurrent trainings on MPI sub-communicators, then a
// comparison of the chosen masks with the default XPINN mask at test contexts (docs/metalic.md).
#pragma once

#include <mpi.h>

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "pigx/app/metalic.hpp"

namespace pigx {

/// Everything pigx-metalic reads from its --metalic.* options, validated.
struct MetalicSpec {
  std::vector<std::string> base_args;  ///< CONFIG.ini and its --section.key=value overrides (no metalic.*)
  std::string parameter;               ///< metalic.parameter: the problem.* key that is the context
  double lo = 0, hi = 1;               ///< metalic.range = lo:hi
  int rounds = 4;                      ///< metalic.rounds
  int groups = 1;                      ///< metalic.groups: concurrent trainings per round
  Acquisition strategy = Acquisition::Ucb;  ///< metalic.strategy
  double beta = 2.0;                        ///< metalic.beta (UCB)
  std::vector<std::string> conditions;      ///< metalic.conditions: the interface conditions to choose from
  std::vector<ConditionMask> masks;         ///< metalic.masks, or every non-empty subset of the conditions
  std::vector<std::string> default_conditions{"average", "residual_continuity"};  ///< metalic.default
  std::vector<double> test;     ///< metalic.test: contexts of the final comparison
  std::uint64_t seed = 1;       ///< metalic.seed
  std::string out = "metalic";  ///< metalic.out
};

/// Result of reading the pigx-metalic command line: a spec, or a request for help.
struct MetalicCommandLine {
  bool help = false;
  std::string help_text;
  MetalicSpec spec;
};

/// One training of a bandit round.
struct MetalicTrial {
  int round = 0, group = 0;
  double context = 0;
  std::size_t mask = 0;  ///< index into the bandit's candidates
  double rel_l2 = 0;     ///< test error (NaN if the training failed)
  double reward = 0;     ///< -log10(rel_l2), or the failure reward (docs/metalic.md)
  std::string output_dir;
};

/// The final comparison at one test context.
struct MetalicTest {
  double context = 0;
  std::size_t chosen = 0;       ///< the candidate with the best posterior mean
  double predicted_reward = 0;  ///< its posterior mean reward
  double chosen_rel_l2 = 0;     ///< its test error after training
  double default_rel_l2 = 0;    ///< the default mask's test error at the same context
};

/// Everything a METALIC run produced.
struct MetalicReport {
  MetalicSpec spec;
  std::vector<ConditionMask> candidates;
  std::vector<MetalicTrial> trials;
  std::vector<MetalicTest> tests;
  GpHyper hyper;          ///< the GP's hyperparameters after the last round
  bool complete = false;  ///< false while rounds or tests are still running
};

/// How the driver trains: `check` validates the arguments of one training (input pigx::Error if bad;
/// collective over the group), `train` runs it and returns the relative L2 test error (collective over the
/// group, the same value on every rank of it).
struct MetalicTrainer {
  std::function<void(MPI_Comm group, const std::vector<std::string>& args, std::ostream& log)> check;
  std::function<double(MPI_Comm group, const std::vector<std::string>& args, std::ostream& log)> train;
};

/// Reads `pigx-metalic BASE.ini [--section.key=value ...] --metalic.key=value ...`: the --metalic.* options
/// become the spec, the rest its base_args. Throws an input pigx::Error naming the key, value and what was
/// expected for unknown metalic keys (with the closest one), bad values, and base arguments that METALIC
/// sets itself (problem.<parameter>, interface.<condition>, output.dir, --check, --restart). Not collective.
MetalicCommandLine read_metalic_command_line(const std::vector<std::string>& args);

/// The condition names the interface.* keys accept (interface.<name> = true|false).
const std::vector<std::string>& interface_condition_names();

/// The arguments of one training: base_args plus --problem.<parameter>=context, --interface.<name>=true|false
/// for every condition of the candidates and the default, and --output.dir=dir. Not collective.
std::vector<std::string> metalic_training_args(const MetalicSpec& spec, double context,
                                               const std::vector<std::string>& on, const std::string& dir);

/// The trainer that runs pigx: read_command_line then run_solve (check: the same with check_only).
MetalicTrainer pigx_trainer();

/// Collective over world: splits it into spec.groups groups of equal size, runs spec.rounds bandit rounds
/// (one training per group per round, contexts drawn from (seed, round, group)), shares the rewards with
/// MPI_Allgather so every rank holds the same GP, then trains the best-mean mask and the default mask at
/// every test context (spread over the groups). Every training's arguments are checked on every rank
/// before the first training, so bad input raises the same input pigx::Error everywhere with nothing
/// written. Rank 0 writes <out>/metalic.json (atomically, after every round and at the end). Progress goes
/// to `log` on rank 0.
MetalicReport run_metalic(MPI_Comm world, const MetalicSpec& spec, const MetalicTrainer& trainer,
                          std::ostream& log);

/// The report as JSON (spec, every trial, the final table). Not collective.
std::string metalic_json(const MetalicReport& report);
/// The final table in Markdown: context, chosen mask, its error, the default's error. Not collective.
std::string metalic_table(const MetalicReport& report);

}  // namespace pigx
