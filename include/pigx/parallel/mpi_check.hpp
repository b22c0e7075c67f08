// The one error path for MPI calls: a failing call becomes a pigx::Error naming the call and the code.
#pragma once

#include <mpi.h>

#include "pigx/core/error.hpp"

/// Runs an MPI call and throws a runtime pigx::Error with file, line and the call's text on failure.
#define PIGX_MPI(call)                                                                                  \
  do {                                                                                                  \
    const int pigx_mpi_rc_ = (call);                                                                    \
    if (pigx_mpi_rc_ != MPI_SUCCESS)                                                                    \
      throw ::pigx::Error(::pigx::ErrorKind::Runtime, ::pigx::cat(__FILE__, ":", __LINE__, ": ", #call, \
                                                                  " failed with code ", pigx_mpi_rc_)); \
  } while (0)
