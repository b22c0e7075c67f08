// Registration functions of the built-in PDEs, one per file in src/core/pdes/.
#pragma once

namespace pigx {

class PdeRegistry;

/// Adds "poisson".
void register_poisson(PdeRegistry& r);
/// Adds "helmholtz".
void register_helmholtz(PdeRegistry& r);
/// Adds "klein_gordon".
void register_klein_gordon(PdeRegistry& r);
/// Adds "flow_mixing".
void register_flow_mixing(PdeRegistry& r);
/// Adds "nonlinear_diffusion".
void register_nonlinear_diffusion(PdeRegistry& r);
/// Adds "allen_cahn".
void register_allen_cahn(PdeRegistry& r);
/// Adds "advection_diffusion" (heat equation for c = 0).
void register_advection_diffusion(PdeRegistry& r);
/// Adds "burgers".
void register_burgers(PdeRegistry& r);
/// Adds "poisson_data" (2-D), "poisson_data_1d" and "poisson_data_3d": Poisson with host source data.
void register_poisson_data(PdeRegistry& r);

}  // namespace pigx
