// The grid on which a benchmark measures its error: points, axes and the exact or reference solution.
#pragma once

#include <string>
#include <vector>

#include "pigx/core/pde.hpp"

namespace pigx {

/// A tensor grid of test points. Axes are in storage order (the last varies fastest); points are in the
/// PDE's coordinate order, so the model can evaluate them directly.
struct TestGrid {
  std::vector<std::string> axis_names;    ///< storage order, e.g. {"t","x","y"}
  std::vector<std::vector<double>> axes;  ///< values along each axis, storage order
  std::vector<int> axis_coordinate;       ///< coordinate index of each storage axis
  std::vector<double> points;             ///< [n][dim] in coordinate order
  std::vector<double> reference;          ///< [n] exact or reference solution (first output)
  /// Number of points.
  long long size() const { return static_cast<long long>(reference.size()); }
};

/// Fills points (and axis_coordinate) of a grid whose axis names and axes are set, for `pde`'s coordinates.
/// Throws an input error if an axis name is not a coordinate of the PDE.
void fill_grid_points(const Pde& pde, TestGrid& grid);

/// Linspace grid with the exact solution, from pde.test_grid().counts (coordinate order). Not collective.
TestGrid make_exact_grid(const Pde& pde);

}  // namespace pigx
