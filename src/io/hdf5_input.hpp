// Reading user-supplied numeric HDF5 input (reference solutions, observations) with input errors that name
// the file and the dataset. Private to the io layer.
#pragma once

#include <string>
#include <vector>

#include "pigx/io/hdf5_handle.hpp"

namespace pigx::io::detail {

/// A numeric dataset read into doubles, with its shape.
struct Array {
  std::vector<hsize_t> dims;
  std::vector<double> data;
};

/// "[a, b, c]" for messages. Not collective.
std::string shape_text(const std::vector<hsize_t>& dims);

/// Opens path read-only after checking that it exists and is HDF5; input errors say "<label> '<path>' ..."
/// and name the datasets it should hold (`expected`). Not collective.
H5Handle open_input_file(const std::string& label, const std::string& path, const std::string& expected);

/// Reads the numeric dataset /name as doubles; input errors name `where` (e.g. "reference file 'f.h5',
/// dataset '/u'"). Not collective.
Array read_array(hid_t file, const std::string& name, const std::string& where);

}  // namespace pigx::io::detail
