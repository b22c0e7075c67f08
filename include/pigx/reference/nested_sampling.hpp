// Reading a solver field at the nodes of a coarser grid nested in it (no interpolation).
#pragma once

#include <mpi.h>

#include <vector>

#include "pigx/reference/diffusion_solver.hpp"

namespace pigx::reference {

/// True when an m x m grid over the same square is nested in a grid of `points` per axis, i.e. (points - 1)
/// is a multiple of (m - 1). Not collective.
bool nests(int points, int m);

/// The values of field at the nodes of the nested m x m grid, on rank 0 of comm (empty elsewhere), with
/// the x index major: out[a * m + b] = u(x_a, y_b), the [x, y] order of the reference files. Collective
/// over comm; throws pigx::Error (Input) when the grids do not nest.
std::vector<double> sample_nested(MPI_Comm comm, const LocalField& field, int m);

}  // namespace pigx::reference
