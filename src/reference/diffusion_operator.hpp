// The DMDA local residual and Jacobian of the implicit form of u_t = alpha div(u grad u) + f with u = 0 on
// the boundary (internal to the reference solver).
#pragma once

#include <petscdmda.h>

#include "pigx/reference/diffusion_solver.hpp"

namespace pigx::reference::detail {

/// What the local callbacks need: the equation and the grid spacing.
struct OperatorContext {
  const DiffusionProblem* problem = nullptr;
  double h = 0;
};

/// F(t, u, u_t) = u_t - alpha div_h(u grad u) - f inside, F = u on the boundary (DMDATSSetIFunctionLocal
/// form; ctx is an OperatorContext). Not collective.
PetscErrorCode diffusion_ifunction(DMDALocalInfo* info, PetscReal t, void* u, void* udot, void* f, void* ctx);

/// dF/du + shift dF/du_t of diffusion_ifunction, assembled into P (and J when it differs), exactly
/// (DMDATSSetIJacobianLocal form). Collective over the matrices' communicator (assembly).
PetscErrorCode diffusion_ijacobian(DMDALocalInfo* info, PetscReal t, void* u, void* udot, PetscReal shift,
                                   Mat J, Mat P, void* ctx);

}  // namespace pigx::reference::detail
