// Checkpoint files in HDF5: root attributes hold the identity, the group /state holds the named state
// (integers and reals and strings as attributes, arrays as 1-D double datasets).
#include "pigx/io/checkpoint.hpp"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <system_error>

#include "pigx/core/error.hpp"
#include "pigx/io/hdf5_handle.hpp"
#include "pigx/io/summary_writer.hpp"

namespace pigx::io {
namespace {

constexpr const char* kFormat = "pigx-checkpoint";
constexpr long long kVersion = 1;

/// "checkpoint file '<path>'" for messages. Not collective.
std::string where(const std::string& path) {
  return "checkpoint file '" + path + "'";
}

/// Writes a scalar attribute of a native type on obj. Not collective.
void put_attribute(hid_t obj, const std::string& name, hid_t type, const void* value,
                   const std::string& path) {
  H5Handle space(H5Screate(H5S_SCALAR), H5Kind::Dataspace, "creating a dataspace for " + where(path));
  H5Handle attr(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Kind::Attribute,
                "creating attribute '" + name + "' in " + where(path));
  h5check(H5Awrite(attr, type, value), "writing attribute '" + name + "' in " + where(path));
}

/// Writes a fixed-length string attribute on obj. Not collective.
void put_string(hid_t obj, const std::string& name, const std::string& value, const std::string& path) {
  H5Handle type(H5Tcopy(H5T_C_S1), H5Kind::Datatype, "creating a string type for " + where(path));
  h5check(H5Tset_size(type, value.empty() ? 1 : value.size()), "sizing a string type for " + where(path));
  const std::string padded = value.empty() ? std::string(1, '\0') : value;
  put_attribute(obj, name, type, padded.data(), path);
}

/// Writes a 1-D double dataset (possibly empty) under obj. Not collective.
void put_array(hid_t obj, const std::string& name, const std::vector<double>& a, const std::string& path) {
  const hsize_t n = a.size();
  H5Handle space(H5Screate_simple(1, &n, nullptr), H5Kind::Dataspace,
                 "creating a dataspace for " + where(path));
  H5Handle dset(H5Dcreate2(obj, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                H5Kind::Dataset, "creating dataset '" + name + "' in " + where(path));
  if (n > 0)
    h5check(H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.data()),
            "writing dataset '" + name + "' in " + where(path));
}

/// What the attribute callbacks fill, with the file name for messages.
struct Reading {
  Checkpoint* out;
  std::string path;
  std::string error;
};

/// Reads attribute `name` of obj as a string (fixed-length or variable-length). Not collective.
std::string get_string(hid_t attr, const std::string& name, const std::string& path) {
  H5Handle type(H5Aget_type(attr), H5Kind::Datatype,
                "reading the type of attribute '" + name + "' in " + where(path), ErrorKind::Input);
  if (H5Tis_variable_str(type) > 0) {
    H5Handle mem(H5Tcopy(H5T_C_S1), H5Kind::Datatype, "creating a string type");
    h5check(H5Tset_size(mem, H5T_VARIABLE), "sizing a string type");
    char* text = nullptr;
    h5check(H5Aread(attr, mem, &text), "reading attribute '" + name + "' in " + where(path),
            ErrorKind::Input);
    std::string out = text ? text : "";
    H5free_memory(text);
    return out;
  }
  const std::size_t size = H5Tget_size(type);
  std::string buffer(size, '\0');
  H5Handle mem(H5Tcopy(H5T_C_S1), H5Kind::Datatype, "creating a string type");
  h5check(H5Tset_size(mem, size), "sizing a string type");
  h5check(H5Aread(attr, mem, buffer.data()), "reading attribute '" + name + "' in " + where(path),
          ErrorKind::Input);
  return buffer.substr(0, buffer.find('\0'));
}

/// H5Aiterate2 callback: stores each attribute of /state by its type class. Not collective.
herr_t read_state_attribute(hid_t obj, const char* name, const H5A_info_t*, void* data) {
  auto* r = static_cast<Reading*>(data);
  try {
    H5Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Kind::Attribute, "opening attribute", ErrorKind::Input);
    H5Handle type(H5Aget_type(attr), H5Kind::Datatype, "reading an attribute type", ErrorKind::Input);
    switch (H5Tget_class(type)) {
      case H5T_INTEGER: {
        long long v = 0;
        h5check(H5Aread(attr, H5T_NATIVE_LLONG, &v), std::string("reading attribute ") + name,
                ErrorKind::Input);
        r->out->integers[name] = v;
        break;
      }
      case H5T_FLOAT: {
        double v = 0;
        h5check(H5Aread(attr, H5T_NATIVE_DOUBLE, &v), std::string("reading attribute ") + name,
                ErrorKind::Input);
        r->out->reals[name] = v;
        break;
      }
      case H5T_STRING:
        r->out->strings[name] = get_string(attr, name, r->path);
        break;
      default:
        break;
    }
  } catch (const Error& e) {
    r->error = e.what();
    return -1;
  }
  return 0;
}

/// H5Literate2 callback: reads each dataset of /state as a 1-D double array. Not collective.
herr_t read_state_dataset(hid_t group, const char* name, const H5L_info_t*, void* data) {
  auto* r = static_cast<Reading*>(data);
  try {
    H5Handle dset(H5Dopen2(group, name, H5P_DEFAULT), H5Kind::Dataset, std::string("opening dataset ") + name,
                  ErrorKind::Input);
    H5Handle space(H5Dget_space(dset), H5Kind::Dataspace, "reading a dataset shape", ErrorKind::Input);
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    PIGX_CHECK_INPUT(n >= 0 && H5Sget_simple_extent_ndims(space) == 1, where(r->path), ": dataset '/state/",
                     name, "' is not a 1-D array");
    std::vector<double> a(static_cast<std::size_t>(n));
    if (n > 0)
      h5check(H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.data()),
              std::string("reading dataset '/state/") + name + "' in " + where(r->path), ErrorKind::Input);
    r->out->arrays[name] = std::move(a);
  } catch (const Error& e) {
    r->error = e.what();
    return -1;
  }
  return 0;
}

