// HDF5 output of reference solutions (the shipped layout), written atomically.
#include "pigx/reference/reference_file.hpp"

#include <filesystem>

#include "pigx/core/error.hpp"
#include "pigx/io/hdf5_handle.hpp"
#include "pigx/io/summary_writer.hpp"

namespace pigx::reference {
namespace {

using io::h5check;
using io::H5Handle;
using io::H5Kind;

/// Writes a string attribute `name` on obj. Not collective.
void put_string(hid_t obj, const std::string& name, const std::string& value, const std::string& where) {
  H5Handle type(H5Tcopy(H5T_C_S1), H5Kind::Datatype, "creating a string type for " + where);
  h5check(H5Tset_size(type, value.empty() ? 1 : value.size()), "sizing a string type for " + where);
  H5Handle space(H5Screate(H5S_SCALAR), H5Kind::Dataspace, "creating a dataspace for " + where);
  H5Handle attr(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Kind::Attribute,
                "creating attribute '" + name + "' in " + where);
  const std::string padded = value.empty() ? std::string(1, '\0') : value;
  h5check(H5Awrite(attr, type, padded.data()), "writing attribute '" + name + "' in " + where);
}

/// Writes a float64 dataset of the given shape; returns it open (for attributes). Not collective.
H5Handle put_array(hid_t file, const std::string& name, const std::vector<hsize_t>& dims, const double* data,
                   const std::string& where) {
  H5Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Kind::Dataspace,
                 "creating a dataspace for " + where);
  H5Handle dset(H5Dcreate2(file, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                H5Kind::Dataset, "creating dataset '/" + name + "' in " + where);
  h5check(H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
          "writing dataset '/" + name + "' in " + where);
  return dset;
}

}  // namespace

void write_reference_file(const std::string& path, const ReferenceData& d) {
  const std::string where = "reference file '" + path + "'";
  PIGX_CHECK(
      !d.t.empty() && !d.x.empty() && !d.y.empty() && d.u.size() == d.t.size() * d.x.size() * d.y.size(),
      "cannot write ", where, ": ", d.u.size(), " values for a grid of ", d.t.size(), " x ", d.x.size(),
      " x ", d.y.size());
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  PIGX_CHECK(!ec, "cannot create the directory of ", where, ": ", ec.message());
  io::H5ErrorSilencer quiet;
  io::PendingFile pending(path);
  {
    H5Handle file(H5Fcreate(pending.temp_path().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                  H5Kind::File, "creating '" + pending.temp_path() + "' for " + where);
    put_array(file, "t", {d.t.size()}, d.t.data(), where);
    put_array(file, "x", {d.x.size()}, d.x.data(), where);
    put_array(file, "y", {d.y.size()}, d.y.data(), where);
    H5Handle u = put_array(file, "u", {d.t.size(), d.x.size(), d.y.size()}, d.u.data(), where);
    put_string(u, "layout", "u[t_index, x_index, y_index]", where);
    u.close("closing dataset '/u' in " + where);
    for (const auto& [name, value] : d.attributes) put_string(file, name, value, where);
    h5check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flushing " + where);
    file.close("closing " + where);
  }
  pending.sync();
  pending.commit();
}

}  // namespace pigx::reference
