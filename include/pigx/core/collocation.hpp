// The loss terms of a problem (PDE residual, boundary, initial) drawn at random, split over ranks.
#pragma once

#include <cstdint>
#include <vector>

#include "pigx/core/loss_function.hpp"
#include "pigx/core/pde.hpp"
#include "pigx/core/sampler.hpp"

namespace pigx {

/// Observed values of the solution (inverse problems): the "data" term, u minus these values, the same
/// points in every round (never resampled), split over ranks like the other terms.
struct ObservationSpec {
  std::vector<double> points;  ///< global points, row-major [count][dim]
  std::vector<double> values;  ///< [count][outputs]
  long long count = 0;         ///< 0: no data term
  double weight = 1.0;
};

/// Residual-based adaptive resampling (select_adaptive): from round 1 on, the residual points are picked
/// from `candidates` times as many candidates, weighted by the residual of the current model.
struct AdaptiveSpec {
  bool enabled = false;
  double k = 1.0;        ///< exponent of the residual norm
  double c = 1.0;        ///< uniform share: weight |r|^k / mean |r|^k + c
  int candidates = 4;    ///< candidates per residual point
  bool initial = false;  ///< the initial points too, weighted by |u - u0| (sampling.adaptive_initial)
};

/// How many collocation points each term gets (over all ranks) and its weight in the loss.
struct SamplingSpec {
  long long residual = 4096, boundary = 1024, initial = 256;
  double residual_weight = 1.0, boundary_weight = 1.0, initial_weight = 1.0;
  /// loss.residual_time_decay: the residual weight decays like exp(-rate t) (TimeWeight)
  double residual_time_decay = 0.0;
  /// sampling.time_margin: residual and boundary points (and the model's domain) reach this fraction of the
  /// time span past its end, so that the end of the span is not the edge of the fit
  double time_margin = 0.0;
  ObservationSpec data;                             ///< observations (data.file), empty unless set
  PointSequence sequence = PointSequence::Uniform;  ///< how residual, boundary, initial points are drawn
  AdaptiveSpec adaptive;                            ///< residual points where the residual is large
};

/// The box the points are drawn from: the PDE's domain, its time axis extended by spec.time_margin of its
/// span past the end (the domain itself without a margin or a time axis).
Box sampling_box(const Pde& pde, const SamplingSpec& spec);

/// The residual term for the global points `global` (row-major [count][dim]): this rank's share, with the
/// source values of PDEs that have forcing. Not collective.
TermData residual_term(const Pde& pde, const SamplingSpec& spec, const std::vector<double>& global, int rank,
                       int nranks);

/// The initial term for the global points `global` (row-major [count][dim], on the start of the time axis):
/// this rank's share, with the PDE's initial values as targets. Not collective.
TermData initial_term(const Pde& pde, const SamplingSpec& spec, const std::vector<double>& global, int rank,
                      int nranks);

/// Draws round `round` of every term of `pde` and keeps this rank's share (terms a PDE lacks, such as
/// boundary on a fully periodic problem, are left out), then adds this rank's share of the observations.
/// Every rank draws the same global points, so the union over ranks does not depend on the rank count. Not
/// collective.
std::vector<TermData> draw_terms(const Pde& pde, const SamplingSpec& spec, std::uint64_t seed,
                                 std::uint64_t round, int rank, int nranks);

}  // namespace pigx
