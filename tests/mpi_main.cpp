// GoogleTest main for MPI tests: PETSc (hence MPI) and Kokkos around the run; a failure on any rank fails
// the test everywhere, and only rank 0 prints.
#include <gtest/gtest.h>
#include <mpi.h>
#include <petscsys.h>

#include <Kokkos_Core.hpp>

#include "pigx/parallel/blas_kernel.hpp"

int main(int argc, char** argv) {
  pigx::restart_with_fast_blas_kernel(argv);  // as the programs do: the dense LM tests run on fast kernels
  ::testing::InitGoogleTest(&argc, argv);
  PetscInitialize(&argc, &argv, nullptr, nullptr);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  int result;
  {
    Kokkos::ScopeGuard kokkos(argc, argv);
    result = RUN_ALL_TESTS();
  }
  int worst = result;
  MPI_Allreduce(&result, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  PetscFinalize();
  return worst;
}
