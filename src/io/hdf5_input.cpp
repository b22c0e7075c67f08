#include "hdf5_input.hpp"

#include <filesystem>
#include <system_error>

#include "pigx/core/error.hpp"

namespace pigx::io::detail {

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string text = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

H5Handle open_input_file(const std::string& label, const std::string& path, const std::string& expected) {
  std::error_code ec;
  PIGX_CHECK_INPUT(std::filesystem::is_regular_file(path, ec), label, " '", path,
                   "' does not exist or is not a regular file: expected ", expected);
  PIGX_CHECK_INPUT(H5Fis_hdf5(path.c_str()) > 0, label, " '", path, "' is not an HDF5 file: expected ",
                   expected);
  try {
    return H5Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Kind::File,
                    "opening " + label + " '" + path + "'", ErrorKind::Input);
  } catch (const Error& e) {  // e.g. a truncated copy: HDF5 says "truncated file: eof = ..."
    throw Error(ErrorKind::Input, cat(e.what(), " (truncated or corrupt?): expected ", expected));
  }
}

Array read_array(hid_t file, const std::string& name, const std::string& where) {
  PIGX_CHECK_INPUT(!name.empty() && name.find('/') == std::string::npos, where, ": invalid dataset name");
  PIGX_CHECK_INPUT(H5Lexists(file, name.c_str(), H5P_DEFAULT) > 0, where, " does not exist");
  H5Handle dset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Kind::Dataset, "opening " + where,
                ErrorKind::Input);
  H5Handle type(H5Dget_type(dset), H5Kind::Datatype, "reading the type of " + where);
  const H5T_class_t cls = H5Tget_class(type);
  PIGX_CHECK_INPUT(cls == H5T_FLOAT || cls == H5T_INTEGER, where, " is not numeric");
  H5Handle space(H5Dget_space(dset), H5Kind::Dataspace, "reading the shape of " + where);
  const int rank = H5Sget_simple_extent_ndims(space);
  PIGX_CHECK_INPUT(rank >= 1, where, " is not a simple array (rank ", rank, ")");
  Array array;
  array.dims.resize(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space, array.dims.data(), nullptr);
  hsize_t count = 1;
  for (hsize_t d : array.dims) count *= d;
  PIGX_CHECK_INPUT(count > 0, where, " is empty (shape ", shape_text(array.dims), ")");
  array.data.resize(static_cast<std::size_t>(count));
  h5check(H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, array.data.data()),
          "reading " + where, ErrorKind::Input);
  return array;
}

}  // namespace pigx::io::detail
