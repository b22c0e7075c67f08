// Initial-value lift: u = N(x, t) + exp(-lambda (t - t0)) H(x, t), with N the network's output (after any
// hard boundary factor) and H the problem's initial value u0 carried forward (Pde::initial_taylor: u0 itself,
// or u0 under the problem's diffusion alone). The lift carries what a smooth N cannot: a kink of u0
// (Allen-Cahn's, across its periodic seam) is exact at t0, rounds as the diffusion rounds it and decays at
// the rate lambda, the rate at which a reaction damps it (the linearisation about a stable state). N then
// fits only the smooth rest, and at t0 its target is 0. The lift has no parameters: only the values and
// input derivatives of u change.
// Host side computes its Taylor data per point (PointBatch::lift); kernels add them (add_initial_lift).
#pragma once

#include "pigx/core/encoder.hpp"
#include "pigx/core/taylor.hpp"

namespace pigx {

class Pde;

/// Writes the lift's Taylor data at the physical point x, [outputs][taylor_size(dim, 2)], for the decay rate
/// `rate` from the start of the problem's time axis. The problem must provide Pde::initial_taylor().
void initial_lift_taylor(const Pde& pde, double rate, const double* x, double* L);

/// Whether model.initial_lift works for the problem: it has a time axis and provides initial_taylor().
bool has_initial_taylor(const Pde& pde);

/// U += the lift's Taylor data of batch point p up to `order` (nothing when the batch carries no lift).
KOKKOS_INLINE_FUNCTION void add_initial_lift(const PointBatch& batch, int p, int dim, int order, int outputs,
                                             double* U) {
  if (batch.lift.extent(0) == 0) return;
  const int nc = taylor_size(dim, order), nc2 = taylor_size(dim, 2);
  for (int o = 0; o < outputs; ++o)
    for (int j = 0; j < nc; ++j) U[o * nc + j] += batch.lift(p, o * nc2 + j);
}

}  // namespace pigx
