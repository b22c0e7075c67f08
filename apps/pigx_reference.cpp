// pigx-reference: an independent classical reference solution of the nonlinear diffusion benchmark (PETSc
// DMDA finite differences + adaptive implicit TS), written in the layout of the shipped reference.
//
//   mpiexec -n 2 build/bin/pigx-reference --points 801 [--rtol 1e-6] [--output FILE] [-ts_monitor ...]
//
// Exit codes: 0 success, 2 bad input (message names the option), 1 runtime failure. See docs/references.md.
#include <mpi.h>
#include <petscsys.h>

#include <iostream>
#include <string>
#include <vector>

#include "pigx/core/error.hpp"
#include "pigx/reference/reference_options.hpp"
#include "program_support.hpp"

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  std::vector<std::string> args;
  std::vector<char*> petsc_argv;
  pigx::program::split_arguments(argc, argv, args, petsc_argv);
  int code = 0;
  pigx::reference::ReferenceCommandLine cl;
  try {
    cl = pigx::reference::read_reference_command_line(args);
  } catch (const pigx::Error& e) {
    code = pigx::program::report("pigx-reference", rank, e);
  }
  if (code == 0 && cl.help) {
    if (rank == 0) std::cout << cl.help_text;
  } else if (code == 0) {
    int pargc = static_cast<int>(petsc_argv.size()) - 1;
    char** pargv = petsc_argv.data();
    PetscInitialize(&pargc, &pargv, nullptr, nullptr);
    try {
      pigx::reference::run_reference(PETSC_COMM_WORLD, cl.spec, &std::cout);
    } catch (const pigx::Error& e) {
      code = pigx::program::report("pigx-reference", rank, e);
    } catch (const std::exception& e) {
      if (rank == 0) std::cerr << "pigx-reference: error: " << e.what() << "\n";
      code = 1;
    }
    PetscFinalize();
  }
  MPI_Finalize();
  return code;
}
