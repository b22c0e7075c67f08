// The one error path for PETSc calls made from C++ (outside PETSc callbacks): a non-zero code becomes
// a pigx::Error naming the call.
#pragma once

#include <petscsys.h>

#include "pigx/core/error.hpp"

/// Runs a PETSc call and throws a runtime pigx::Error with file, line and the call's text on failure.
#define PIGX_PETSC(call)                                                                                 \
  do {                                                                                                   \
    const PetscErrorCode pigx_petsc_rc_ = (call);                                                        \
    if (pigx_petsc_rc_)                                                                                  \
      throw ::pigx::Error(::pigx::ErrorKind::Runtime,                                                    \
                          ::pigx::cat(__FILE__, ":", __LINE__, ": ", #call, " failed with PETSc error ", \
                                      static_cast<int>(pigx_petsc_rc_)));                                \
  } while (0)
