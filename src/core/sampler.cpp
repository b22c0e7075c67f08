#include "pigx/core/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>

#include "pigx/core/error.hpp"

namespace pigx {

PointSequence parse_point_sequence(const std::string& key, const std::string& value) {
  if (value == "uniform") return PointSequence::Uniform;
  if (value == "halton") return PointSequence::Halton;
  throw_input_error(key, value, "one of: uniform, halton");
}

namespace {
constexpr int kHaltonBases[] = {2, 3, 5, 7};
static_assert(std::size(kHaltonBases) >= kMaxDim, "one Halton base per axis");

// Radical inverse of i in base b: the digits of i mirrored about the radix point.
double radical_inverse(long long i, int b) {
  double x = 0, scale = 1.0 / b;
  for (; i > 0; i /= b, scale /= b) x += static_cast<double>(i % b) * scale;
  return x;
}
}  // namespace

UnitCubePoints::UnitCubePoints(PointSequence sequence, int dim, std::mt19937_64& rng) : rng_(rng) {
  if (sequence != PointSequence::Halton || dim < 1) return;
  shift_.resize(dim);
  for (double& s : shift_) s = uniform_(rng_);
}

double UnitCubePoints::next() {
  if (shift_.empty()) return uniform_(rng_);
  // The Cranley-Patterson shift of this axis, modulo 1, keeps every round's set uniform in expectation.
  double x = radical_inverse(index_, kHaltonBases[axis_]) + shift_[axis_];
  if (++axis_ == static_cast<int>(shift_.size())) axis_ = 0, ++index_;
  x -= std::floor(x);
  return x < 1.0 ? x : std::nextafter(1.0, 0.0);
}

std::vector<long long> select_adaptive(const std::vector<double>& residual_norm, long long n, double k,
                                       double c, std::mt19937_64& rng) {
  const long long m = static_cast<long long>(residual_norm.size());
  n = std::min(n, m);
  std::vector<double> weight(m);
  double mean = 0;
  for (long long i = 0; i < m; ++i) mean += weight[i] = std::pow(std::abs(residual_norm[i]), k);
  mean /= std::max<long long>(m, 1);
  // Efraimidis-Spirakis: the n largest keys log(u) / w are a weighted draw without replacement.
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::pair<double, long long>> key(m);
  for (long long i = 0; i < m; ++i) {
    const double w = (mean > 0 ? weight[i] / mean : 0.0) + c;
    const double draw = u(rng);
    key[i] = {w > 0 ? std::log(std::max(draw, 1e-300)) / w : -HUGE_VAL, i};
  }
  std::nth_element(key.begin(), key.begin() + n, key.end(), std::greater<>());
  std::vector<long long> picked(n);
  for (long long i = 0; i < n; ++i) picked[i] = key[i].second;
  std::sort(picked.begin(), picked.end());
  return picked;
}

std::mt19937_64 make_stream(std::uint64_t seed, std::uint64_t round, std::uint64_t term) {
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(round), static_cast<std::uint32_t>(term), 0x9e3779b9u};
  return std::mt19937_64(seq);
}

void sample_interior(const Box& box, int n, std::mt19937_64& rng, std::vector<double>& out,
                     PointSequence sequence) {
  UnitCubePoints unit(sequence, box.dim, rng);
  for (int i = 0; i < n; ++i)
    for (int d = 0; d < box.dim; ++d) out.push_back(box.lo[d] + box.extent(d) * unit.next());
}

int boundary_faces(const Box& box, int time_axis) {
  int f = 0;
  for (int d = 0; d < box.dim; ++d)
    if (d != time_axis && !box.periodic[d]) f += 2;
  return f;
}

bool sample_boundary(const Box& box, int time_axis, int n, std::mt19937_64& rng, std::vector<double>& out,
                     PointSequence sequence) {
  std::vector<int> axis, side;
  for (int d = 0; d < box.dim; ++d)
    if (d != time_axis && !box.periodic[d])
      for (int s = 0; s < 2; ++s) axis.push_back(d), side.push_back(s);
  if (axis.empty()) return false;
  const int faces = static_cast<int>(axis.size());
  for (int f = 0; f < faces; ++f) {
    // Each face is a (dim-1)-cube of its own: a Halton set per face keeps every face evenly covered.
    UnitCubePoints unit(sequence, box.dim - 1, rng);
    const int m = n / faces + (f < n % faces ? 1 : 0);
    for (int i = 0; i < m; ++i)
      for (int d = 0; d < box.dim; ++d)
        out.push_back(d == axis[f] ? (side[f] ? box.hi[d] : box.lo[d])
                                   : box.lo[d] + box.extent(d) * unit.next());
  }
  return true;
}

void sample_initial(const Box& box, int time_axis, int n, std::mt19937_64& rng, std::vector<double>& out,
                    PointSequence sequence) {
  UnitCubePoints unit(sequence, box.dim - 1, rng);
  for (int i = 0; i < n; ++i)
    for (int d = 0; d < box.dim; ++d)
      out.push_back(d == time_axis ? box.lo[d] : box.lo[d] + box.extent(d) * unit.next());
}

void split_range(long long n, int rank, int nranks, long long& begin, long long& end) {
  begin = n * rank / nranks;
  end = n * (rank + 1) / nranks;
}

}  // namespace pigx
