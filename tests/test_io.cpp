// Tests of pigx::io: solution.h5/.xdmf output, JSON summaries, atomic files and reference-solution input.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "pigx/core/error.hpp"
#include "pigx/core/pde.hpp"
#include "pigx/io/hdf5_handle.hpp"
#include "pigx/io/reference_grid.hpp"
#include "pigx/io/reference_reader.hpp"
#include "pigx/io/solution_writer.hpp"
#include "pigx/io/summary_writer.hpp"

namespace fs = std::filesystem;
using pigx::io::H5Handle;
using pigx::io::H5Kind;

namespace {

/// A fresh, empty directory removed again after the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "pigx_test_io_XXXXXX").string();
    const char* made = mkdtemp(pattern.data());
    if (made == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  /// Names of the entries of the directory.
  std::set<std::string> entries() const {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(path_)) names.insert(e.path().filename().string());
    return names;
  }

 private:
  fs::path path_;
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Reads a float64 dataset of any shape, returning its dims and values.
std::vector<double> read_doubles(hid_t file, const std::string& name, std::vector<hsize_t>* dims) {
  H5Handle dset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Kind::Dataset, "open " + name);
  H5Handle space(H5Dget_space(dset), H5Kind::Dataspace, "space " + name);
  dims->assign(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)), 0);
  H5Sget_simple_extent_dims(space, dims->data(), nullptr);
  H5Handle type(H5Dget_type(dset), H5Kind::Datatype, "type " + name);
  EXPECT_TRUE(H5Tequal(type, H5T_IEEE_F64LE) > 0) << name << " is not float64";
  std::vector<double> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  pigx::io::h5check(H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                    "read " + name);
  return values;
}

/// Reads a scalar string attribute (fixed or variable length) of a dataset.
std::string read_string_attribute(hid_t file, const std::string& dataset, const std::string& name) {
  H5Handle attr(H5Aopen_by_name(file, dataset.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                H5Kind::Attribute, "open attribute " + name);
  H5Handle type(H5Aget_type(attr), H5Kind::Datatype, "attribute type");
  EXPECT_EQ(H5Tget_class(type), H5T_STRING);
  EXPECT_FALSE(H5Tis_variable_str(type) > 0);
  std::string value(H5Tget_size(type), '\0');
  pigx::io::h5check(H5Aread(attr, type, value.data()), "read attribute");
  return value.substr(0, value.find('\0'));
}

/// A d-dimensional test field with the last coordinate fastest; u = sum of coordinates.
pigx::io::GridField make_field(const std::vector<std::string>& names, const std::vector<std::size_t>& sizes,
                               bool with_reference) {
  pigx::io::GridField f;
  f.coordinates = names;
  std::size_t n = 1;
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    std::vector<double> axis(sizes[k]);
    for (std::size_t j = 0; j < sizes[k]; ++j) axis[j] = -1.0 + 0.5 * static_cast<double>(j) + 10.0 * k;
    f.axes.push_back(axis);
    n *= sizes[k];
  }
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t rest = i;
    std::vector<double> p(sizes.size());
    for (std::size_t k = sizes.size(); k-- > 0;) {
      p[k] = f.axes[k][rest % sizes[k]];
      rest /= sizes[k];
    }
    double sum = 0.0;
    for (double v : p) sum += v;
    f.points.insert(f.points.end(), p.begin(), p.end());
    f.u.push_back(sum);
    if (with_reference) f.reference.push_back(sum + 0.25 * static_cast<double>(i % 3));
  }
  return f;
}

/// Value j of axis k of the generated reference files: t = 0.25 j, x = -1 + 0.125 j, y = 2 + 0.5 j. All are
/// short binary fractions, so they and reference_value() are exact in double precision.
double reference_axis_value(std::size_t k, std::size_t j) {
  const double offsets[] = {0.0, -1.0, 2.0};
  const double steps[] = {0.25, 0.125, 0.5};
  return offsets[k] + steps[k] * static_cast<double>(j);
}

/// The generated reference solution at a grid point (t, x(, y)): u = t + 10 x (+ 100 y).
double reference_value(const std::vector<double>& point) {
  double u = 0.0, weight = 1.0;
  for (double p : point) {
    u += weight * p;
    weight *= 10.0;
  }
  return u;
}

