// The one list of built-in PDEs: a new PDE adds its register function here.
#include "pigx/core/pde.hpp"
#include "pigx/core/pde_list.hpp"

namespace pigx {

void register_all_pdes(PdeRegistry& r) {
  register_poisson(r);
  register_helmholtz(r);
  register_klein_gordon(r);
  register_flow_mixing(r);
  register_nonlinear_diffusion(r);
  register_allen_cahn(r);
  register_advection_diffusion(r);
  register_burgers(r);
  register_poisson_data(r);
}

}  // namespace pigx
