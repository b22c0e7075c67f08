#include "pigx/solve/independent_runs.hpp"

#include <algorithm>

namespace pigx {

std::uint64_t independent_run_seed(std::uint64_t seed, long long run) {
  if (run == 0) return seed;
  // splitmix64 of (seed, run): nearby seeds and runs give unrelated streams.
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(run + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

IndependentRuns::IndependentRuns(const TrainSpec& spec)
    : spec_(spec), start_(std::chrono::steady_clock::now()) {}

long long IndependentRuns::count() const {
  return std::max<long long>(1, spec_.ensemble_runs);
}

TrainSpec IndependentRuns::spec_of(long long run) const {
  TrainSpec s = spec_;
  s.seed = independent_run_seed(spec_.seed, run);
  if (spec_.max_time > 0) {
    const double used = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    // Never 0, which would mean "no limit": a run that finds no time left stops at its first check.
    s.max_time = std::max(1e-3, (spec_.max_time - used) / static_cast<double>(count() - run));
  }
  return s;
}

void IndependentRuns::add(const std::vector<std::vector<double>>& ensemble, const std::vector<double>& theta,
                          const TrainReport& report) {
  if (ensemble.empty())
    members_.push_back(theta);
  else
    members_.insert(members_.end(), ensemble.begin(), ensemble.end());
  const TrainReport before = total_;
  total_ = report;
  // A run that stopped early (time limit, divergence) must show in the total, not be hidden by later ones.
  if (!before.stop_reason.empty() && before.stop_reason != "completed")
    total_.stop_reason = before.stop_reason;
  total_.iterations += before.iterations;
  total_.evaluations += before.evaluations;
  total_.jacobian_evaluations += before.jacobian_evaluations;
  total_.wall_s += before.wall_s;
}

}  // namespace pigx