/// Writes the float64 dataset /name of shape dims (values row-major) into file with the HDF5 C API.
void write_float64_dataset(hid_t file, const std::string& name, const std::vector<hsize_t>& dims,
                           const std::vector<double>& values) {
  H5Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Kind::Dataspace,
                 "H5Screate_simple " + name);
  H5Handle dset(H5Dcreate2(file, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                H5Kind::Dataset, "H5Dcreate2 " + name);
  pigx::io::h5check(H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                    "H5Dwrite " + name);
  dset.close("H5Dclose " + name);
}

/// Writes dir/file_name laid out like the benchmark reference files: float64 1-D axis datasets /t, /x(, /y)
/// (sizes[k] values of reference_axis_value(k, .)) and /u of shape sizes holding reference_value(), last axis
/// fastest. The axes are written in reverse order so the reader must find them by name. Returns the path.
fs::path write_reference_file(const fs::path& dir, const std::string& file_name,
                              const std::vector<std::size_t>& sizes) {
  const std::vector<std::string> names = {"t", "x", "y"};
  if (sizes.empty() || sizes.size() > names.size()) throw std::runtime_error("1 to 3 axes expected");
  const fs::path path = dir / file_name;
  H5Handle file(H5Fcreate(path.string().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Kind::File,
                "H5Fcreate " + path.string());
  std::vector<hsize_t> dims;
  std::size_t n = 1;
  for (std::size_t k = sizes.size(); k-- > 0;) {
    std::vector<double> axis(sizes[k]);
    for (std::size_t j = 0; j < sizes[k]; ++j) axis[j] = reference_axis_value(k, j);
    write_float64_dataset(file, names[k], {static_cast<hsize_t>(sizes[k])}, axis);
  }
  for (std::size_t size : sizes) {
    dims.push_back(static_cast<hsize_t>(size));
    n *= size;
  }
  std::vector<double> u(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<double> point(sizes.size());
    std::size_t rest = i;
    for (std::size_t k = sizes.size(); k-- > 0;) {
      point[k] = reference_axis_value(k, rest % sizes[k]);
      rest /= sizes[k];
    }
    u[i] = reference_value(point);
  }
  write_float64_dataset(file, "u", dims, u);
  file.close("H5Fclose " + path.string());
  return path;
}

/// Runs f, expects a pigx::Error of the given kind, and returns its message.
template <class F>
std::string error_message(F&& f, pigx::ErrorKind kind) {
  try {
    f();
  } catch (const pigx::Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no pigx::Error thrown";
  return "";
}

// ---- solution writer -------------------------------------------------------------------------------------

TEST(SolutionWriter, Writes3DFieldReadableWithHdf5) {
  TempDir dir;
  const auto field = make_field({"x", "y", "t"}, {3, 4, 2}, true);
  pigx::io::write_solution(dir.path().string(), field);
  EXPECT_EQ(dir.entries(), (std::set<std::string>{"solution.h5", "solution.xdmf"}));

  pigx::io::H5ErrorSilencer quiet;
  const std::string path = (dir.path() / "solution.h5").string();
  H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Kind::File, "open " + path);
  std::vector<hsize_t> dims;
  EXPECT_EQ(read_doubles(file, "points", &dims), field.points);
  EXPECT_EQ(dims, (std::vector<hsize_t>{24, 3}));
  EXPECT_EQ(read_string_attribute(file, "points", "coordinates"), "x,y,t");
  EXPECT_EQ(read_doubles(file, "u", &dims), field.u);
  EXPECT_EQ(dims, (std::vector<hsize_t>{24}));
  EXPECT_EQ(read_doubles(file, "reference", &dims), field.reference);
  const auto error = read_doubles(file, "error", &dims);
  ASSERT_EQ(error.size(), 24u);
  for (std::size_t i = 0; i < error.size(); ++i) EXPECT_EQ(error[i], field.u[i] - field.reference[i]);
  EXPECT_EQ(read_doubles(file, "axes/x", &dims), field.axes[0]);
  EXPECT_EQ(read_doubles(file, "axes/y", &dims), field.axes[1]);
  EXPECT_EQ(read_doubles(file, "axes/t", &dims), field.axes[2]);
  EXPECT_EQ(dims, (std::vector<hsize_t>{2}));
  EXPECT_EQ(H5Lexists(file, "xdmf", H5P_DEFAULT), 0);
}

TEST(SolutionWriter, XdmfDescribesRectMeshWithFastestAxisAsX) {
  TempDir dir;
  pigx::io::write_solution(dir.path().string(), make_field({"x", "y", "t"}, {3, 4, 2}, true));
  const std::string xdmf = read_text(dir.path() / "solution.xdmf");
  EXPECT_NE(xdmf.find("<Xdmf Version=\"3.0\""), std::string::npos);
  EXPECT_NE(xdmf.find("TopologyType=\"3DRectMesh\" Dimensions=\"3 4 2\""), std::string::npos);
  EXPECT_NE(xdmf.find("GeometryType=\"VXVYVZ\""), std::string::npos);
  for (const char* ds : {"solution.h5:/u<", "solution.h5:/reference<", "solution.h5:/error<",
                         "solution.h5:/axes/x<", "solution.h5:/axes/y<", "solution.h5:/axes/t<"}) {
    EXPECT_NE(xdmf.find(ds), std::string::npos) << ds;
  }
  // X (listed first) is the fastest coordinate t, Z the slowest x.
  EXPECT_LT(xdmf.find("/axes/t<"), xdmf.find("/axes/y<"));
  EXPECT_LT(xdmf.find("/axes/y<"), xdmf.find("/axes/x<"));
  EXPECT_NE(
      xdmf.find("Dimensions=\"3 4 2\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">solution.h5:/u<"),
      std::string::npos);
}

TEST(SolutionWriter, TwoDimensionalWithoutReference) {
  TempDir dir;
  pigx::io::write_solution(dir.path().string(), make_field({"x", "y"}, {5, 3}, false));
  const std::string xdmf = read_text(dir.path() / "solution.xdmf");
  EXPECT_NE(xdmf.find("TopologyType=\"2DRectMesh\" Dimensions=\"5 3\""), std::string::npos);
  EXPECT_NE(xdmf.find("GeometryType=\"VXVY\""), std::string::npos);
  EXPECT_EQ(xdmf.find("/error"), std::string::npos);
  EXPECT_EQ(xdmf.find("/reference"), std::string::npos);
  pigx::io::H5ErrorSilencer quiet;
  const std::string path = (dir.path() / "solution.h5").string();
  H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Kind::File, "open " + path);
  EXPECT_EQ(H5Lexists(file, "error", H5P_DEFAULT), 0);
  EXPECT_EQ(H5Lexists(file, "reference", H5P_DEFAULT), 0);
  EXPECT_EQ(read_string_attribute(file, "points", "coordinates"), "x,y");
}

TEST(SolutionWriter, OneAndFourDimensionalFieldsArePointClouds) {
  for (const auto& names : {std::vector<std::string>{"x"}, std::vector<std::string>{"x", "y", "z", "t"}}) {
    TempDir dir;
    const std::vector<std::size_t> sizes =
        names.size() == 1 ? std::vector<std::size_t>{7} : std::vector<std::size_t>{2, 3, 2, 2};
    const auto field = make_field(names, sizes, true);
    pigx::io::write_solution(dir.path().string(), field);
    const std::size_t n = field.u.size();
    const std::string xdmf = read_text(dir.path() / "solution.xdmf");
    EXPECT_NE(xdmf.find("TopologyType=\"Polyvertex\" NumberOfElements=\"" + std::to_string(n) + "\""),
              std::string::npos);
    EXPECT_NE(xdmf.find("solution.h5:/xdmf/geometry<"), std::string::npos);
    EXPECT_NE(xdmf.find("solution.h5:/xdmf/vertices<"), std::string::npos);
    pigx::io::H5ErrorSilencer quiet;
    const std::string path = (dir.path() / "solution.h5").string();
    H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Kind::File, "open " + path);
    std::vector<hsize_t> dims;
    const auto xyz = read_doubles(file, "xdmf/geometry", &dims);
    EXPECT_EQ(dims, (std::vector<hsize_t>{n, 3}));
    const std::size_t d = names.size();
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < 3; ++k) EXPECT_EQ(xyz[3 * i + k], k < d ? field.points[d * i + k] : 0.0);
    }
  }
}

