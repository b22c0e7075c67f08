// Loop hints for the CPU pair loops: `omp simd` (with -fopenmp-simd, no OpenMP runtime) lets the compiler
// vectorise reductions it may not reorder on its own. Empty where the hint is unavailable (CUDA device code).
#pragma once

#if defined(PIGX_HAVE_OMP_SIMD) && !defined(__CUDA_ARCH__) && !defined(__HIP_DEVICE_COMPILE__)
#define PIGX_PRAGMA(x) _Pragma(#x)
/// Marks the next loop as a SIMD loop with the given clauses, e.g. PIGX_SIMD(reduction(+ : s)).
#define PIGX_SIMD(clauses) PIGX_PRAGMA(omp simd clauses)
/// Fully unrolls the next (short, constant-trip) loop, so that it leaves no inner loop in a SIMD loop.
#define PIGX_UNROLL PIGX_PRAGMA(GCC unroll 16)
#else
#define PIGX_SIMD(clauses)
#define PIGX_UNROLL
#endif
