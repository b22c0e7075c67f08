// What pigx needs running around it in a host code: PETSc and Kokkos. The host owns MPI.
#pragma once

namespace pigx {

/// Initialises PETSc and Kokkos for the lifetime of the object, each only if the host has not already done
/// so, and finalises only what it initialised. MPI must already be initialised by the host (pigx never
/// calls MPI_Init). Create one before any Solver and destroy it after the last one. Collective over
/// MPI_COMM_WORLD when it initialises PETSc.
class Runtime {
 public:
  /// Starts PETSc (options from argc/argv when non-null, e.g. -tao_monitor) and Kokkos; throws pigx::Error
  /// if MPI is not initialised. Warns on rank 0 when OpenBLAS runs its generic kernels on this CPU.
  explicit Runtime(int* argc = nullptr, char*** argv = nullptr);
  /// Finalises what the constructor initialised (Kokkos, then PETSc).
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

 private:
  bool started_petsc_ = false, started_kokkos_ = false;
};

}  // namespace pigx
