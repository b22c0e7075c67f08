// Move-only RAII ownership of HDF5 identifiers, plus the error checks that turn HDF5 failures into
// pigx::Error.
#pragma once

#include <hdf5.h>

#include <string>

#include "pigx/core/error.hpp"

namespace pigx::io {

/// What an HDF5 identifier refers to; selects the matching H5?close function.
enum class H5Kind { File, Dataset, Dataspace, Group, Attribute, PropertyList, Datatype };

/// Owns one HDF5 identifier and closes it with the function of its kind; move-only.
class H5Handle {
 public:
  /// An empty handle that owns nothing. Not collective.
  H5Handle() = default;
  /// Takes ownership of id; throws pigx::Error(kind_on_error, "<what> failed ...") when id is negative.
  /// Not collective (but closing a file opened with the MPI-IO driver is, as in HDF5).
  H5Handle(hid_t id, H5Kind kind, const std::string& what, ErrorKind kind_on_error = ErrorKind::Runtime);
  /// Closes the identifier, ignoring errors (use close() to see them). Not collective.
  ~H5Handle();
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;
  /// Takes over other's identifier, leaving other empty. Not collective.
  H5Handle(H5Handle&& other) noexcept;
  /// Closes the current identifier, then takes over other's. Not collective.
  H5Handle& operator=(H5Handle&& other) noexcept;

  /// The owned identifier (H5I_INVALID_HID when empty). Not collective.
  hid_t get() const { return id_; }
  /// Implicit use wherever HDF5 expects an hid_t. Not collective.
  operator hid_t() const { return id_; }
  /// True when an identifier is owned. Not collective.
  bool valid() const { return id_ >= 0; }
  /// Closes now and throws pigx::Error naming `what` if HDF5 reports a failure (e.g. a failed flush). Not
  /// collective.
  void close(const std::string& what);
  /// Gives up ownership without closing and returns the identifier. Not collective.
  hid_t release();

 private:
  hid_t id_ = H5I_INVALID_HID;
  H5Kind kind_ = H5Kind::File;
};

/// Throws pigx::Error(kind, "<what> failed: <HDF5's innermost message>") when status is negative. Not
/// collective.
void h5check(herr_t status, const std::string& what, ErrorKind kind = ErrorKind::Runtime);

/// The description of the innermost entry of HDF5's current error stack, or "" when it is empty. Not
/// collective.
std::string h5_error_detail();

/// Turns off HDF5's automatic printing of its error stack for its lifetime and restores the previous
/// handler afterwards; use around code that reports HDF5 failures itself. Not collective.
class H5ErrorSilencer {
 public:
  /// Saves the current automatic error handler and installs none. Not collective.
  H5ErrorSilencer();
  /// Restores the saved handler. Not collective.
  ~H5ErrorSilencer();
  H5ErrorSilencer(const H5ErrorSilencer&) = delete;
  H5ErrorSilencer& operator=(const H5ErrorSilencer&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
  bool saved_ = false;
};

}  // namespace pigx::io
