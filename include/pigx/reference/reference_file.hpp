// Writing a reference solution u[t, x, y] in the layout of the shipped benchmark references.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace pigx::reference {

/// A solution on the tensor grid t x x x y: u[(k * nx + a) * ny + b] = u(t_k, x_a, y_b).
struct ReferenceData {
  std::vector<double> t, x, y, u;
  std::vector<std::pair<std::string, std::string>> attributes;  ///< string attributes of the file's root
};

/// Writes data to path as HDF5 datasets /t, /x, /y (1-D) and /u [nt, nx, ny] (attribute layout =
/// "u[t_index, x_index, y_index]"), the layout of ../shared/data/nonlinear_diffusion_2d_reference.h5,
/// atomically: a temporary file in the same directory, fsync, rename. Creates the directory. Throws
/// pigx::Error naming the file on inconsistent sizes or I/O failure, leaving no partial file. Not
/// collective: call on one rank.
void write_reference_file(const std::string& path, const ReferenceData& data);

}  // namespace pigx::reference