TEST(SolutionWriter, OverwritesAndLeavesNoTemporaryFiles) {
  TempDir dir;
  pigx::io::write_solution(dir.path().string(), make_field({"x", "y"}, {2, 2}, true));
  pigx::io::write_solution(dir.path().string(), make_field({"x", "y", "t"}, {2, 2, 2}, false));
  EXPECT_EQ(dir.entries(), (std::set<std::string>{"solution.h5", "solution.xdmf"}));
  EXPECT_NE(read_text(dir.path() / "solution.xdmf").find("3DRectMesh"), std::string::npos);
}

TEST(SolutionWriter, CreatesMissingDirectory) {
  TempDir dir;
  const fs::path out = dir.path() / "a" / "b";
  pigx::io::write_solution(out.string(), make_field({"x", "t"}, {3, 2}, false));
  EXPECT_TRUE(fs::exists(out / "solution.h5"));
  EXPECT_TRUE(fs::exists(out / "solution.xdmf"));
}

TEST(SolutionWriter, InconsistentFieldThrowsAndWritesNothing) {
  TempDir dir;
  auto field = make_field({"x", "y", "t"}, {3, 4, 2}, true);
  auto bad_order = field;
  std::swap(bad_order.points[0 * 3 + 2], bad_order.points[1 * 3 + 2]);  // t of points 0 and 1 swapped
  EXPECT_NE(error_message([&] { pigx::io::write_solution(dir.path().string(), bad_order); },
                          pigx::ErrorKind::Runtime)
                .find("point 0"),
            std::string::npos);
  auto short_u = field;
  short_u.u.pop_back();
  error_message([&] { pigx::io::write_solution(dir.path().string(), short_u); }, pigx::ErrorKind::Runtime);
  auto short_ref = field;
  short_ref.reference.pop_back();
  error_message([&] { pigx::io::write_solution(dir.path().string(), short_ref); }, pigx::ErrorKind::Runtime);
  auto bad_name = field;
  bad_name.coordinates[1] = "a/b";
  error_message([&] { pigx::io::write_solution(dir.path().string(), bad_name); }, pigx::ErrorKind::Runtime);
  auto twice = field;
  twice.coordinates[1] = "x";
  error_message([&] { pigx::io::write_solution(dir.path().string(), twice); }, pigx::ErrorKind::Runtime);
  EXPECT_TRUE(dir.entries().empty());
}

