# PIGX_SANITIZE=ON: every pigx target (libraries, programs, tests) built with ASan and UBSan. The
# prebuilt Debian libraries (Kokkos, PETSc, MPI, HDF5) stay uninstrumented; see scripts/test-sanitize.
if(PIGX_SANITIZE)
  set(PIGX_SANITIZE_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_compile_options(${PIGX_SANITIZE_FLAGS})
  add_link_options(${PIGX_SANITIZE_FLAGS})
endif()
