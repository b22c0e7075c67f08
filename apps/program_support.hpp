// What every pigx program's main() does alike: splitting its arguments between pigx and PETSc and turning a
// pigx::Error into a message and an exit code.
#pragma once

#include <mpi.h>
#include <petscsys.h>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "pigx/core/error.hpp"
#include "pigx/parallel/blas_kernel.hpp"

namespace pigx::program {

/// Splits argv: single-dash arguments (and their values) are PETSc's, the rest pigx's; petsc gets argv[0]
/// first and a terminating null pointer.
inline void split_arguments(int argc, char** argv, std::vector<std::string>& pigx,
                            std::vector<char*>& petsc) {
  petsc.push_back(argv[0]);
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.size() > 1 && a[0] == '-' && a[1] != '-' && a != "-h") {
      petsc.push_back(argv[i]);
      if (i + 1 < argc && argv[i + 1][0] != '-' && std::string(argv[i + 1]).find(".ini") == std::string::npos)
        petsc.push_back(argv[++i]);
    } else {
      pigx.push_back(a);
    }
  }
  petsc.push_back(nullptr);
}

/// Prints "<program>: error: <message>" on rank 0 and returns the exit code: 2 for bad input, 1 otherwise.
inline int report(const char* program, int rank, const Error& e) {
  if (rank == 0) std::cerr << program << ": error: " << e.what() << "\n";
  return e.kind() == ErrorKind::Input ? 2 : 1;
}

/// The body every pigx main() shares: reads pigx's arguments with `parse` (its result has `help` and
/// `help_text`), prints the help or initialises PETSc and calls `run(command_line)`, and turns any error into
/// "<program>: error: ..." on rank 0. First restarts the program on fast BLAS kernels where OpenBLAS chose
/// its generic ones (pigx/parallel/blas_kernel.hpp). Returns the exit code: 0, 2 for bad input, 1 otherwise.
template <class CommandLine, class Parse, class Run>
int run_main(const char* program, int argc, char** argv, Parse parse, Run run) {
  restart_with_fast_blas_kernel(argv);
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (const std::string note = fast_blas_kernel_note(); rank == 0 && !note.empty())
    std::cerr << program << ": " << note << "\n";
  std::vector<std::string> args;
  std::vector<char*> petsc_argv;
  split_arguments(argc, argv, args, petsc_argv);
  int code = 0;
  CommandLine cl;
  try {
    cl = parse(args);
  } catch (const Error& e) {
    code = report(program, rank, e);
  }
  if (code == 0 && cl.help) {
    if (rank == 0) std::cout << cl.help_text;
  } else if (code == 0) {
    int pargc = static_cast<int>(petsc_argv.size()) - 1;
    char** pargv = petsc_argv.data();
    PetscInitialize(&pargc, &pargv, nullptr, nullptr);
    try {
      run(cl);
    } catch (const Error& e) {
      code = report(program, rank, e);
    } catch (const std::exception& e) {
      if (rank == 0) std::cerr << program << ": error: " << e.what() << "\n";
      code = 1;
    }
    PetscFinalize();
  }
  MPI_Finalize();
  return code;
}

}  // namespace pigx::program
