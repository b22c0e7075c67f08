#include "pigx/parallel/decomposition.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "pigx/core/error.hpp"

namespace pigx {

Decomposition::Decomposition(const Box& domain, std::vector<int> counts, int nranks)
    : domain_(domain), counts_(std::move(counts)), nranks_(nranks) {
  PIGX_CHECK(static_cast<int>(counts_.size()) == domain.dim, "domain.subdomains needs ", domain.dim,
             " counts, got ", counts_.size());
  total_ = 1;
  for (int d = 0; d < domain.dim; ++d) {
    if (counts_[d] > 1 && domain.periodic[d])
      throw_input_error("domain.subdomains", text(),
                        cat("1 along periodic axis ", d, " (cutting a periodic axis is not supported)"));
    total_ *= counts_[d];
  }
  if (total_ < nranks)
    throw_input_error("domain.subdomains", text(),
                      cat("at least as many subdomains as ranks (", nranks,
                          "); every rank needs a subdomain: run on at most ", total_, " ranks"));
  for (int s = 0; s < total_; ++s) {
    int stride = 1, rest = s;
    for (int d = 0; d < domain.dim; ++d) {
      const int i = rest % counts_[d];
      rest /= counts_[d];
      if (i + 1 < counts_[d]) faces_.push_back({s, s + stride, d});
      stride *= counts_[d];
    }
  }
}

std::string Decomposition::text() const {
  std::string t;
  for (std::size_t d = 0; d < counts_.size(); ++d) t += (d ? "x" : "") + std::to_string(counts_[d]);
  return t;
}

Box Decomposition::box(int s) const {
  Box b = domain_;
  for (int d = 0; d < domain_.dim; ++d) {
    const int i = s % counts_[d];
    s /= counts_[d];
    const double w = domain_.extent(d) / counts_[d];
    b.lo[d] = domain_.lo[d] + i * w;
    b.hi[d] = i + 1 == counts_[d] ? domain_.hi[d] : domain_.lo[d] + (i + 1) * w;
    if (counts_[d] > 1) b.periodic[d] = false;
  }
  return b;
}

void Decomposition::owned(int rank, int& first, int& n) const {
  const int base = total_ / nranks_, extra = total_ % nranks_;
  first = rank * base + std::min(rank, extra);
  n = base + (rank < extra ? 1 : 0);
}

int Decomposition::owner(int s) const {
  for (int r = 0; r < nranks_; ++r) {
    int first, n;
    owned(r, first, n);
    if (s < first + n) return r;
  }
  return nranks_ - 1;
}

int Decomposition::locate(const double* x) const {
  int s = 0, stride = 1;
  for (int d = 0; d < domain_.dim; ++d) {
    const double u = (x[d] - domain_.lo[d]) / domain_.extent(d) * counts_[d];
    const int i = std::clamp(static_cast<int>(std::floor(u)), 0, counts_[d] - 1);
    s += i * stride;
    stride *= counts_[d];
  }
  return s;
}

}  // namespace pigx
