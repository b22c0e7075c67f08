# Finds every dependency of pigx and papers over Debian's packaging quirks (see docs/toolchain notes).
find_package(Kokkos REQUIRED)
if(Kokkos_INCLUDE_DIRS)
  # Debian's Trilinos-packaged Kokkos exports no include directory on its target.
  set_target_properties(Kokkos::kokkos PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${Kokkos_INCLUDE_DIRS}")
endif()

if(NOT PIGX_CORE_ONLY)
  set(MPI_CXX_SKIP_MPICXX ON)
  find_package(MPI REQUIRED COMPONENTS C CXX)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(PETSc REQUIRED IMPORTED_TARGET PETSc)
  set(HDF5_PREFER_PARALLEL ON)
  find_package(HDF5 REQUIRED COMPONENTS C)
  if(NOT HDF5_IS_PARALLEL)
    message(FATAL_ERROR "pigx needs parallel HDF5 (Debian: libhdf5-openmpi-dev, not libhdf5-dev)")
  endif()
  find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
  find_package(LAPACK REQUIRED)  # dense Levenberg-Marquardt solves (through PETSc's BLAS/LAPACK names)
  # TAO's private header (for registering the Adam type) lives beside PETSc's public ones on Debian.
  find_path(PETSC_PRIVATE_INCLUDE petsc/private/taoimpl.h
            HINTS ${PETSc_INCLUDE_DIRS} /usr/lib/petsc/include /usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-real/include)
  if(NOT PETSC_PRIVATE_INCLUDE)
    message(FATAL_ERROR "petsc/private/taoimpl.h not found (needed to register TAO type adam)")
  endif()
endif()

if(PIGX_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
