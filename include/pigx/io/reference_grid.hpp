// Test grids of benchmarks without a closed-form solution, read from their reference HDF5 files.
#pragma once

#include <string>

#include "pigx/core/test_grid.hpp"

namespace pigx::io {

/// The benchmark test grid of `pde`: the exact-solution linspace grid, or the grid and values of its
/// reference file: `reference_file` when not empty (a path, e.g. a pigx-reference output), otherwise the
/// PDE's own file in data_dir. Throws an input error naming the file when it is missing or malformed.
/// Not collective.
TestGrid make_test_grid(const Pde& pde, const std::string& data_dir, const std::string& reference_file = "");

}  // namespace pigx::io
