// Everything a Trainer needs to continue a run exactly where it stopped: a plain, replicated (identical on
// every rank) host struct, so it can be written by one rank and read back at any rank count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pigx {

/// The state of a training run after a completed iteration (or at its end).
struct TrainState {
  std::vector<double> theta;           ///< all parameters
  long long stage = 0;                 ///< index of the stage to continue (== number of stages: finished)
  std::string stage_type;              ///< its optimiser type ("adam", "lm", "lmvm", ...), for checks
  long long stage_position = 0;        ///< iterations already done in that stage
  long long iterations = 0;            ///< iterations done in all stages
  long long evaluations = 0;           ///< loss evaluations so far
  long long jacobian_evaluations = 0;  ///< Jacobian evaluations so far
  std::uint64_t round = 0;             ///< sampling round of the current collocation points
  double lr_scale = 1;                 ///< factor the divergence guard has put on the learning rate
  long long rollbacks = 0;             ///< divergence-guard rollbacks so far
  bool complete = false;               ///< true when every stage has ended (theta is the final result)
  std::string stop_reason;             ///< why training ended early ("" while running)
  // Adam (stage type "adam"): moments and the bias-correction step counter.
  std::vector<double> adam_m, adam_v;
  long long adam_steps = 0;
  // Levenberg-Marquardt (stage type "lm"): damping, its growth factor and the Marquardt scaling.
  double lm_damping = 0, lm_growth = 0;
  std::vector<double> lm_scale;
  /// Ensemble (TrainSpec::ensemble_sets): the parameters of the fits kept so far, oldest first, one
  /// theta.size() block each; empty without an ensemble.
  std::vector<double> ensemble;
};

}  // namespace pigx
