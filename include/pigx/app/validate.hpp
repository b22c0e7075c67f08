// Checks of a run's input beyond single keys: INI syntax with file and line, collocation counts against the
// model, the MPI rank count against the collocation counts, and the output directory. Every failure is an
// input pigx::Error (exit code 2) naming the key, the value and what was expected; docs/bad_inputs.md
// lists them all.
#pragma once

#include <map>
#include <string>

#include "pigx/app/run_config.hpp"

namespace pigx {

/// One `key = value` line of an INI file.
struct IniEntry {
  int line = 0;
  std::string value;
};

/// Checks the syntax of the INI file at `path` the way Boost.Program_options reads it ('#' starts a
/// comment; lines are blank, `[section]` or `key = value`) and returns every entry by its full key
/// (`section.key`). Throws an input error naming the file and line for an unterminated or empty section
/// header, a line without '=', an empty key, a key before any section, or a key set twice; an input error
/// naming the file if it cannot be read. Not collective.
std::map<std::string, IniEntry> check_ini_syntax(const std::string& path);

/// Minimum collocation counts for the model and problem of `config`, independent of the rank count:
/// sampling.residual >= model.channels x model.gaussians (one residual equation per Gaussian weight, else
/// the weights alone are underdetermined), and sampling.boundary either 0 (no boundary term) or at least
/// the number of boundary faces of the problem (one point per face). Throws an input error naming the key,
/// value and the minimum. Not collective.
void check_collocation_counts(const RunConfig& config);

/// Refuses a rank count the run cannot use: every term that is drawn (residual; boundary and initial when
/// the problem has them and their count is > 0) needs at least one point per rank. Deterministic, so every
/// rank of the communicator throws the same input error and the program exits 2 on every rank without
/// MPI_Abort. Not collective.
void check_rank_count(const RunConfig& config, int ranks);

/// Refuses an output.dir that exists but is not a writable directory, or that cannot be created (an
/// ancestor is a regular file or not writable). Creates nothing. Not collective.
void check_output_dir(const std::string& dir);

}  // namespace pigx
