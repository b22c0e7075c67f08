// The command line of pigx-reference: grid, tolerances and output file, each checked with a message that
// names the option, the value and what was expected.
#pragma once

#include <string>
#include <vector>

#include "pigx/reference/nonlinear_diffusion_reference.hpp"

namespace pigx::reference {

/// Result of reading the command line: a run, or a request for help.
struct ReferenceCommandLine {
  bool help = false;
  std::string help_text;
  ReferenceRunSpec spec;
};

/// Reads `pigx-reference [--points N] [--rtol R] [--atol A] [--dt0 D] [--output FILE] [--help]` (PETSc's
/// single-dash options are split off before). Throws pigx::Error (Input) naming the option, the value and
/// what was expected for unknown options, missing or malformed values and values out of range. Not
/// collective (every rank may call it with the same arguments).
ReferenceCommandLine read_reference_command_line(const std::vector<std::string>& args);

}  // namespace pigx::reference
