// The peak double-precision rate of one core, measured rather than looked up: independent chains of
// vector FMAs at the widest vector the compiler targets, so no dependency or memory limit applies.
#pragma once

#include <algorithm>
#include <ctime>

/// Best of a few timed runs of 10 independent vector FMA chains; GFLOP/s (an FMA counts as 2 flops).
__attribute__((noinline)) inline double measure_peak_gflops() {
#if defined(__CUDACC__)
  return 0;  // GPU builds: nvcc's front end does not take this vector-extension code, and it is not needed
#else
#if defined(__AVX512F__)
  constexpr int kLanes = 8;
#elif defined(__AVX__)
  constexpr int kLanes = 4;
#else
  constexpr int kLanes = 2;
#endif
  typedef double vec __attribute__((vector_size(kLanes * sizeof(double))));
  constexpr long kSteps = 4000000;
  double best = 0;
  for (int run = 0; run < 3; ++run) {
    vec m, c, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9;  // 10 chains cover FMA latency times 2 pipes
    for (int l = 0; l < kLanes; ++l) {
      m[l] = 0.9999999, c[l] = 1e-7;
      a0[l] = a1[l] = a2[l] = a3[l] = a4[l] = 1.0 + l;
      a5[l] = a6[l] = a7[l] = a8[l] = a9[l] = 2.0 + l;
    }
    // CPU time of this thread, like the kernels' rates: other processes on the core do not count.
    timespec t0, t1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    for (long s = 0; s < kSteps; ++s) {
      a0 = a0 * m + c, a1 = a1 * m + c, a2 = a2 * m + c, a3 = a3 * m + c, a4 = a4 * m + c;
      a5 = a5 * m + c, a6 = a6 * m + c, a7 = a7 * m + c, a8 = a8 * m + c, a9 = a9 * m + c;
      // Keeps the chains in registers and the loop from being folded away.
      __asm__ volatile(""
                       : "+x"(a0), "+x"(a1), "+x"(a2), "+x"(a3), "+x"(a4), "+x"(a5), "+x"(a6), "+x"(a7),
                         "+x"(a8), "+x"(a9));
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    const double sec = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
    best = std::max(best, 2.0 * kLanes * 10 * kSteps / sec * 1e-9);
  }
  return best;
#endif
}
