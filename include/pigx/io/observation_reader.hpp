// Reading observations of the solution (inverse problems) from an HDF5 file.
#pragma once

#include <string>
#include <vector>

namespace pigx::io {

/// Measured values of the solution at scattered points.
struct Observations {
  std::vector<double> points;  ///< row-major [n][dim], physical coordinates
  std::vector<double> values;  ///< row-major [n][outputs]
  long long count = 0;         ///< n
  double noise_std = -1;       ///< the file's noise_std (attribute or scalar dataset); -1 when absent
};

/// Reads /points (float64 [n, dim]), /values ([n] when outputs is 1, or [n, outputs]) and the optional
/// noise_std (root attribute or scalar dataset) from `path`. Throws pigx::Error(ErrorKind::Input) naming the
/// file and the dataset for a missing or unreadable file, a missing dataset, a wrong shape or a non-finite
/// value. Not collective.
Observations read_observations(const std::string& path, int dim, int outputs);

}  // namespace pigx::io