/// Opens path read-only after checking that it exists and is HDF5. Not collective.
H5Handle open_checkpoint(const std::string& path) {
  std::error_code ec;
  PIGX_CHECK_INPUT(std::filesystem::is_regular_file(path, ec), where(path),
                   " does not exist or is not a regular file (expected a checkpoint written by pigx-solve "
                   "with checkpoint.every > 0)");
  PIGX_CHECK_INPUT(H5Fis_hdf5(path.c_str()) > 0, where(path),
                   " is not an HDF5 file (corrupt or not a pigx checkpoint)");
  return H5Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Kind::File, "opening " + where(path),
                  ErrorKind::Input);
}

/// Reads root attribute `name` as a string; input error naming the file when it is missing. Not collective.
std::string root_string(hid_t file, const std::string& name, const std::string& path) {
  PIGX_CHECK_INPUT(H5Aexists(file, name.c_str()) > 0, where(path), " lacks the attribute '", name,
                   "' (not a pigx checkpoint, or a corrupt one)");
  H5Handle attr(H5Aopen(file, name.c_str(), H5P_DEFAULT), H5Kind::Attribute,
                "opening attribute '" + name + "' in " + where(path), ErrorKind::Input);
  return get_string(attr, name, path);
}

/// Reads root integer attribute `name`; input error naming the file when it is missing. Not collective.
long long root_integer(hid_t file, const std::string& name, const std::string& path) {
  PIGX_CHECK_INPUT(H5Aexists(file, name.c_str()) > 0, where(path), " lacks the attribute '", name,
                   "' (not a pigx checkpoint, or a corrupt one)");
  H5Handle attr(H5Aopen(file, name.c_str(), H5P_DEFAULT), H5Kind::Attribute,
                "opening attribute '" + name + "' in " + where(path), ErrorKind::Input);
  long long v = 0;
  h5check(H5Aread(attr, H5T_NATIVE_LLONG, &v), "reading attribute '" + name + "' in " + where(path),
          ErrorKind::Input);
  return v;
}

/// The lines of a "key = value" text as key -> value. Not collective.
std::map<std::string, std::string> config_lines(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find(" = ");
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 3);
  }
  return out;
}

/// Throws the input error "<file> lacks <what> '<name>'". Not collective.
[[noreturn]] void missing(const std::string& source, const std::string& what, const std::string& name) {
  throw Error(ErrorKind::Input, (source.empty() ? std::string("checkpoint") : where(source)) + " lacks the " +
                                    what + " '/state/" + name +
                                    "' (written by an incompatible pigx version?)");
}

}  // namespace