TEST(SolutionWriter, UnwritableTargetThrowsAndLeavesNothingBehind) {
  TempDir dir;
  // solution.h5 is a non-empty directory, so the final rename fails after both temporaries were written.
  fs::create_directories(dir.path() / "solution.h5" / "keep");
  const std::string message = error_message(
      [&] {
        pigx::io::write_solution(dir.path().string(), make_field({"x", "y"}, {2, 2}, false));
      },
      pigx::ErrorKind::Runtime);
  EXPECT_NE(message.find("solution.h5"), std::string::npos) << message;
  EXPECT_EQ(dir.entries(), (std::set<std::string>{"solution.h5"}));
  EXPECT_TRUE(fs::is_directory(dir.path() / "solution.h5"));
}

// ---- JSON summaries and atomic files ---------------------------------------------------------------------

TEST(JsonObject, SerialisesInInsertionOrderWithIndentation) {
  pigx::io::JsonObject inner;
  inner.set("steps", 1000).set("lr", 0.5);
  pigx::io::JsonObject empty;
  pigx::io::JsonObject o;
  o.set("name", "helmholtz2d")
      .set("ok", true)
      .set("failed", false)
      .set("count", 42LL)
      .set("size", std::size_t{7})
      .set("negative", -3)
      .set("training", inner)
      .set("none", empty)
      .set("history", std::vector<double>{1.0, 0.25, std::nan("")})
      .set("nothing", std::vector<double>{});
  EXPECT_EQ(o.str(),
            "{\n"
            "  \"name\": \"helmholtz2d\",\n"
            "  \"ok\": true,\n"
            "  \"failed\": false,\n"
            "  \"count\": 42,\n"
            "  \"size\": 7,\n"
            "  \"negative\": -3,\n"
            "  \"training\": {\n"
            "    \"steps\": 1000,\n"
            "    \"lr\": 0.5\n"
            "  },\n"
            "  \"none\": {},\n"
            "  \"history\": [1, 0.25, null],\n"
            "  \"nothing\": []\n"
            "}\n");
  EXPECT_EQ(pigx::io::JsonObject().str(), "{}\n");
}

