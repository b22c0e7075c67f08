// Which kernels OpenBLAS runs the dense Levenberg-Marquardt products on. OpenBLAS picks them at load time
// from the CPU model; a model newer than the OpenBLAS build (Debian 12 ships 0.3.21, which does not know
// Sapphire or Emerald Rapids) falls back to the generic "Prescott" kernels, 2.5 times slower on pigx's
// Gram products. OPENBLAS_CORETYPE overrides the choice, but only when set before the library loads,
// hence a restart of the program.
#pragma once

#include <string>

namespace pigx {

/// The kernel set OpenBLAS chose for this process ("SkylakeX", "Haswell", "Prescott", ...); "" when the
/// BLAS in use is not OpenBLAS.
std::string openblas_kernel();

/// The OPENBLAS_CORETYPE a CPU with these features should use when OpenBLAS chose `kernel`: "SkylakeX" or
/// "Haswell" when `kernel` is the generic "Prescott" on a CPU with AVX-512 or AVX2, else "" (nothing to fix).
std::string openblas_coretype_to_force(const std::string& kernel, bool has_avx2, bool has_avx512);

/// openblas_coretype_to_force for this process and this CPU.
std::string openblas_coretype_for_this_cpu();

/// When OpenBLAS fell back to its generic kernels on this CPU and the user set no OPENBLAS_CORETYPE,
/// replaces the process by a fresh start of itself (same arguments) with OPENBLAS_CORETYPE set. Call first
/// in main(), before MPI_Init. Returns when there is nothing to fix or the restart failed.
void restart_with_fast_blas_kernel(char** argv);

/// The note a program prints once after restart_with_fast_blas_kernel restarted it; "" when it did not.
std::string fast_blas_kernel_note();

}  // namespace pigx
