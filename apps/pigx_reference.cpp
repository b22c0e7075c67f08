// pigx-reference: an independent classical reference solution of the nonlinear diffusion benchmark (PETSc
// DMDA finite differences + adaptive implicit TS), written in the layout of the shipped reference.
//
//   mpiexec -n 2 build/bin/pigx-reference --points 801 [--rtol 1e-6] [--output FILE] [-ts_monitor ...]
//
// Exit codes: 0 success, 2 bad input (message names the option), 1 runtime failure. See docs/references.md.
#include <iostream>

#include "pigx/reference/reference_options.hpp"
#include "program_support.hpp"

int main(int argc, char** argv) {
  using pigx::reference::ReferenceCommandLine;
  return pigx::program::run_main<ReferenceCommandLine>(
      "pigx-reference", argc, argv, pigx::reference::read_reference_command_line,
      [](ReferenceCommandLine& cl) {
        pigx::reference::run_reference(PETSC_COMM_WORLD, cl.spec, &std::cout);
      });
}
