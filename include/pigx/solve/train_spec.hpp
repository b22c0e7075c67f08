// How a model is trained: optimiser stages, learning-rate schedule, resampling and limits.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pigx/parallel/gram_precision.hpp"

namespace pigx {

/// One optimiser stage: a TAO type (adam, lmvm, bqnls, ...) run for a number of iterations.
struct StageSpec {
  std::string type;
  long long iterations = 0;
  long long resample_every = -1;  ///< -1: use TrainSpec::resample_every; 0: keep the points
};

/// Parses "adam:2000,lmvm:500" or "adam:2000:100,lmvm:500:0" (type:iterations[:resample_every]) into
/// stages; throws an input error naming `key` on malformed text.
std::vector<StageSpec> parse_stages(const std::string& key, const std::string& text);

/// Training settings shared by all stages.
struct TrainSpec {
  std::uint64_t seed = 1;
  std::vector<StageSpec> stages = {{"adam", 1000}};
  double learning_rate = 1e-3;  ///< Adam's initial learning rate
  double lr_decay = 0.9;        ///< multiplied in every lr_decay_every iterations
  long long lr_decay_every = 2000;
  long long resample_every = 0;    ///< 0: keep the first points
  double max_time = 0;             ///< wall-clock limit in seconds for all stages (0: none)
  long long progress_every = 100;  ///< iterations between progress lines (0: none)
  long long test_every = 100;      ///< iterations between test errors in progress lines (0: final only)
  int max_rollbacks = 5;           ///< divergence guard: consecutive rollbacks before training stops
  GramPrecision lm_gram = GramPrecision::double_precision;  ///< the precision lm forms J^T J in
  long long ensemble_sets = 0;  ///< the result: the mean of the last lm stage's fits to its last K point sets
  long long ensemble_runs = 1;  ///< the result: the mean over R trainings from independent starts
  long long ensemble_keep = 0;  ///< of those, the K with the lowest validation loss (0: all R)
  long long inject_nan_at_evaluation = -1;  ///< testing only: poison evaluations from this one on (-1: never)
  long long inject_nan_count = 1;           ///< testing only: how many consecutive evaluations to poison
};

}  // namespace pigx
