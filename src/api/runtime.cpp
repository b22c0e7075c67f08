#include "pigx/api/runtime.hpp"

#include <mpi.h>
#include <petscsys.h>

#include <Kokkos_Core.hpp>

#include "pigx/core/error.hpp"
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
}

Runtime::~Runtime() {
  if (started_kokkos_) Kokkos::finalize();
  if (started_petsc_) PetscFinalize();
}

}  // namespace pigx