TEST(JsonObject, EscapesStrings) {
  pigx::io::JsonObject o;
  o.set("quote\"key", std::string("a\"b\\c/d\n\t\r\b\f") + '\x01' + "\x1f" + "\xc3\xa9");
  EXPECT_EQ(o.str(), "{\n  \"quote\\\"key\": \"a\\\"b\\\\c/d\\n\\t\\r\\b\\f\\u0001\\u001f\xc3\xa9\"\n}\n");
}

TEST(JsonObject, DoublesUse17DigitsAndNonFiniteIsNull) {
  pigx::io::JsonObject o;
  o.set("tenth", 0.1)
      .set("big", 1e300)
      .set("tiny", -2.5e-300)
      .set("hundred", 100.0)
      .set("inf", std::numeric_limits<double>::infinity())
      .set("ninf", -std::numeric_limits<double>::infinity())
      .set("nan", std::nan(""));
  EXPECT_EQ(o.str(),
            "{\n  \"tenth\": 0.10000000000000001,\n  \"big\": 1.0000000000000001e+300,\n"
            "  \"tiny\": -2.5e-300,\n  \"hundred\": 100,\n  \"inf\": null,\n  \"ninf\": null,\n  \"nan\": "
            "null\n}\n");
  // Round trip: 17 significant digits recover the exact double.
  const double x = 1.0 / 3.0;
  EXPECT_EQ(std::stod(pigx::io::json_number(x)), x);
}

TEST(JsonObject, SettingAKeyAgainReplacesItInPlace) {
  pigx::io::JsonObject o;
  o.set("a", 1).set("b", 2).set("a", "one");
  EXPECT_EQ(o.str(), "{\n  \"a\": \"one\",\n  \"b\": 2\n}\n");
}

TEST(WriteFileAtomically, WritesReplacesAndLeavesNoTemporaryFiles) {
  TempDir dir;
  const fs::path path = dir.path() / "summary.json";
  pigx::io::write_file_atomically(path.string(), "first\n");
  EXPECT_EQ(read_text(path), "first\n");
  pigx::io::write_file_atomically(path.string(), pigx::io::JsonObject().set("k", 1.5).str());
  EXPECT_EQ(read_text(path), "{\n  \"k\": 1.5\n}\n");
  EXPECT_EQ(dir.entries(), (std::set<std::string>{"summary.json"}));
}

TEST(WriteFileAtomically, MissingDirectoryThrowsNamingThePath) {
  TempDir dir;
  const std::string path = (dir.path() / "no" / "such" / "summary.json").string();
  const std::string message =
      error_message([&] { pigx::io::write_file_atomically(path, "x"); }, pigx::ErrorKind::Runtime);
  EXPECT_NE(message.find(path), std::string::npos) << message;
}

// ---- reference reader ------------------------------------------------------------------------------------

