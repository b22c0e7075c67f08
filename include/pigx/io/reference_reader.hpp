// Reading a gridded reference solution (values plus 1-D axes) from an HDF5 file.
#pragma once

#include <string>
#include <vector>

namespace pigx::io {

/// A reference solution on a tensor grid; values are row-major over axes in the given order (last axis
/// fastest), so values.size() is the product of the axis sizes.
struct ReferenceGrid {
  std::vector<std::string> axis_names;
  std::vector<std::vector<double>> axes;
  std::vector<double> values;
};

/// Reads dataset `value_name` (e.g. "u", shape [n_t, n_x(, n_y)]) and its 1-D axis datasets named axis_names
/// (in the dataset's storage order, e.g. {"t","x","y"}) from an HDF5 file; checks shapes agree. Throws
/// pigx::Error(ErrorKind::Input) naming the file and dataset on a missing/unreadable file, a missing dataset
/// or a shape mismatch. Not collective.
ReferenceGrid read_reference(const std::string& path, const std::vector<std::string>& axis_names,
                             const std::string& value_name = "u");

}  // namespace pigx::io
