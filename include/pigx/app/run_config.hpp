// The configuration of a pigx-solve run: every key, its help text, default and validation, read from
// an INI file and the command line (the command line wins) with Boost.Program_options.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pigx/core/collocation.hpp"
#include "pigx/core/model_spec.hpp"
#include "pigx/core/pde.hpp"
#include "pigx/parallel/decomposed_loss.hpp"
#include "pigx/solve/train_spec.hpp"

namespace pigx {

/// Everything one run needs, validated.
struct RunConfig {
  std::string config_file;
  std::string problem;
  std::string data_dir;
  std::string reference_file;  ///< problem.reference_file: replaces data_dir's reference when not empty
  std::unique_ptr<Pde> pde;    ///< created from problem.type with its problem.* parameters applied
  ModelSpec model;
  SamplingSpec sampling;
  TrainSpec train;
  std::string petsc_options;    ///< train.petsc_options, inserted into PETSc's options database
  std::vector<int> subdomains;  ///< domain.subdomains, one count per input axis
  InterfaceSpec interface;      ///< interface.*: the conditions on, their weights, points per face
  std::string output_dir;
  bool write_solution = true;
  bool check_only = false;         ///< --check: validate the config, data files and rank count, then stop
  long long checkpoint_every = 0;  ///< checkpoint.every: iterations between checkpoints (0: none)
  std::string checkpoint_file;     ///< checkpoint.file (default <output.dir>/checkpoint.h5)
  bool restart = false;            ///< --restart[=FILE] was given
  std::string restart_file;        ///< the checkpoint to continue from (default checkpoint_file)
  std::string data_file;           ///< data.file: observations (read by load_observations)
  double data_noise_std = -1;      ///< the observation file's noise_std (-1: not given)
  std::vector<double> coefficient_truth;  ///< inverse.true: for the reported relative error (may be empty)
  std::map<std::string, std::string> effective;  ///< every key with its effective value (for summaries)
};

/// Result of reading the command line: a config, or a request for help.
struct CommandLine {
  bool help = false;
  std::string help_text;
  RunConfig config;
};

/// Reads `pigx-solve CONFIG.ini [--section.key=value ...] [--check] [--restart[=FILE]] [--help]`. Throws an
/// input pigx::Error naming the key, value and what was expected for malformed INI lines (with file and
/// line), unknown keys (with the closest valid key), wrong types, out-of-range values and too few
/// collocation points for the model (docs/bad_inputs.md). Not collective (every rank may call it with the
/// same arguments).
CommandLine read_command_line(const std::vector<std::string>& args, const PdeRegistry& registry);

/// Closest string to `word` among `candidates` (edit distance), or "" if none is reasonably close.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace pigx
