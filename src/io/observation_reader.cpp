// Reads observation points and values from HDF5, checking their shapes against the problem.
#include "pigx/io/observation_reader.hpp"

#include <cmath>

#include "hdf5_input.hpp"
#include "pigx/core/error.hpp"

namespace pigx::io {
namespace {

/// "observation file '<path>', dataset '/<name>'" for messages. Not collective.
std::string where(const std::string& path, const std::string& name) {
  return "observation file '" + path + "', dataset '/" + name + "'";
}

/// Index of the first non-finite entry of v, or -1. Not collective.
long long first_non_finite(const std::vector<double>& v) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i])) return static_cast<long long>(i);
  return -1;
}

/// The optional noise_std: a root attribute or a one-element dataset; -1 when absent. Not collective.
double read_noise_std(hid_t file, const std::string& path) {
  if (H5Aexists(file, "noise_std") > 0) {
    H5Handle attr(H5Aopen(file, "noise_std", H5P_DEFAULT), H5Kind::Attribute,
                  "opening attribute 'noise_std' of observation file '" + path + "'", ErrorKind::Input);
    H5Handle space(H5Aget_space(attr), H5Kind::Dataspace, "reading the shape of attribute 'noise_std'");
    PIGX_CHECK_INPUT(H5Sget_simple_extent_npoints(space) == 1, "observation file '", path,
                     "', attribute 'noise_std': expected one number");
    double v = 0;
    h5check(H5Aread(attr, H5T_NATIVE_DOUBLE, &v),
            "reading attribute 'noise_std' of observation file '" + path + "'", ErrorKind::Input);
    return v;
  }
  if (H5Lexists(file, "noise_std", H5P_DEFAULT) <= 0) return -1;
  const detail::Array a = detail::read_array(file, "noise_std", where(path, "noise_std"));
  PIGX_CHECK_INPUT(a.data.size() == 1, where(path, "noise_std"), " has shape ", detail::shape_text(a.dims),
                   ": expected one number");
  return a.data[0];
}

}  // namespace

Observations read_observations(const std::string& path, int dim, int outputs) {
  H5ErrorSilencer quiet;
  H5Handle file = detail::open_input_file(
      "observation file", path,
      "an HDF5 file with datasets /points [n, " + std::to_string(dim) + "] and /values");
  detail::Array points = detail::read_array(file, "points", where(path, "points"));
  PIGX_CHECK_INPUT(points.dims.size() == 2 && points.dims[1] == static_cast<hsize_t>(dim),
                   where(path, "points"), " has shape ", detail::shape_text(points.dims), ": expected [n, ",
                   dim, "] (one row per observation, one column per coordinate)");
  const hsize_t n = points.dims[0];
  detail::Array values = detail::read_array(file, "values", where(path, "values"));
  const bool flat = values.dims.size() == 1 && values.dims[0] == n && outputs == 1;
  const bool table =
      values.dims.size() == 2 && values.dims[0] == n && values.dims[1] == static_cast<hsize_t>(outputs);
  PIGX_CHECK_INPUT(flat || table, where(path, "values"), " has shape ", detail::shape_text(values.dims),
                   ": expected ", outputs == 1 ? cat("[", n, "] or ") : std::string(), "[", n, ", ", outputs,
                   "] (one row per point of /points)");
  const long long bad_point = first_non_finite(points.data);
  PIGX_CHECK_INPUT(bad_point < 0, where(path, "points"), ": row ", bad_point / dim, " is not finite");
  const long long bad_value = first_non_finite(values.data);
  PIGX_CHECK_INPUT(bad_value < 0, where(path, "values"), ": row ", bad_value / outputs, " is not finite");
  Observations obs;
  obs.noise_std = read_noise_std(file, path);
  file.close("closing observation file '" + path + "'");
  obs.count = static_cast<long long>(n);
  obs.points = std::move(points.data);
  obs.values = std::move(values.data);
  return obs;
}

}  // namespace pigx::io
