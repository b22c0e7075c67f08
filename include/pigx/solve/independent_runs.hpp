// train.ensemble_runs: one model trained R times from independent starts (initial parameters and points),
// the solution being the mean of all the models the runs end with. Independent trainings err differently
// (docs/gauss_newton.md), so their mean is closer to the solution than a typical run.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "pigx/parallel/global_loss.hpp"
#include "pigx/solve/train_spec.hpp"
#include "pigx/solve/trainer.hpp"

namespace pigx {

/// The seed of independent run `run` of a training seeded `seed`: run 0 keeps `seed`, so that one run is
/// the plain training; the others are scrambled so that the runs of seeds 1, 2, 3 share no seed. Not
/// collective.
std::uint64_t independent_run_seed(std::uint64_t seed, long long run);

/// Drives the runs: the settings of each and the models they end with. Not collective; the caller trains.
class IndependentRuns {
 public:
  /// Starts the wall clock that spec.max_time limits for all runs together.
  explicit IndependentRuns(const TrainSpec& spec);
  /// The number of runs, spec.ensemble_runs (at least 1).
  long long count() const;
  /// The settings of run `run`: its seed, and as its time limit an equal share of what is left of
  /// spec.max_time (none when max_time is 0).
  TrainSpec spec_of(long long run) const;
  /// Records a finished run: its ensemble (train.ensemble_sets) or its final parameters alone.
  void add(const std::vector<std::vector<double>>& ensemble, const std::vector<double>& theta,
           const TrainReport& report);
  /// The models of the runs kept so far (every run until keep_best), run by run, in each run its members
  /// oldest first.
  const std::vector<std::vector<double>>& members() const { return members_; }
  /// The seed of the validation points (validation_losses): one none of the runs drew its points from.
  std::uint64_t validation_seed() const;
  /// The number of runs recorded by add() and kept by keep_best(). Not collective.
  long long recorded() const { return static_cast<long long>(run_begin_.size()); }
  /// The models of the `k`-th kept run (the k-th run until keep_best). Not collective.
  std::vector<const double*> members_of(long long k) const;
  /// Keeps the models of the `keep` runs with the lowest `scores` (one a run; ties go to the earlier run),
  /// dropping the others; keep = 0 or >= the run count keeps all. Returns the kept runs, in run order.
  std::vector<long long> keep_best(const std::vector<double>& scores, long long keep);
  /// The reports of all runs so far, with iteration and evaluation counts summed, the last run's loss and
  /// terms, and the stop reason of the first run that stopped early (else the last run's).
  TrainReport total() const { return total_; }

 private:
  TrainSpec spec_;
  std::chrono::steady_clock::time_point start_;
  std::vector<std::vector<double>> members_;
  std::vector<std::size_t> run_begin_;  // where each kept run's models start in members_
  // One past the last model of kept run k in members_.
  std::size_t run_end(long long k) const;
  TrainReport total_;
};

/// The number of validation point sets that score the runs: four sets of the training's size.
inline constexpr int validation_sets = 4;

/// Collective: each run's validation loss, the mean over its models of the loss on `sets` point sets that
/// no run trained on (sampling rounds 0 .. sets-1 of runs.validation_seed(); every model sees the same
/// points). It needs no reference, so it can choose among the runs (train.ensemble_keep). Leaves `loss`
/// on the last validation set.
std::vector<double> validation_losses(GlobalLoss& loss, const IndependentRuns& runs, int sets);

}  // namespace pigx
