// A box cut into a tensor grid of subdomains, the faces they share, and which rank owns each subdomain.
#pragma once

#include <vector>

#include "pigx/core/box.hpp"

namespace pigx {

/// A face shared by subdomains a < b, neighbours along `axis` (b is on the high side of a).
struct SharedFace {
  int a = 0, b = 0, axis = 0;
};

/// Subdomains numbered with axis 0 fastest; a contiguous block of them per rank.
class Decomposition {
 public:
  /// Cuts `domain` into counts[d] equal slabs along each axis d and deals them to `nranks` ranks in
  /// contiguous blocks (sizes differ by at most one). Throws an input error for domain.subdomains when a
  /// periodic axis is cut or there are fewer subdomains than ranks.
  Decomposition(const Box& domain, std::vector<int> counts, int nranks);
  /// Number of subdomains.
  int count() const { return total_; }
  /// Counts per axis.
  const std::vector<int>& counts() const { return counts_; }
  /// The layout as written in the config, e.g. "2x2".
  std::string text() const;
  /// Box of subdomain s (periodicity kept on uncut axes).
  Box box(int s) const;
  /// Rank that owns subdomain s.
  int owner(int s) const;
  /// First subdomain of `rank` and how many it owns.
  void owned(int rank, int& first, int& n) const;
  /// Every shared face, ordered by (a, axis).
  const std::vector<SharedFace>& faces() const { return faces_; }
  /// The subdomain containing x: slabs are half open [lo, hi) except the last, which is closed.
  int locate(const double* x) const;

 private:
  Box domain_;
  std::vector<int> counts_;
  int total_ = 1, nranks_ = 1;
  std::vector<SharedFace> faces_;
};

}  // namespace pigx
