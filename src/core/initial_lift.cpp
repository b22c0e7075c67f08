#include "pigx/core/initial_lift.hpp"

#include <cmath>
#include <vector>

#include "pigx/core/error.hpp"
#include "pigx/core/pde.hpp"

namespace pigx {

bool has_initial_taylor(const Pde& pde) {
  if (pde.time_axis() < 0) return false;
  const Box box = pde.domain();
  std::vector<double> taylor(pde.outputs() * taylor_size(pde.dim(), 2));
  return pde.initial_taylor(box.lo, taylor.data());
}

void initial_lift_taylor(const Pde& pde, double rate, const double* x, double* L) {
  const int D = pde.dim(), O = pde.outputs(), nc = taylor_size(D, 2), ta = pde.time_axis();
  PIGX_CHECK(ta >= 0 && pde.initial_taylor(x, L), "problem '", pde.name(),
             "' has no initial-value derivatives for model.initial_lift");
  const double decay = std::exp(-rate * (x[ta] - pde.domain().lo[ta]));
  const int it = grad_index(ta), itt = hess_index(D, ta, ta);
  for (int o = 0; o < O; ++o) {
    double* l = L + o * nc;
    // Product rule for exp(-rate t) H: each time derivative adds -rate times the lower one.
    l[itt] += -2 * rate * l[it] + rate * rate * l[0];
    for (int a = 0; a < D; ++a)
      if (a != ta) l[hess_index(D, a, ta)] -= rate * l[grad_index(a)];
    l[it] -= rate * l[0];
    for (int j = 0; j < nc; ++j) l[j] *= decay;
  }
}

}  // namespace pigx
