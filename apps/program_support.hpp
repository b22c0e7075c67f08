// What every pigx program's main() does alike: splitting its arguments between pigx and PETSc and turning a
// pigx::Error into a message and an exit code.
#pragma once

#include <iostream>
#include <string>
#include <vector>

#include "pigx/core/error.hpp"

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

}  // namespace pigx::program
