// pigx-metalic: chooses interface-condition masks for a family of parametric PDEs with a Gaussian-process
// bandit whose rounds train concurrently on groups of ranks (docs/metalic.md).
//
//   mpiexec -n 2 build/bin/pigx-metalic examples/helmholtz2d.ini --domain.subdomains=2x1 \
//       --metalic.parameter=a1 --metalic.range=1:6 --metalic.groups=2 --metalic.out=results/metalic
//
// Exit codes: 0 success, 2 bad input (message names the key; nothing written), 1 runtime failure.
#include <iostream>

#include "kokkos_program.hpp"
#include "pigx/app/metalic_run.hpp"
#include "program_support.hpp"

int main(int argc, char** argv) {
  return pigx::program::run_main<pigx::MetalicCommandLine>(
      "pigx-metalic", argc, argv, pigx::read_metalic_command_line, [](pigx::MetalicCommandLine& cl) {
        pigx::program::with_kokkos(
            [&] { pigx::run_metalic(PETSC_COMM_WORLD, cl.spec, pigx::pigx_trainer(), std::cout); }, [] {});
      });
}
