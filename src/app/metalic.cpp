#include "pigx/app/metalic.hpp"

#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <utility>

#include "pigx/core/error.hpp"

namespace pigx {

namespace {

// Index of the largest score among the candidates not in `taken` (all of them once every one is taken).
std::size_t argmax_untaken(const std::vector<double>& score, const std::set<std::size_t>& taken) {
  const bool skip = taken.size() < score.size();
  std::size_t best = score.size();
  for (std::size_t i = 0; i < score.size(); ++i) {
    if (skip && taken.count(i)) continue;
    if (best == score.size() || score[i] > score[best]) best = i;
  }
  return best;
}

}  // namespace

MaskBandit::MaskBandit(std::vector<std::string> conditions, std::vector<ConditionMask> candidates, double lo,
                       double hi, BanditOptions options)
    : conditions_(std::move(conditions)),
      candidates_(std::move(candidates)),
      lo_(lo),
      hi_(hi),
      options_(std::move(options)),
      gp_(1, options_.grid) {
  PIGX_CHECK_INPUT(!conditions_.empty(),
                   "METALIC bandit: no interface conditions: expected at least one name");
  PIGX_CHECK_INPUT(!candidates_.empty(), "METALIC bandit: no candidate masks: expected at least one");
  std::set<ConditionMask> seen;
  for (const ConditionMask& m : candidates_) {
    PIGX_CHECK_INPUT(m.size() == conditions_.size(), "METALIC bandit: a candidate mask has ", m.size(),
                     " flags: expected one per condition (", conditions_.size(), ")");
    PIGX_CHECK_INPUT(mask_name(conditions_, m) != "none",
                     "METALIC bandit: an empty candidate mask: expected at least one condition on");
    PIGX_CHECK_INPUT(seen.insert(m).second, "METALIC bandit: candidate mask '", mask_name(conditions_, m),
                     "' is listed twice: expected distinct masks");
  }
  PIGX_CHECK_INPUT(std::isfinite(lo_) && std::isfinite(hi_) && lo_ < hi_, "METALIC bandit: context range [",
                   lo_, ", ", hi_, "]: expected finite lo < hi");
  PIGX_CHECK_INPUT(std::isfinite(options_.beta) && options_.beta >= 0,
                   "METALIC bandit: beta = ", options_.beta, ": expected a finite number >= 0");
  gp_.fit({}, {});
}

std::vector<ConditionMask> MaskBandit::all_nonempty_subsets(std::size_t count) {
  PIGX_CHECK_INPUT(count >= 1 && count <= 16, "METALIC bandit: ", count,
                   " conditions: expected 1..16 for all subsets");
  std::vector<ConditionMask> out;
  for (std::size_t bits = 1; bits < (std::size_t{1} << count); ++bits) {
    ConditionMask m(count);
    for (std::size_t i = 0; i < count; ++i) m[i] = (bits >> i) & 1u;
    out.push_back(m);
  }
  return out;
}

std::vector<double> MaskBandit::features(double context, std::size_t mask) const {
  std::vector<double> f{(context - lo_) / (hi_ - lo_)};
  for (bool b : candidates_.at(mask)) f.push_back(b ? 1.0 : 0.0);
  return f;
}

void MaskBandit::observe(const std::vector<BanditObservation>& batch) {
  for (const BanditObservation& o : batch) {
    PIGX_CHECK_INPUT(o.mask < candidates_.size(), "METALIC bandit: mask index ", o.mask, ": expected 0..",
                     candidates_.size() - 1);
    PIGX_CHECK_INPUT(std::isfinite(o.context) && std::isfinite(o.reward),
                     "METALIC bandit: observation (context ", o.context, ", reward ", o.reward,
                     "): expected finite numbers");
  }
  observations_.insert(observations_.end(), batch.begin(), batch.end());
  std::vector<std::vector<double>> x;
  std::vector<double> y;
  for (const BanditObservation& o : observations_) {
    x.push_back(features(o.context, o.mask));
    y.push_back(o.reward);
  }
  gp_.fit(x, y);
}

GpPrediction MaskBandit::predict(double context, std::size_t mask) const {
  return gp_.predict(features(context, mask));
}

double MaskBandit::ucb(double context, std::size_t mask) const {
  const GpPrediction p = predict(context, mask);
  return p.mean + options_.beta * std::sqrt(p.variance);
}

std::vector<std::size_t> MaskBandit::select(const std::vector<double>& contexts, std::uint64_t round) const {
  const std::size_t n = candidates_.size();
  std::vector<std::size_t> picks;
  std::set<std::size_t> taken;
  if (options_.acquisition == Acquisition::Ucb) {
    GaussianProcess gp = gp_;
    std::vector<std::vector<double>> x;
    std::vector<double> y;
    for (const BanditObservation& o : observations_) {
      x.push_back(features(o.context, o.mask));
      y.push_back(o.reward);
    }
    for (double c : contexts) {
      std::vector<double> score(n);
      for (std::size_t i = 0; i < n; ++i) {
        const GpPrediction p = gp.predict(features(c, i));
        score[i] = p.mean + options_.beta * std::sqrt(p.variance);
      }
      const std::size_t pick = argmax_untaken(score, taken);
      picks.push_back(pick);
      taken.insert(pick);
      // Kriging believer: pretend the pick returned its posterior mean, so the next slot looks elsewhere.
      x.push_back(features(c, pick));
      y.push_back(gp.predict(x.back()).mean);
      gp.fit(x, y, gp.hyper());
    }
  } else {
    for (std::size_t slot = 0; slot < contexts.size(); ++slot) {
      std::seed_seq seq{static_cast<std::uint32_t>(options_.seed),
                        static_cast<std::uint32_t>(options_.seed >> 32), static_cast<std::uint32_t>(round),
                        static_cast<std::uint32_t>(slot)};
      std::mt19937_64 rng(seq);
      std::vector<std::vector<double>> xs;
      for (std::size_t i = 0; i < n; ++i) xs.push_back(features(contexts[slot], i));
      const std::size_t pick = argmax_untaken(gp_.sample(xs, rng), taken);
      picks.push_back(pick);
      taken.insert(pick);
    }
  }
  return picks;
}

std::size_t MaskBandit::best(double context) const {
  std::vector<double> mean(candidates_.size());
  for (std::size_t i = 0; i < mean.size(); ++i) mean[i] = predict(context, i).mean;
  return argmax_untaken(mean, {});
}

std::string mask_name(const std::vector<std::string>& conditions, const ConditionMask& mask) {
  std::string out;
  for (std::size_t i = 0; i < mask.size() && i < conditions.size(); ++i)
    if (mask[i]) out += (out.empty() ? "" : "+") + conditions[i];
  return out.empty() ? "none" : out;
}

}  // namespace pigx
