// Reads a reference solution and its axes from HDF5, checking that the shapes agree.
#include "pigx/io/reference_reader.hpp"

#include "hdf5_input.hpp"
#include "pigx/core/error.hpp"

namespace pigx::io {
namespace {

using detail::Array;
using detail::shape_text;

/// "reference file '<path>', dataset '/<name>'" for messages. Not collective.
std::string where(const std::string& path, const std::string& name) {
  return "reference file '" + path + "', dataset '/" + name + "'";
}

/// Reads the numeric dataset /name of a reference file. Not collective.
Array read_array(hid_t file, const std::string& path, const std::string& name) {
  return detail::read_array(file, name, where(path, name));
}

}  // namespace

ReferenceGrid read_reference(const std::string& path, const std::vector<std::string>& axis_names,
                             const std::string& value_name) {
  PIGX_CHECK_INPUT(!axis_names.empty(), where(path, value_name), ": no axis names given");
  std::string axes;
  for (const auto& a : axis_names) axes += (axes.empty() ? "" : ", ") + a;
  std::string datasets = "/" + value_name;
  for (const auto& a : axis_names) datasets += ", /" + a;
  H5ErrorSilencer quiet;
  H5Handle file =
      detail::open_input_file("reference file", path, "a complete HDF5 file with datasets " + datasets);
  Array values = read_array(file, path, value_name);
  PIGX_CHECK_INPUT(values.dims.size() == axis_names.size(), where(path, value_name), " has shape ",
                   shape_text(values.dims), ": expected a rank-", axis_names.size(), " array over the axes (",
                   axes, ")");
  ReferenceGrid grid;
  grid.axis_names = axis_names;
  for (std::size_t i = 0; i < axis_names.size(); ++i) {
    Array axis = read_array(file, path, axis_names[i]);
    PIGX_CHECK_INPUT(axis.dims.size() == 1 && axis.dims[0] == values.dims[i], where(path, axis_names[i]),
                     " has shape ", shape_text(axis.dims), " but dimension ", i, " of '/", value_name, "' ",
                     shape_text(values.dims), " needs [", values.dims[i], "]");
    grid.axes.push_back(std::move(axis.data));
  }
  file.close("closing reference file '" + path + "'");
  grid.values = std::move(values.data);
  return grid;
}

}  // namespace pigx::io
