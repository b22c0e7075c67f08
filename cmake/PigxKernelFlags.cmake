# Flags for the CPU pair loops: `omp simd` hints (no OpenMP runtime), branch-free selects that GCC only
# if-converts when floating-point compares may not trap, and optionally this machine's vector ISA.
# They apply to every pigx target, not just the kernels: inline functions compiled into several libraries
# must be compiled alike, or the linker's choice of copy changes results in the last bits.
# CUDA builds take none of them (device code ignores them and nvcc does not know -march=native).
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang" AND NOT Kokkos_ENABLE_CUDA)
  add_compile_options(-fopenmp-simd -fno-trapping-math)
  add_compile_definitions(PIGX_HAVE_OMP_SIMD)
  if(PIGX_NATIVE)
    add_compile_options(-march=native)
  endif()
endif()
