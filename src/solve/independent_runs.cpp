#include "pigx/solve/independent_runs.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "pigx/core/error.hpp"

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
  run_begin_.push_back(members_.size());
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

std::uint64_t IndependentRuns::validation_seed() const {
  // Run r draws from independent_run_seed(seed, r), r < count(): the next one is no run's.
  return independent_run_seed(spec_.seed, count());
}

std::size_t IndependentRuns::run_end(long long k) const {
  return k + 1 < recorded() ? run_begin_[k + 1] : members_.size();
}

std::vector<const double*> IndependentRuns::members_of(long long k) const {
  std::vector<const double*> out;
  for (std::size_t m = run_begin_[k]; m < run_end(k); ++m) out.push_back(members_[m].data());
  return out;
}

std::vector<long long> IndependentRuns::keep_best(const std::vector<double>& scores, long long keep) {
  const long long n = recorded();
  PIGX_CHECK(static_cast<long long>(scores.size()) == n, "keep_best: ", scores.size(), " scores for ", n,
             " runs");
  std::vector<long long> order(n);
  std::iota(order.begin(), order.end(), 0LL);
  if (keep <= 0 || keep >= n) return order;
  // NaN scores (a diverged run) sort last.
  std::stable_sort(order.begin(), order.end(), [&](long long a, long long b) {
    return std::isnan(scores[b]) ? !std::isnan(scores[a]) : scores[a] < scores[b];
  });
  order.resize(keep);
  std::sort(order.begin(), order.end());
  std::vector<std::vector<double>> kept;
  std::vector<std::size_t> begin;
  for (long long k : order) {
    begin.push_back(kept.size());
    for (std::size_t m = run_begin_[k]; m < run_end(k); ++m) kept.push_back(std::move(members_[m]));
  }
  members_ = std::move(kept);
  run_begin_ = std::move(begin);
  return order;
}

std::vector<double> validation_losses(GlobalLoss& loss, const IndependentRuns& runs, int sets) {
  std::vector<double> mean(runs.recorded(), 0.0), terms;
  for (int set = 0; set < sets; ++set) {
    loss.resample(runs.validation_seed(), static_cast<std::uint64_t>(set), nullptr);
    for (long long r = 0; r < runs.recorded(); ++r) {
      const std::vector<const double*> models = runs.members_of(r);
      for (const double* theta : models)
        mean[r] += loss.evaluate(theta + loss.view_begin(), nullptr, terms) /
                   static_cast<double>(sets * models.size());
    }
  }
  return mean;
}

}  // namespace pigx
