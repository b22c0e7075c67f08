// How a host hands pigx a scalar field: a callback, or values on its own tensor grid.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace pigx {

/// A scalar field given by the host: its value at the point x (dim coordinates in the PDE's order).
using Field = std::function<double(const double* x)>;

/// Values on a tensor grid owned by the host: axes[d] are the strictly increasing node coordinates of
/// coordinate d; values are stored with the first axis slowest (C order), one per node.
struct GridField {
  std::vector<std::vector<double>> axes;
  std::vector<double> values;
};

/// Not collective: checks `grid` (an input error naming `what` if it is malformed) and returns its
/// multilinear interpolant. Points outside the grid take the value of the nearest face.
Field interpolate(const GridField& grid, const std::string& what);

/// Not collective: throws an input error naming `what` unless the grid's axes cover [lo, hi] per axis.
void check_grid_covers(const GridField& grid, const std::vector<double>& lo, const std::vector<double>& hi,
                       const std::string& what);

}  // namespace pigx
