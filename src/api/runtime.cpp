#include "pigx/api/runtime.hpp"

#include <mpi.h>
#include <petscsys.h>

#include <Kokkos_Core.hpp>
#include <iostream>

#include "pigx/core/error.hpp"
#include "pigx/parallel/blas_kernel.hpp"
#include "pigx/solve/petsc_check.hpp"

namespace pigx {

Runtime::Runtime(int* argc, char*** argv) {
  int mpi = 0;
  MPI_Initialized(&mpi);
  PIGX_CHECK_INPUT(mpi, "pigx::Runtime: MPI is not initialised; the host must call MPI_Init first");
  PetscBool petsc = PETSC_FALSE;
  PIGX_PETSC(PetscInitialized(&petsc));
  if (!petsc) {
    PIGX_PETSC(PetscInitialize(argc, argv, nullptr, nullptr));
    started_petsc_ = true;
  }
  if (!Kokkos::is_initialized()) {
    Kokkos::initialize();
    started_kokkos_ = true;
  }
  // A host code's process cannot be restarted from here (pigx's programs do that): say what to set.
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (const std::string coretype = openblas_coretype_for_this_cpu(); rank == 0 && !coretype.empty())
    std::cerr << "pigx: warning: OpenBLAS runs its generic kernels on this CPU; set OPENBLAS_CORETYPE="
              << coretype << " before the program starts (docs/performance.md)\n";
}

Runtime::~Runtime() {
  if (started_kokkos_) Kokkos::finalize();
  if (started_petsc_) PetscFinalize();
}

}  // namespace pigx
