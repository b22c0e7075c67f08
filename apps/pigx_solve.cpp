// pigx-solve: trains a Physics-Informed Gaussian model for the problem in an INI config.
//
//   mpiexec -n 2 build/bin/pigx-solve examples/helmholtz2d.ini [--section.key=value ...] [-tao_monitor]
//
// Exit codes: 0 success, 2 bad input (message names the key), 1 runtime failure.
#include <iostream>

#include "kokkos_program.hpp"
#include "pigx/app/run_config.hpp"
#include "pigx/app/run_solve.hpp"
#include "program_support.hpp"

int main(int argc, char** argv) {
  return pigx::program::run_main<pigx::CommandLine>(
      "pigx-solve", argc, argv,
      [](const std::vector<std::string>& args) {
        return pigx::read_command_line(args, pigx::builtin_pdes());
      },
      [](pigx::CommandLine& cl) {
        pigx::program::with_kokkos([&] { pigx::run_solve(PETSC_COMM_WORLD, cl.config, std::cout); },
                                   [&] { cl.config.pde.reset(); });  // the PDE holds Kokkos views
      });
}
