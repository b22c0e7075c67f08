// The METALIC bandit: a contextual Gaussian-process bandit that chooses interface-condition masks for a
// family of parametric PDEs. The context is one PDE parameter (scaled to [0, 1] over its range), the arm a
// mask (which interface conditions are on), the reward -log10 of the test error (docs/metalic.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "pigx/app/gaussian_process.hpp"

namespace pigx {

/// Which interface conditions are on: one flag per condition name of the bandit.
using ConditionMask = std::vector<bool>;

/// How the bandit picks a mask: upper confidence bound (mean + beta sd) or Thompson sampling.
enum class Acquisition { Ucb, Thompson };

/// Settings of the bandit.
struct BanditOptions {
  Acquisition acquisition = Acquisition::Ucb;
  double beta = 2.0;       ///< UCB's weight of the posterior standard deviation
  std::uint64_t seed = 1;  ///< seeds Thompson sampling (with the round and the slot in the batch)
  GpGrid grid;             ///< hyperparameter grid of the GP
};

/// One observed outcome: a mask (index into the candidates) tried at a context, and its reward.
struct BanditObservation {
  double context = 0;
  std::size_t mask = 0;
  double reward = 0;
};

/// A GP bandit over a fixed list of candidate masks. Deterministic: every rank that feeds it the same
/// observations makes the same choices. Not collective.
class MaskBandit {
 public:
  /// A bandit over `candidates` (each a mask over `conditions`) for contexts in [lo, hi]. Throws an input
  /// pigx::Error for no conditions or candidates, a candidate of the wrong length, an empty or repeated
  /// candidate, lo >= hi, or a negative or non-finite beta.
  MaskBandit(std::vector<std::string> conditions, std::vector<ConditionMask> candidates, double lo, double hi,
             BanditOptions options = {});

  /// All 2^count - 1 non-empty subsets of `count` conditions, in binary counting order (count in 1..16).
  static std::vector<ConditionMask> all_nonempty_subsets(std::size_t count);

  /// Condition names, in mask order.
  const std::vector<std::string>& conditions() const { return conditions_; }
  /// Candidate masks.
  const std::vector<ConditionMask>& candidates() const { return candidates_; }
  /// Observations so far, in the order they were added.
  const std::vector<BanditObservation>& observations() const { return observations_; }
  /// The GP of the last refit.
  const GaussianProcess& model() const { return gp_; }

  /// Adds observations and refits the GP (hyperparameters re-chosen by marginal likelihood). Throws an
  /// input pigx::Error for a mask index out of range or a non-finite reward or context.
  void observe(const std::vector<BanditObservation>& batch);
  /// GP feature vector of a context and a candidate: (context - lo) / (hi - lo), then the mask bits.
  std::vector<double> features(double context, std::size_t mask) const;
  /// Posterior of the reward of candidate `mask` at `context`.
  GpPrediction predict(double context, std::size_t mask) const;
  /// UCB score mean + beta * sd of candidate `mask` at `context`.
  double ucb(double context, std::size_t mask) const;
  /// One mask per context, for a batch of concurrent trials of one round. UCB: kriging believer (after each
  /// pick the GP is refitted, hyperparameters kept, with the pick's posterior mean as a hallucinated
  /// reward). Thompson: one joint posterior sample over the candidates per slot, seeded by (seed, round,
  /// slot). A mask already picked in the batch is skipped while untried candidates remain, so a batch holds
  /// distinct masks when there are at least as many candidates as slots. Ties go to the lowest index.
  std::vector<std::size_t> select(const std::vector<double>& contexts, std::uint64_t round) const;
  /// The candidate with the largest posterior mean reward at `context` (ties: lowest index).
  std::size_t best(double context) const;

 private:
  std::vector<std::string> conditions_;
  std::vector<ConditionMask> candidates_;
  double lo_, hi_;
  BanditOptions options_;
  std::vector<BanditObservation> observations_;
  GaussianProcess gp_;
};

/// The names of the conditions that are on, joined by '+' ("none" for an empty mask). Not collective.
std::string mask_name(const std::vector<std::string>& conditions, const ConditionMask& mask);

}  // namespace pigx
