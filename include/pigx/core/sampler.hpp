// Collocation points: interior, boundary faces and initial slab of a box, drawn reproducibly.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "pigx/core/box.hpp"

namespace pigx {

/// Random stream for one sampling round of one term; identical on every rank.
std::mt19937_64 make_stream(std::uint64_t seed, std::uint64_t round, std::uint64_t term);

/// Appends n points drawn uniformly in the box (row-major, box.dim columns).
void sample_interior(const Box& box, int n, std::mt19937_64& rng, std::vector<double>& out);

/// Appends n points on the faces of the non-periodic space axes (time_axis excluded), the same number
/// on every face (the remainder on the first faces). Returns false if the box has no such face.
bool sample_boundary(const Box& box, int time_axis, int n, std::mt19937_64& rng, std::vector<double>& out);

/// Appends n points on the slab t = t0 of time_axis.
void sample_initial(const Box& box, int time_axis, int n, std::mt19937_64& rng, std::vector<double>& out);

/// Number of faces sample_boundary uses.
int boundary_faces(const Box& box, int time_axis);

/// This rank's share [begin, end) of n items split over nranks as evenly as possible.
void split_range(long long n, int rank, int nranks, long long& begin, long long& end);

}  // namespace pigx