std::string CheckpointIdentity::config_hash() const {
  std::uint64_t h = 1469598103934665603ull;
  for (const unsigned char c : config) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

long long Checkpoint::integer(const std::string& name) const {
  const auto it = integers.find(name);
  if (it == integers.end()) missing(source, "integer", name);
  return it->second;
}

double Checkpoint::real(const std::string& name) const {
  const auto it = reals.find(name);
  if (it == reals.end()) missing(source, "real", name);
  return it->second;
}

const std::string& Checkpoint::string(const std::string& name) const {
  const auto it = strings.find(name);
  if (it == strings.end()) missing(source, "string", name);
  return it->second;
}

const std::vector<double>& Checkpoint::array(const std::string& name) const {
  const auto it = arrays.find(name);
  if (it == arrays.end()) missing(source, "array", name);
  return it->second;
}

void write_checkpoint(const std::string& path, const Checkpoint& c, const std::function<void()>& mid_write) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  PIGX_CHECK(!ec, "cannot create the directory of ", where(path), ": ", ec.message());
  H5ErrorSilencer quiet;
  PendingFile pending(path);
  const std::string& tmp = pending.temp_path();
  {
    H5Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Kind::File,
                  "creating '" + tmp + "' for " + where(path));
    put_string(file, "format", kFormat, path);
    put_attribute(file, "version", H5T_NATIVE_LLONG, &kVersion, path);
    put_string(file, "problem", c.identity.problem, path);
    put_string(file, "model", c.identity.model, path);
    put_attribute(file, "parameters", H5T_NATIVE_LLONG, &c.identity.parameters, path);
    put_string(file, "config", c.identity.config, path);
    put_string(file, "config_hash", c.identity.config_hash(), path);
    H5Handle state(H5Gcreate2(file, "state", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Kind::Group,
                   "creating group /state in " + where(path));
    bool called = false;
    for (const auto& [name, a] : c.arrays) {
      put_array(state, name, a, path);
      h5check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flushing " + where(path));
      if (mid_write && !called) mid_write(), called = true;
    }
    for (const auto& [name, v] : c.integers) put_attribute(state, name, H5T_NATIVE_LLONG, &v, path);
    for (const auto& [name, v] : c.reals) put_attribute(state, name, H5T_NATIVE_DOUBLE, &v, path);
    for (const auto& [name, v] : c.strings) put_string(state, name, v, path);
    state.close("closing group /state in " + where(path));
    h5check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flushing " + where(path));
    file.close("closing " + where(path));
  }
  pending.sync();
  pending.commit();
}

Checkpoint read_checkpoint(const std::string& path) {
  H5ErrorSilencer quiet;
  H5Handle file = open_checkpoint(path);
  const std::string format = root_string(file, "format", path);
  PIGX_CHECK_INPUT(format == kFormat, where(path), " has format '", format, "', expected '", kFormat, "'");
  const long long version = root_integer(file, "version", path);
  PIGX_CHECK_INPUT(version == kVersion, where(path), " has format version ", version, ", expected ",
                   kVersion);
  Checkpoint c;
  c.source = path;
  c.identity.problem = root_string(file, "problem", path);
  c.identity.model = root_string(file, "model", path);
  c.identity.parameters = root_integer(file, "parameters", path);
  c.identity.config = root_string(file, "config", path);
  PIGX_CHECK_INPUT(root_string(file, "config_hash", path) == c.identity.config_hash(), where(path),
                   " is corrupt: its config does not match its config_hash");
  PIGX_CHECK_INPUT(H5Lexists(file, "state", H5P_DEFAULT) > 0, where(path), " lacks the group /state");
  H5Handle state(H5Gopen2(file, "state", H5P_DEFAULT), H5Kind::Group, "opening /state in " + where(path),
                 ErrorKind::Input);
  Reading r{&c, path, ""};
  hsize_t index = 0;
  if (H5Aiterate2(state, H5_INDEX_NAME, H5_ITER_INC, &index, read_state_attribute, &r) < 0)
    throw Error(ErrorKind::Input, r.error.empty()
                                      ? "reading the attributes of /state in " + where(path) + " failed"
                                      : r.error + " (" + where(path) + ")");
  index = 0;
  if (H5Literate(state, H5_INDEX_NAME, H5_ITER_INC, &index, read_state_dataset, &r) < 0)
    throw Error(ErrorKind::Input, r.error.empty()
                                      ? "reading the datasets of /state in " + where(path) + " failed"
                                      : r.error + " (" + where(path) + ")");
  return c;
}

void check_identity(const std::string& path, const CheckpointIdentity& stored,
                    const CheckpointIdentity& expected) {
  std::string diff;
  auto add = [&](const std::string& what, const std::string& have, const std::string& want) {
    diff += "\n  " + what + ": checkpoint has '" + have + "', this run has '" + want + "'";
  };
  if (stored.problem != expected.problem) add("problem.type", stored.problem, expected.problem);
  if (stored.model != expected.model) add("model", stored.model, expected.model);
  if (stored.parameters != expected.parameters)
    add("parameter count", std::to_string(stored.parameters), std::to_string(expected.parameters));
  if (stored.config != expected.config) {
    const auto have = config_lines(stored.config), want = config_lines(expected.config);
    for (const auto& [key, value] : want) {
      if (key == "problem.type" && stored.problem != expected.problem) continue;  // reported above
      const auto it = have.find(key);
      if (it == have.end())
        add(key, "(absent)", value);
      else if (it->second != value)
        add(key, it->second, value);
    }
    for (const auto& [key, value] : have)
      if (!want.count(key)) add(key, value, "(absent)");
  }
  if (!diff.empty())
    throw Error(ErrorKind::Input, where(path) + " belongs to another problem or configuration (config hash " +
                                      stored.config_hash() + ", expected " + expected.config_hash() +
                                      "); it differs in:" + diff);
}

}  // namespace pigx::io
