#include "pigx/core/sampler.hpp"

namespace pigx {

std::mt19937_64 make_stream(std::uint64_t seed, std::uint64_t round, std::uint64_t term) {
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(round), static_cast<std::uint32_t>(term), 0x9e3779b9u};
  return std::mt19937_64(seq);
}

void sample_interior(const Box& box, int n, std::mt19937_64& rng, std::vector<double>& out) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int i = 0; i < n; ++i)
    for (int d = 0; d < box.dim; ++d) out.push_back(box.lo[d] + box.extent(d) * u(rng));
}

int boundary_faces(const Box& box, int time_axis) {
  int f = 0;
  for (int d = 0; d < box.dim; ++d)
    if (d != time_axis && !box.periodic[d]) f += 2;
  return f;
}

bool sample_boundary(const Box& box, int time_axis, int n, std::mt19937_64& rng, std::vector<double>& out) {
  std::vector<int> axis, side;
  for (int d = 0; d < box.dim; ++d)
    if (d != time_axis && !box.periodic[d])
      for (int s = 0; s < 2; ++s) axis.push_back(d), side.push_back(s);
  if (axis.empty()) return false;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const int faces = static_cast<int>(axis.size());
  for (int f = 0; f < faces; ++f) {
    const int m = n / faces + (f < n % faces ? 1 : 0);
    for (int i = 0; i < m; ++i)
      for (int d = 0; d < box.dim; ++d)
        out.push_back(d == axis[f] ? (side[f] ? box.hi[d] : box.lo[d]) : box.lo[d] + box.extent(d) * u(rng));
  }
  return true;
}

void sample_initial(const Box& box, int time_axis, int n, std::mt19937_64& rng, std::vector<double>& out) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int i = 0; i < n; ++i)
    for (int d = 0; d < box.dim; ++d)
      out.push_back(d == time_axis ? box.lo[d] : box.lo[d] + box.extent(d) * u(rng));
}

void split_range(long long n, int rank, int nranks, long long& begin, long long& end) {
  begin = n * rank / nranks;
  end = n * (rank + 1) / nranks;
}

}  // namespace pigx
