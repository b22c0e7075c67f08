// pigx-solve: trains a Physics-Informed Gaussian model for the problem in an INI config.
//
//   mpiexec -n 2 build/bin/pigx-solve examples/helmholtz2d.ini [--section.key=value ...] [-tao_monitor]
//
// Exit codes: 0 success, 2 bad input (message names the key), 1 runtime failure.
#include <mpi.h>
#include <petscsys.h>

#include <Kokkos_Core.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "pigx/app/run_config.hpp"
#include "pigx/app/run_solve.hpp"
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
  pigx::CommandLine cl;
  try {
    cl = pigx::read_command_line(args, pigx::builtin_pdes());
  } catch (const pigx::Error& e) {
    code = pigx::program::report("pigx-solve", rank, e);
  }
  if (code == 0 && cl.help) {
    if (rank == 0) std::cout << cl.help_text;
  } else if (code == 0) {
    int pargc = static_cast<int>(petsc_argv.size()) - 1;
    char** pargv = petsc_argv.data();
    PetscInitialize(&pargc, &pargv, nullptr, nullptr);
    Kokkos::initialize();
    try {
      pigx::run_solve(PETSC_COMM_WORLD, cl.config, std::cout);
    } catch (const pigx::Error& e) {
      code = pigx::program::report("pigx-solve", rank, e);
    } catch (const std::exception& e) {
      if (rank == 0) std::cerr << "pigx-solve: error: " << e.what() << "\n";
      code = 1;
    }
    cl.config.pde.reset();
    Kokkos::finalize();
    PetscFinalize();
  }
  MPI_Finalize();
  return code;
}
