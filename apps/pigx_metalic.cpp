// pigx-metalic: chooses interface-condition masks for a family of parametric PDEs with a Gaussian-process
// bandit whose rounds train concurrently on groups of ranks (docs/metalic.md).
//
//   mpiexec -n 2 build/bin/pigx-metalic examples/helmholtz2d.ini --domain.subdomains=2x1 \
//       --metalic.parameter=a1 --metalic.range=1:6 --metalic.groups=2 --metalic.out=results/metalic
//
// Exit codes: 0 success, 2 bad input (message names the key; nothing written), 1 runtime failure.
#include <mpi.h>
#include <petscsys.h>

#include <Kokkos_Core.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "pigx/app/metalic_run.hpp"
#include "pigx/core/error.hpp"
#include "program_support.hpp"

using pigx::program::split_arguments;

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  std::vector<std::string> args;
  std::vector<char*> petsc_argv;
  split_arguments(argc, argv, args, petsc_argv);
  int code = 0;
  pigx::MetalicCommandLine cl;
  try {
    cl = pigx::read_metalic_command_line(args);
  } catch (const pigx::Error& e) {
    code = pigx::program::report("pigx-metalic", rank, e);
  }
  if (code == 0 && cl.help) {
    if (rank == 0) std::cout << cl.help_text;
  } else if (code == 0) {
    int pargc = static_cast<int>(petsc_argv.size()) - 1;
    char** pargv = petsc_argv.data();
    PetscInitialize(&pargc, &pargv, nullptr, nullptr);
    Kokkos::initialize();
    try {
      pigx::run_metalic(PETSC_COMM_WORLD, cl.spec, pigx::pigx_trainer(), std::cout);
    } catch (const pigx::Error& e) {
      code = pigx::program::report("pigx-metalic", rank, e);
    } catch (const std::exception& e) {
      if (rank == 0) std::cerr << "pigx-metalic: error: " << e.what() << "\n";
      code = 1;
    }
    Kokkos::finalize();
    PetscFinalize();
  }
  MPI_Finalize();
  return code;
}
