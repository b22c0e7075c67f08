// Reads a reference solution and its axes from HDF5, checking that the shapes agree.
#include "pigx/io/reference_reader.hpp"

#include <filesystem>
#include <system_error>

#include "pigx/core/error.hpp"
#include "pigx/io/hdf5_handle.hpp"

namespace pigx::io {
namespace {

/// A numeric dataset read into doubles, with its shape.
struct Array {
  std::vector<hsize_t> dims;
  std::vector<double> data;
};

/// "reference file '<path>', dataset '/<name>'" for messages. Not collective.
std::string where(const std::string& path, const std::string& name) {
  return "reference file '" + path + "', dataset '/" + name + "'";
}

/// "[a, b, c]" for messages. Not collective.
std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string text = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

/// Opens path read-only after checking that it exists and is HDF5; input errors name the file and the
/// datasets it should hold (`expected`). Not collective.
H5Handle open_reference_file(const std::string& path, const std::string& expected) {
  std::error_code ec;
  PIGX_CHECK_INPUT(std::filesystem::is_regular_file(path, ec), "reference file '", path,
                   "' does not exist or is not a regular file: expected ", expected);
  PIGX_CHECK_INPUT(H5Fis_hdf5(path.c_str()) > 0, "reference file '", path, "' is not an HDF5 file: expected ",
                   expected);
  try {
    return H5Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Kind::File,
                    "opening reference file '" + path + "'", ErrorKind::Input);
  } catch (const Error& e) {  // e.g. a truncated copy: HDF5 says "truncated file: eof = ..."
    throw Error(ErrorKind::Input, cat(e.what(), " (truncated or corrupt?): expected ", expected));
  }
}

/// Reads the numeric dataset /name as doubles; input errors name the file and dataset. Not collective.
Array read_array(hid_t file, const std::string& path, const std::string& name) {
  PIGX_CHECK_INPUT(!name.empty() && name.find('/') == std::string::npos, where(path, name),
                   ": invalid dataset name");
  PIGX_CHECK_INPUT(H5Lexists(file, name.c_str(), H5P_DEFAULT) > 0, where(path, name), " does not exist");
  H5Handle dset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Kind::Dataset, "opening " + where(path, name),
                ErrorKind::Input);
  H5Handle type(H5Dget_type(dset), H5Kind::Datatype, "reading the type of " + where(path, name));
  const H5T_class_t cls = H5Tget_class(type);
  PIGX_CHECK_INPUT(cls == H5T_FLOAT || cls == H5T_INTEGER, where(path, name), " is not numeric");
  H5Handle space(H5Dget_space(dset), H5Kind::Dataspace, "reading the shape of " + where(path, name));
  const int rank = H5Sget_simple_extent_ndims(space);
  PIGX_CHECK_INPUT(rank >= 1, where(path, name), " is not a simple array (rank ", rank, ")");
  Array array;
  array.dims.resize(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space, array.dims.data(), nullptr);
  hsize_t count = 1;
  for (hsize_t d : array.dims) count *= d;
  PIGX_CHECK_INPUT(count > 0, where(path, name), " is empty (shape ", shape_text(array.dims), ")");
  array.data.resize(static_cast<std::size_t>(count));
  h5check(H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, array.data.data()),
          "reading " + where(path, name), ErrorKind::Input);
  return array;
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
  H5Handle file = open_reference_file(path, "a complete HDF5 file with datasets " + datasets);
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
