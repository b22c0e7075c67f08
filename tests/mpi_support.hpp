// Helpers shared by the MPI tests.
#pragma once

#include <mpi.h>

namespace pigx::test {

/// Number of ranks in MPI_COMM_WORLD.
inline int world_size() {
  int s;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

/// This process's rank in MPI_COMM_WORLD.
inline int world_rank() {
  int r;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

}  // namespace pigx::test
