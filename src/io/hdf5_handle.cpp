// Closing HDF5 identifiers by kind and converting HDF5 failures into pigx::Error.
#include "pigx/io/hdf5_handle.hpp"

#include <utility>

namespace pigx::io {
namespace {

/// Calls the close function that matches kind; returns HDF5's status. Not collective.
herr_t close_id(hid_t id, H5Kind kind) {
  switch (kind) {
    case H5Kind::File:
      return H5Fclose(id);
    case H5Kind::Dataset:
      return H5Dclose(id);
    case H5Kind::Dataspace:
      return H5Sclose(id);
    case H5Kind::Group:
      return H5Gclose(id);
    case H5Kind::Attribute:
      return H5Aclose(id);
    case H5Kind::PropertyList:
      return H5Pclose(id);
    case H5Kind::Datatype:
      return H5Tclose(id);
  }
  return -1;
}

/// Stack-walk callback that keeps the first (innermost) description it sees. Not collective.
herr_t keep_innermost(unsigned n, const H5E_error2_t* err, void* out) {
  auto* text = static_cast<std::string*>(out);
  if (n == 0 && err != nullptr && err->desc != nullptr) *text = err->desc;
  return 0;
}

/// Builds "<what> failed" plus HDF5's own reason when it has one. Not collective.
std::string failure_message(const std::string& what) {
  const std::string detail = h5_error_detail();
  return detail.empty() ? what + " failed" : what + " failed: " + detail;
}

}  // namespace

H5Handle::H5Handle(hid_t id, H5Kind kind, const std::string& what, ErrorKind kind_on_error)
    : id_(id), kind_(kind) {
  if (id_ < 0) {
    id_ = H5I_INVALID_HID;
    throw Error(kind_on_error, failure_message(what));
  }
}

H5Handle::~H5Handle() {
  if (id_ >= 0) {
    H5ErrorSilencer quiet;
    close_id(id_, kind_);
  }
}

H5Handle::H5Handle(H5Handle&& other) noexcept : id_(other.id_), kind_(other.kind_) {
  other.id_ = H5I_INVALID_HID;
}

H5Handle& H5Handle::operator=(H5Handle&& other) noexcept {
  if (this != &other) {
    if (id_ >= 0) {
      H5ErrorSilencer quiet;
      close_id(id_, kind_);
    }
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
    kind_ = other.kind_;
  }
  return *this;
}

void H5Handle::close(const std::string& what) {
  if (id_ < 0) return;
  const hid_t id = std::exchange(id_, H5I_INVALID_HID);
  h5check(close_id(id, kind_), what);
}

hid_t H5Handle::release() {
  return std::exchange(id_, H5I_INVALID_HID);
}

void h5check(herr_t status, const std::string& what, ErrorKind kind) {
  if (status < 0) throw Error(kind, failure_message(what));
}

std::string h5_error_detail() {
  std::string text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &text);
  return text;
}

H5ErrorSilencer::H5ErrorSilencer() {
  saved_ = H5Eget_auto2(H5E_DEFAULT, &func_, &data_) >= 0;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

H5ErrorSilencer::~H5ErrorSilencer() {
  if (saved_) H5Eset_auto2(H5E_DEFAULT, func_, data_);
}

}  // namespace pigx::io
