// solution.h5 (points, axes, u, reference, error) and its XDMF 3 description, both replaced atomically.
#include "pigx/io/solution_writer.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <set>
#include <sstream>
#include <system_error>

#include "pigx/core/error.hpp"
#include "pigx/io/hdf5_handle.hpp"
#include "pigx/io/summary_writer.hpp"

namespace pigx::io {
namespace {

constexpr const char* kH5Name = "solution.h5";
constexpr const char* kXdmfName = "solution.xdmf";

/// Number of grid points: the product of the axis sizes. Not collective.
std::size_t point_count(const GridField& field) {
  std::size_t n = 1;
  for (const auto& axis : field.axes) n *= axis.size();
  return n;
}

/// True for a structured (rectilinear) XDMF grid, false for a point cloud. Not collective.
bool is_rect_mesh(const GridField& field) {
  return field.coordinates.size() == 2 || field.coordinates.size() == 3;
}

/// The coordinates joined by ",", e.g. "x,y,t". Not collective.
std::string joined_coordinates(const GridField& field) {
  std::string text;
  for (std::size_t k = 0; k < field.coordinates.size(); ++k) text += (k ? "," : "") + field.coordinates[k];
  return text;
}

/// Checks a coordinate name: non-empty, letters, digits and '_' only (safe as HDF5 path and XML). Not
/// collective.
bool valid_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

/// Creates dataset `name` (file_type, shape dims) under loc and writes data given in mem_type; `context`
/// names the file (and group) in messages. Not collective.
void write_array(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, hid_t file_type,
                 hid_t mem_type, const void* data, const std::string& context) {
  const std::string what = context + ", dataset '" + name + "'";
  H5Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Kind::Dataspace,
                 "creating the dataspace of " + what);
  H5Handle dset(H5Dcreate2(loc, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                H5Kind::Dataset, "creating " + what);
  h5check(H5Dwrite(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "writing " + what);
  dset.close("closing " + what);
}

/// Creates a float64 dataset `name` with shape dims under loc and writes data. Not collective.
void write_doubles(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const double* data,
                   const std::string& context) {
  write_array(loc, name, dims, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, data, context);
}

/// Attaches a scalar fixed-length string attribute to an object. Not collective.
void write_string_attribute(hid_t obj, const std::string& name, const std::string& value,
                            const std::string& what) {
  H5Handle type(H5Tcopy(H5T_C_S1), H5Kind::Datatype, "creating a string type for " + what);
  h5check(H5Tset_size(type, value.size() + 1), "sizing the string type for " + what);
  h5check(H5Tset_strpad(type, H5T_STR_NULLTERM), "setting string padding for " + what);
  H5Handle space(H5Screate(H5S_SCALAR), H5Kind::Dataspace, "creating a scalar dataspace for " + what);
  H5Handle attr(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Kind::Attribute,
                "creating attribute '" + name + "' of " + what);
  h5check(H5Awrite(attr, type, value.c_str()), "writing attribute '" + name + "' of " + what);
  attr.close("closing attribute '" + name + "' of " + what);
}

/// Points as [n, 3] for the point-cloud XDMF geometry: first three coordinates, zero-padded. Not collective.
std::vector<double> xyz_geometry(const GridField& field) {
  const std::size_t n = point_count(field);
  const std::size_t d = field.coordinates.size();
  std::vector<double> xyz(3 * n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < std::min<std::size_t>(d, 3); ++k) xyz[3 * i + k] = field.points[d * i + k];
  return xyz;
}

/// Creates a float64 dataset with its storage allocated now, for other processes to fill. Not collective.
void create_allocated(hid_t loc, const std::string& name, hsize_t n, const std::string& context) {
  const std::string what = context + ", dataset '/" + name + "'";
  H5Handle space(H5Screate_simple(1, &n, nullptr), H5Kind::Dataspace, "creating the dataspace of " + what);
  H5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Kind::PropertyList, "creating properties for " + what);
  h5check(H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY), "setting the allocation time of " + what);
  H5Handle dset(H5Dcreate2(loc, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                H5Kind::Dataset, "creating " + what);
}

/// Writes every dataset of solution.h5 into the (already created, empty) file at path; with
/// `collective_values`, /u and /error are only created, for write_values_collectively(). Not collective.
void write_hdf5(const std::string& path, const std::string& final_path, const GridField& field,
                bool collective_values = false) {
  const hsize_t n = point_count(field);
  const hsize_t d = field.coordinates.size();
  const std::string in_file = "'" + final_path + "'";
  H5Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Kind::File,
                "creating '" + path + "' (for '" + final_path + "')");
  {
    write_doubles(file, "points", {n, d}, field.points.data(), in_file);
    H5Handle points(H5Dopen2(file, "points", H5P_DEFAULT), H5Kind::Dataset,
                    "opening " + in_file + ", dataset '/points'");
    write_string_attribute(points, "coordinates", joined_coordinates(field), in_file + ", dataset '/points'");
  }
  if (collective_values) {
    create_allocated(file, "u", n, in_file);
    if (!field.reference.empty()) create_allocated(file, "error", n, in_file);
    if (!field.reference.empty()) write_doubles(file, "reference", {n}, field.reference.data(), in_file);
  } else {
    write_doubles(file, "u", {n}, field.u.data(), in_file);
  }
  if (!field.reference.empty() && !collective_values) {
    std::vector<double> error(field.u.size());
    for (std::size_t i = 0; i < error.size(); ++i) error[i] = field.u[i] - field.reference[i];
    write_doubles(file, "reference", {n}, field.reference.data(), in_file);
    write_doubles(file, "error", {n}, error.data(), in_file);
  }
  {
    H5Handle axes(H5Gcreate2(file, "axes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Kind::Group,
                  "creating " + in_file + ", group '/axes'");
    for (std::size_t k = 0; k < d; ++k) {
      write_doubles(axes, field.coordinates[k], {field.axes[k].size()}, field.axes[k].data(),
                    in_file + ", group '/axes'");
    }
  }
  if (!is_rect_mesh(field)) {
    // Point cloud for XDMF: XYZ coordinates and one vertex cell per point (ParaView shows only cells).
    H5Handle xdmf(H5Gcreate2(file, "xdmf", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Kind::Group,
                  "creating " + in_file + ", group '/xdmf'");
    const std::vector<double> xyz = xyz_geometry(field);
    write_doubles(xdmf, "geometry", {n, 3}, xyz.data(), in_file + ", group '/xdmf'");
    std::vector<long long> vertices(n);
    for (std::size_t i = 0; i < vertices.size(); ++i) vertices[i] = static_cast<long long>(i);
    write_array(xdmf, "vertices", {n}, H5T_STD_I64LE, H5T_NATIVE_LLONG, vertices.data(),
                in_file + ", group '/xdmf'");
  }
  file.close("closing '" + path + "' (for '" + final_path + "')");
}

/// One <DataItem> that points at a float64 dataset in the HDF5 file. Not collective.
std::string data_item(const std::string& dims, const std::string& h5_name, const std::string& dataset,
                      const std::string& indent) {
  return indent + "<DataItem Dimensions=\"" + dims +
         "\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">" + h5_name + ":" + dataset +
         "</DataItem>\n";
}

}  // namespace

void validate_grid_field(const GridField& field) {
  const std::size_t d = field.coordinates.size();
  PIGX_CHECK(d >= 1 && d <= 4, "solution field: expected 1 to 4 coordinates, got ", d);
  std::set<std::string> seen;
  for (const auto& name : field.coordinates) {
    PIGX_CHECK(valid_name(name), "solution field: invalid coordinate name '", name,
               "' (letters, digits and '_' only)");
    PIGX_CHECK(seen.insert(name).second, "solution field: coordinate '", name, "' appears twice");
  }
  PIGX_CHECK(field.axes.size() == d, "solution field: ", field.axes.size(), " axes for ", d, " coordinates");
  for (std::size_t k = 0; k < d; ++k) {
    PIGX_CHECK(!field.axes[k].empty(), "solution field: axis '", field.coordinates[k], "' is empty");
  }
  const std::size_t n = point_count(field);
  PIGX_CHECK(field.points.size() == n * d, "solution field: points has ", field.points.size(),
             " values, expected ", n, " x ", d);
  PIGX_CHECK(field.u.size() == n, "solution field: u has ", field.u.size(), " values, expected ", n);
  PIGX_CHECK(field.reference.empty() || field.reference.size() == n, "solution field: reference has ",
             field.reference.size(), " values, expected ", n, " or none");
  // Every point must be the grid node with the same flat index (last coordinate fastest), or the XDMF
  // structured grid would not line up with the stored values.
  std::vector<double> scale(d, 1.0);
  for (std::size_t k = 0; k < d; ++k)
    for (double a : field.axes[k]) scale[k] = std::max(scale[k], std::abs(a));
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t rest = i;
    for (std::size_t k = d; k-- > 0;) {
      const std::size_t j = rest % field.axes[k].size();
      rest /= field.axes[k].size();
      const double p = field.points[i * d + k];
      PIGX_CHECK(std::abs(p - field.axes[k][j]) <= 1e-9 * scale[k], "solution field: point ", i, " has ",
                 field.coordinates[k], " = ", p, " but the grid node (last coordinate fastest) has ",
                 field.axes[k][j]);
    }
  }
}

std::string solution_xdmf(const GridField& field, const std::string& h5_name) {
  const std::size_t d = field.coordinates.size();
  const std::size_t n = point_count(field);
  const bool rect = is_rect_mesh(field);
  // Grid shape, slowest axis first: XDMF's Dimensions order. Values are stored flat, last coordinate fastest.
  std::string shape;
  for (std::size_t k = 0; k < d; ++k) shape += (k ? " " : "") + std::to_string(field.axes[k].size());
  const std::string value_dims = rect ? shape : std::to_string(n);

  std::ostringstream x;
  x << "<?xml version=\"1.0\" ?>\n"
    << "<Xdmf Version=\"3.0\" xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n"
    << "  <Domain>\n"
    << "    <Grid Name=\"solution\" GridType=\"Uniform\">\n"
    << "      <Information Name=\"coordinates\" Value=\"" << joined_coordinates(field) << "\"/>\n";
  if (rect) {
    // VXVY(VZ) lists X first, and X is the fastest-varying axis: the LAST coordinate.
    x << "      <!-- X = " << field.coordinates[d - 1] << ", Y = " << field.coordinates[d - 2]
      << (d == 3 ? ", Z = " + field.coordinates[0] : std::string()) << " -->\n"
      << "      <Topology TopologyType=\"" << d << "DRectMesh\" Dimensions=\"" << shape << "\"/>\n"
      << "      <Geometry GeometryType=\"" << (d == 3 ? "VXVYVZ" : "VXVY") << "\">\n";
    for (std::size_t k = d; k-- > 0;) {
      x << data_item(std::to_string(field.axes[k].size()), h5_name, "/axes/" + field.coordinates[k],
                     "        ");
    }
  } else {
    x << "      <!-- points as X, Y, Z = the first three coordinates, zero-padded -->\n"
      << "      <Topology TopologyType=\"Polyvertex\" NumberOfElements=\"" << n
      << "\" NodesPerElement=\"1\">\n"
      << "        <DataItem Dimensions=\"" << n << "\" NumberType=\"Int\" Precision=\"8\" Format=\"HDF\">"
      << h5_name << ":/xdmf/vertices</DataItem>\n"
      << "      </Topology>\n"
      << "      <Geometry GeometryType=\"XYZ\">\n"
      << data_item(std::to_string(n) + " 3", h5_name, "/xdmf/geometry", "        ");
  }
  x << "      </Geometry>\n";
  std::vector<std::string> names = {"u"};
  if (!field.reference.empty()) names.insert(names.end(), {"reference", "error"});
  for (const auto& name : names) {
    x << "      <Attribute Name=\"" << name << "\" AttributeType=\"Scalar\" Center=\"Node\">\n"
      << data_item(value_dims, h5_name, "/" + name, "        ") << "      </Attribute>\n";
  }
  x << "    </Grid>\n"
    << "  </Domain>\n"
    << "</Xdmf>\n";
  return x.str();
}

void write_solution(const std::string& dir, const GridField& field) {
  const std::string h5_path = (std::filesystem::path(dir) / kH5Name).string();
  const std::string xdmf_path = (std::filesystem::path(dir) / kXdmfName).string();
  try {
    validate_grid_field(field);
  } catch (const Error& e) {
    throw Error(e.kind(), "cannot write '" + h5_path + "': " + e.what());
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  PIGX_CHECK(!ec, "cannot create output directory '", dir, "': ", ec.message());

  H5ErrorSilencer quiet;
  PendingFile h5(h5_path);
  write_hdf5(h5.temp_path(), h5_path, field);
  h5.sync();
  PendingFile xdmf(xdmf_path);
  xdmf.write(solution_xdmf(field, kH5Name));
  xdmf.sync();
  h5.commit();  // the data first, so a visible .xdmf never points at a missing .h5
  xdmf.commit();
}

namespace {

// Every rank writes its points' u (and error) into /u and /error of the file at path with one collective
// MPI-IO write each (point selections).
void write_values_collectively(MPI_Comm comm, const std::string& path, const GridField& field,
                               const std::vector<long long>& index, const std::vector<double>& u) {
  const std::string in_file = "'" + path + "'";
  H5Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Kind::PropertyList, "creating file access properties");
  h5check(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL), "selecting the MPI-IO driver");
  H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl), H5Kind::File,
                "opening " + in_file + " collectively");
  H5Handle dxpl(H5Pcreate(H5P_DATASET_XFER), H5Kind::PropertyList, "creating transfer properties");
  h5check(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE), "selecting collective transfers");
  const hsize_t n = index.size();
  std::vector<hsize_t> coords(index.begin(), index.end());
  std::vector<double> error(n);
  for (hsize_t i = 0; i < n && !field.reference.empty(); ++i) error[i] = u[i] - field.reference[index[i]];
  for (const char* name : {"u", "error"}) {
    if (std::string(name) == "error" && field.reference.empty()) continue;
    const std::string what = in_file + ", dataset '/" + name + "'";
    H5Handle dset(H5Dopen2(file, name, H5P_DEFAULT), H5Kind::Dataset, "opening " + what);
    H5Handle fspace(H5Dget_space(dset), H5Kind::Dataspace, "getting the dataspace of " + what);
    const hsize_t mem_n = std::max<hsize_t>(n, 1);
    H5Handle mspace(H5Screate_simple(1, &mem_n, nullptr), H5Kind::Dataspace, "creating a memory space");
    if (n > 0) {
      h5check(H5Sselect_elements(fspace, H5S_SELECT_SET, n, coords.data()), "selecting points of " + what);
    } else {
      h5check(H5Sselect_none(fspace), "selecting no points of " + what);
      h5check(H5Sselect_none(mspace), "selecting no memory");
    }
    const double* data = std::string(name) == "u" ? u.data() : error.data();
    const double dummy = 0;
    h5check(H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, n > 0 ? data : &dummy),
            "writing " + what);
  }
  file.close("closing " + in_file + " collectively");
}

