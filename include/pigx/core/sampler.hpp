// Collocation points: interior, boundary faces and initial slab of a box, drawn reproducibly.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "pigx/core/box.hpp"

namespace pigx {

/// How the coordinates of a point set are drawn: independent uniform draws, or the Halton low-discrepancy
/// sequence shifted at random modulo 1 (randomised quasi-Monte Carlo: fewer gaps, less sampling noise).
enum class PointSequence { Uniform, Halton };

/// Parses "uniform" or "halton"; a clear error naming `key` otherwise.
PointSequence parse_point_sequence(const std::string& key, const std::string& value);

/// Points in the unit cube [0,1)^dim, one coordinate at a time (dim calls of next() per point).
class UnitCubePoints {
 public:
  /// Uniform draws come from rng as they are needed; the Halton sequence takes its random shift from rng
  /// once.
  UnitCubePoints(PointSequence sequence, int dim, std::mt19937_64& rng);
  /// The next coordinate.
  double next();

 private:
  std::mt19937_64& rng_;
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
  std::vector<double> shift_;  ///< empty: uniform draws
  long long index_ = 1;        ///< Halton index of the current point (0, the origin, is skipped)
  int axis_ = 0;
};

/// Residual-based adaptive distribution (RAD, Wu et al. 2023): picks n of the candidates without
/// replacement, candidate i with weight |r_i|^k / mean(|r|^k) + c, where r_i is its residual norm. Returns
/// the picked indices in increasing order; the same on every rank for the same rng state.
std::vector<long long> select_adaptive(const std::vector<double>& residual_norm, long long n, double k,
                                       double c, std::mt19937_64& rng);

/// Random stream for one sampling round of one term; identical on every rank.
std::mt19937_64 make_stream(std::uint64_t seed, std::uint64_t round, std::uint64_t term);

/// Appends n points drawn uniformly in the box (row-major, box.dim columns).
void sample_interior(const Box& box, int n, std::mt19937_64& rng, std::vector<double>& out,
                     PointSequence sequence = PointSequence::Uniform);

/// Appends n points on the faces of the non-periodic space axes (time_axis excluded), the same number
/// on every face (the remainder on the first faces). Returns false if the box has no such face.
bool sample_boundary(const Box& box, int time_axis, int n, std::mt19937_64& rng, std::vector<double>& out,
                     PointSequence sequence = PointSequence::Uniform);

/// Appends n points on the slab t = t0 of time_axis.
void sample_initial(const Box& box, int time_axis, int n, std::mt19937_64& rng, std::vector<double>& out,
                    PointSequence sequence = PointSequence::Uniform);

/// Number of faces sample_boundary uses.
int boundary_faces(const Box& box, int time_axis);

/// This rank's share [begin, end) of n items split over nranks as evenly as possible.
void split_range(long long n, int rank, int nranks, long long& begin, long long& end);

}  // namespace pigx
