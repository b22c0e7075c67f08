// The BLAS kernel choice (pigx/parallel/blas_kernel.hpp): which CPUs get a forced OPENBLAS_CORETYPE, and
// that this test process, started through the same restart as the programs, runs on fast kernels.
#include <gtest/gtest.h>

#include "pigx/parallel/blas_kernel.hpp"

namespace {

TEST(BlasKernel, OnlyTheGenericKernelOnAnAvxCpuIsReplaced) {
  EXPECT_EQ(pigx::openblas_coretype_to_force("Prescott", true, true), "SkylakeX");
  EXPECT_EQ(pigx::openblas_coretype_to_force("prescott", true, false), "Haswell");
  EXPECT_EQ(pigx::openblas_coretype_to_force("Prescott", false, false), "");  // a CPU without AVX2
  EXPECT_EQ(pigx::openblas_coretype_to_force("Haswell", true, true), "");     // OpenBLAS knew the CPU
  EXPECT_EQ(pigx::openblas_coretype_to_force("Zen", true, false), "");
  EXPECT_EQ(pigx::openblas_coretype_to_force("", true, true), "");  // not OpenBLAS
}

TEST(BlasKernel, ThisProcessRunsOnKernelsMadeForItsCpu) {
  // Fails where OpenBLAS fell back to Prescott on an AVX2 CPU and the restart did not happen or did not help.
  EXPECT_EQ(pigx::openblas_coretype_for_this_cpu(), "") << "OpenBLAS kernel: " << pigx::openblas_kernel();
}

}  // namespace