TEST(ReferenceReader, ReadsTimeAndOneSpaceAxis) {
  TempDir dir;
  const fs::path path = write_reference_file(dir.path(), "reference_1d.h5", {21, 32});
  const auto ref = pigx::io::read_reference(path.string(), {"t", "x"});
  EXPECT_EQ(ref.axis_names, (std::vector<std::string>{"t", "x"}));
  ASSERT_EQ(ref.axes.size(), 2u);
  ASSERT_EQ(ref.axes[0].size(), 21u);
  ASSERT_EQ(ref.axes[1].size(), 32u);
  ASSERT_EQ(ref.values.size(), 21u * 32u);
  for (std::size_t i = 0; i < 21; ++i) EXPECT_EQ(ref.axes[0][i], 0.25 * static_cast<double>(i)) << i;
  for (std::size_t j = 0; j < 32; ++j) EXPECT_EQ(ref.axes[1][j], -1.0 + 0.125 * static_cast<double>(j)) << j;
  EXPECT_EQ(ref.axes[0].back(), 5.0);
  EXPECT_EQ(ref.axes[1].back(), 2.875);
  // Row-major with x fastest: u[i][j] = t_i + 10 x_j.
  for (std::size_t i = 0; i < 21; ++i) {
    for (std::size_t j = 0; j < 32; ++j) {
      EXPECT_EQ(ref.values[i * 32 + j], ref.axes[0][i] + 10.0 * ref.axes[1][j]) << i << ", " << j;
    }
  }
  EXPECT_EQ(ref.values[0], -10.0);
  EXPECT_EQ(ref.values[20 * 32 + 31], 5.0 + 28.75);
}

TEST(ReferenceReader, ReadsTimeAndTwoSpaceAxes) {
  TempDir dir;
  const fs::path path = write_reference_file(dir.path(), "reference_2d.h5", {11, 13, 17});
  const auto ref = pigx::io::read_reference(path.string(), {"t", "x", "y"});
  EXPECT_EQ(ref.axis_names, (std::vector<std::string>{"t", "x", "y"}));
  ASSERT_EQ(ref.axes.size(), 3u);
  const std::size_t sizes[] = {11, 13, 17};
  for (std::size_t k = 0; k < 3; ++k) {
    ASSERT_EQ(ref.axes[k].size(), sizes[k]) << k;
    for (std::size_t j = 0; j < sizes[k]; ++j) EXPECT_EQ(ref.axes[k][j], reference_axis_value(k, j)) << k;
  }
  EXPECT_EQ(ref.axes[0].back(), 2.5);
  EXPECT_EQ(ref.axes[1].back(), 0.5);
  EXPECT_EQ(ref.axes[2].back(), 10.0);
  ASSERT_EQ(ref.values.size(), 11u * 13u * 17u);
  // Row-major with y fastest: u[i][j][l] = t_i + 10 x_j + 100 y_l.
  for (std::size_t i = 0; i < 11; ++i) {
    for (std::size_t j = 0; j < 13; ++j) {
      for (std::size_t l = 0; l < 17; ++l) {
        EXPECT_EQ(ref.values[(i * 13 + j) * 17 + l],
                  ref.axes[0][i] + 10.0 * ref.axes[1][j] + 100.0 * ref.axes[2][l])
            << i << ", " << j << ", " << l;
      }
    }
  }
  EXPECT_EQ(ref.values[0], -10.0 + 200.0);
  EXPECT_EQ(ref.values[(10 * 13 + 6) * 17 + 16], 2.5 + 10.0 * -0.25 + 1000.0);
}

TEST(ReferenceReader, MissingFileThrowsInputErrorNamingIt) {
  const std::string path = "/nonexistent/pigx_no_such_reference.h5";
  const std::string message = error_message(
      [&] {
        pigx::io::read_reference(path, {"t", "x"});
      },
      pigx::ErrorKind::Input);
  EXPECT_NE(message.find(path), std::string::npos) << message;
}

TEST(ReferenceReader, NonHdf5FileThrowsInputError) {
  TempDir dir;
  const fs::path path = dir.path() / "not_hdf5.h5";
  std::ofstream(path) << "plain text\n";
  const std::string message = error_message(
      [&] {
        pigx::io::read_reference(path.string(), {"t", "x"});
      },
      pigx::ErrorKind::Input);
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("not an HDF5 file"), std::string::npos) << message;
}

TEST(ReferenceReader, MissingDatasetThrowsInputErrorNamingFileAndDataset) {
  TempDir dir;
  const std::string path = write_reference_file(dir.path(), "reference_1d.h5", {21, 32}).string();
  std::string message = error_message(
      [&] {
        pigx::io::read_reference(path, {"t", "x"}, "v");
      },
      pigx::ErrorKind::Input);
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("'/v'"), std::string::npos) << message;
  message = error_message([&] { pigx::io::read_reference(path, {"t", "y"}); }, pigx::ErrorKind::Input);
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("'/y'"), std::string::npos) << message;
}

