# Flags for targets that hold CPU pair loops: `omp simd` hints (no OpenMP runtime), branch-free selects that
# GCC only if-converts when floating-point compares may not trap, and optionally this machine's vector ISA.
# CUDA builds take none of them (device code ignores them and nvcc does not know -march=native).
function(pigx_kernel_flags target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang" AND NOT Kokkos_ENABLE_CUDA)
    target_compile_options(${target} PRIVATE -fopenmp-simd -fno-trapping-math)
    target_compile_definitions(${target} PRIVATE PIGX_HAVE_OMP_SIMD)
    if(PIGX_NATIVE)
      target_compile_options(${target} PRIVATE -march=native)
    endif()
  endif()
endfunction()