// Collective: true on every rank when `ok` holds on every rank.
bool all_ok(MPI_Comm comm, bool ok) {
  int v = ok ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_MIN, comm);
  return v == 1;
}

}  // namespace

void write_solution_collective(MPI_Comm comm, const std::string& dir, GridField field,
                               const std::vector<long long>& index, const std::vector<double>& u) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  const std::string h5_path = (std::filesystem::path(dir) / kH5Name).string();
  const std::string xdmf_path = (std::filesystem::path(dir) / kXdmfName).string();
  H5ErrorSilencer quiet;
  // Rank 0 writes the grid and creates the value datasets in a temporary file; a failure stops every rank.
  std::unique_ptr<PendingFile> h5;
  std::string failure, temp;
  if (rank == 0) {
    try {
      field.u.assign(point_count(field), 0.0);  // filled collectively below
      validate_grid_field(field);
      std::error_code ec;
      std::filesystem::create_directories(dir, ec);
      PIGX_CHECK(!ec, "cannot create output directory '", dir, "': ", ec.message());
      h5 = std::make_unique<PendingFile>(h5_path);
      write_hdf5(h5->temp_path(), h5_path, field, true);
      temp = h5->temp_path();
    } catch (const Error& e) {
      failure = std::string("cannot write '") + h5_path + "': " + e.what();
    }
  }
  if (!all_ok(comm, failure.empty())) {
    if (rank == 0) throw Error(ErrorKind::Runtime, failure);
    throw Error(ErrorKind::Runtime, "rank 0 could not create '" + h5_path + "'");
  }
  // The reference must be on every rank or none: /error is written collectively.
  int with_reference = field.reference.empty() ? 0 : 1, all_reference = 0;
  MPI_Allreduce(&with_reference, &all_reference, 1, MPI_INT, MPI_MIN, comm);
  PIGX_CHECK(all_reference == with_reference, "the reference values of '", h5_path,
             "' must be given on every rank (collective write)");
  int len = static_cast<int>(temp.size());
  MPI_Bcast(&len, 1, MPI_INT, 0, comm);
  temp.resize(len);
  MPI_Bcast(temp.data(), len, MPI_CHAR, 0, comm);
  try {
    write_values_collectively(comm, temp, field, index, u);
  } catch (const Error& e) {
    failure = e.what();
  }
  if (!all_ok(comm, failure.empty()))
    throw Error(ErrorKind::Runtime,
                "collective write of '" + h5_path + "' failed" + (failure.empty() ? "" : ": " + failure));
  if (rank == 0) {
    h5->sync();
    PendingFile xdmf(xdmf_path);
    xdmf.write(solution_xdmf(field, kH5Name));
    xdmf.sync();
    h5->commit();  // the data first, so a visible .xdmf never points at a missing .h5
    xdmf.commit();
  }
  MPI_Barrier(comm);
}

}  // namespace pigx::io