TEST(ReferenceReader, ShapeMismatchThrowsInputError) {
  TempDir dir;
  const std::string path = write_reference_file(dir.path(), "reference_1d.h5", {21, 32}).string();
  // Axes in the wrong order: /x has 32 values but dimension 0 of /u has 21.
  std::string message = error_message(
      [&] {
        pigx::io::read_reference(path, {"x", "t"});
      },
      pigx::ErrorKind::Input);
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("'/x'"), std::string::npos) << message;
  // Wrong number of axes for a rank-2 dataset.
  message = error_message([&] { pigx::io::read_reference(path, {"t"}); }, pigx::ErrorKind::Input);
  EXPECT_NE(message.find("'/u'"), std::string::npos) << message;
}

TEST(ReferenceGrid, ReferenceFileReplacesTheDataDirectoryFile) {
  TempDir dir;
  const auto pde = pigx::builtin_pdes().create("nonlinear_diffusion");
  const std::string path = write_reference_file(dir.path(), "mine.h5", {11, 13, 17}).string();
  // problem.reference_file wins over problem.data_dir (which here holds nothing).
  const pigx::TestGrid g = pigx::io::make_test_grid(*pde, "/nonexistent", path);
  EXPECT_EQ(g.axis_names, (std::vector<std::string>{"t", "x", "y"}));
  ASSERT_EQ(g.reference.size(), 11u * 13u * 17u);
  EXPECT_EQ(g.reference[0], reference_value({0.0, -1.0, 2.0}));
  // Without it, the PDE's own file in data_dir is read, and its absence is an input error naming it.
  const std::string message =
      error_message([&] { pigx::io::make_test_grid(*pde, "/nonexistent", ""); }, pigx::ErrorKind::Input);
  EXPECT_NE(message.find("/nonexistent/nonlinear_diffusion_2d_reference.h5"), std::string::npos) << message;
}

TEST(Hdf5Handle, NoIdentifiersStayOpenAfterWritesReadsAndFailures) {
  TempDir dir;
  pigx::io::write_solution(dir.path().string(), make_field({"x", "y", "t"}, {3, 4, 2}, true));
  pigx::io::write_solution(dir.path().string(), make_field({"x"}, {5}, false));
  const std::string path = write_reference_file(dir.path(), "reference_1d.h5", {21, 32}).string();
  pigx::io::read_reference(path, {"t", "x"});
  EXPECT_THROW(pigx::io::read_reference(path, {"x", "t"}), pigx::Error);
  EXPECT_THROW(pigx::io::read_reference(path, {"t", "x"}, "v"), pigx::Error);
  fs::create_directories(dir.path() / "blocked" / "solution.h5" / "keep");
  EXPECT_THROW(
      pigx::io::write_solution((dir.path() / "blocked").string(), make_field({"x", "y"}, {2, 2}, true)),
      pigx::Error);
  EXPECT_EQ(H5Fget_obj_count(static_cast<hid_t>(H5F_OBJ_ALL), H5F_OBJ_ALL), 0);
}

TEST(Hdf5Handle, FailedCallsThrowNamingTheCall) {
  pigx::io::H5ErrorSilencer quiet;
  const std::string message = error_message(
      [] {
        H5Handle h(H5Fopen("/nonexistent/x.h5", H5F_ACC_RDONLY, H5P_DEFAULT), H5Kind::File, "H5Fopen x");
      },
      pigx::ErrorKind::Runtime);
  EXPECT_EQ(message.rfind("H5Fopen x failed", 0), 0u) << message;
  EXPECT_NE(error_message([] { pigx::io::h5check(-1, "some call", pigx::ErrorKind::Input); },
                          pigx::ErrorKind::Input)
                .find("some call failed"),
            std::string::npos);
  H5Handle space(H5Screate(H5S_SCALAR), H5Kind::Dataspace, "H5Screate");
  H5Handle moved(std::move(space));
  EXPECT_FALSE(space.valid());
  EXPECT_TRUE(moved.valid());
  moved.close("H5Sclose");
  EXPECT_FALSE(moved.valid());
}

}  // namespace
