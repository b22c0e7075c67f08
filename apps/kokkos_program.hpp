// Kokkos set-up for the programs whose work runs Kokkos kernels (pigx-solve, pigx-metalic).
#pragma once

#include <Kokkos_Core.hpp>

namespace pigx::program {

/// Runs `work` between Kokkos::initialize and Kokkos::finalize; `release` frees what still holds Kokkos
/// views before the finalize, on success and when `work` throws (the exception is passed on).
template <class Work, class Release>
void with_kokkos(Work work, Release release) {
  Kokkos::initialize();
  try {
    work();
  } catch (...) {
    release();
    Kokkos::finalize();
    throw;
  }
  release();
  Kokkos::finalize();
}

}  // namespace pigx::program
