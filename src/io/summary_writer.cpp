// JSON serialisation of ordered objects and atomic replacement of files (temporary file, fsync, rename).
#include "pigx/io/summary_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "pigx/core/error.hpp"

namespace pigx::io {
namespace {

/// "<what> '<path>': <strerror(errno)>" for a failed system call. Not collective.
std::string os_failure(const std::string& what, const std::string& path) {
  const int err = errno;
  return what + " '" + path + "': " + std::strerror(err);
}

/// The directory that holds path ("." for a bare file name). Not collective.
std::string directory_of(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

/// A hidden temporary name next to path: "<dir>/.<name>.tmp-<pid>-<random>". Not collective.
std::string temporary_name(const std::string& path) {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  const std::filesystem::path p(path);
  char suffix[48];
  std::snprintf(suffix, sizeof suffix, ".tmp-%ld-%016llx", static_cast<long>(getpid()),
                static_cast<unsigned long long>(engine()));
  const std::string name = "." + p.filename().string() + suffix;
  return (p.parent_path() / name).string();
}

/// Appends two spaces per nesting level. Not collective.
void indent(std::string& out, int depth) {
  out.append(static_cast<std::size_t>(2 * depth), ' ');
}

}  // namespace

// ---- JsonObject -----------------------------------------------------------------------------------------

JsonObject& JsonObject::set(const std::string& key, const std::string& value) {
  return put(key, value);
}
JsonObject& JsonObject::set(const std::string& key, const char* value) {
  return put(key, std::string(value == nullptr ? "" : value));
}
JsonObject& JsonObject::set(const std::string& key, double value) {
  return put(key, value);
}
JsonObject& JsonObject::set(const std::string& key, long long value) {
  return put(key, Integer{std::to_string(value)});
}
JsonObject& JsonObject::set(const std::string& key, unsigned long long value) {
  return put(key, Integer{std::to_string(value)});
}
JsonObject& JsonObject::set(const std::string& key, bool value) {
  return put(key, value);
}
JsonObject& JsonObject::set(const std::string& key, const std::vector<double>& values) {
  return put(key, values);
}
JsonObject& JsonObject::set(const std::string& key, const JsonObject& value) {
  return put(key, std::make_shared<const JsonObject>(value));
}

JsonObject& JsonObject::put(const std::string& key, Value value) {
  for (auto& entry : entries_) {
    if (entry.first == key) {
      entry.second = std::move(value);
      return *this;
    }
  }
  entries_.emplace_back(key, std::move(value));
  return *this;
}

std::string JsonObject::str() const {
  std::string out;
  append_to(out, 0);
  out += '\n';
  return out;
}

void JsonObject::append_to(std::string& out, int depth) const {
  if (entries_.empty()) {
    out += "{}";
    return;
  }
  out += "{\n";
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    indent(out, depth + 1);
    out += json_quote(entries_[i].first);
    out += ": ";
    const Value& value = entries_[i].second;
    if (const auto* s = std::get_if<std::string>(&value)) {
      out += json_quote(*s);
    } else if (const auto* d = std::get_if<double>(&value)) {
      out += json_number(*d);
    } else if (const auto* n = std::get_if<Integer>(&value)) {
      out += n->digits;
    } else if (const auto* b = std::get_if<bool>(&value)) {
      out += *b ? "true" : "false";
    } else if (const auto* a = std::get_if<std::vector<double>>(&value)) {
      out += '[';
      for (std::size_t k = 0; k < a->size(); ++k) {
        if (k > 0) out += ", ";
        out += json_number((*a)[k]);
      }
      out += ']';
    } else {
      std::get<std::shared_ptr<const JsonObject>>(value)->append_to(out, depth + 1);
    }
    out += i + 1 < entries_.size() ? ",\n" : "\n";
  }
  indent(out, depth);
  out += '}';
}

std::string json_quote(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;  // bytes >= 0x80 pass through: UTF-8 stays UTF-8
        }
    }
  }
  out += '"';
  return out;
}

std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  char buf[40];
  const auto result = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general, 17);
  return std::string(buf, result.ptr);
}

// ---- atomic files ----------------------------------------------------------------------------------------

PendingFile::PendingFile(const std::string& final_path) : final_path_(final_path) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp_path_ = temporary_name(final_path_);
    fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ >= 0) return;
    if (errno != EEXIST) break;
  }
  const std::string message =
      os_failure("cannot create a temporary file for", final_path_) + " (tried '" + temp_path_ + "')";
  temp_path_.clear();
  throw Error(ErrorKind::Runtime, message);
}

PendingFile::~PendingFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
}

PendingFile::PendingFile(PendingFile&& other) noexcept
    : final_path_(std::move(other.final_path_)),
      temp_path_(std::move(other.temp_path_)),
      fd_(std::exchange(other.fd_, -1)),
      committed_(std::exchange(other.committed_, true)) {
  other.temp_path_.clear();
}

void PendingFile::write(const std::string& text) {
  const char* data = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw Error(ErrorKind::Runtime,
                  os_failure("cannot write", temp_path_) + " (for '" + final_path_ + "')");
    data += n;
    left -= static_cast<std::size_t>(n);
  }
}

void PendingFile::sync() {
  if (::fsync(fd_) != 0) {
    throw Error(ErrorKind::Runtime, os_failure("cannot fsync", temp_path_) + " (for '" + final_path_ + "')");
  }
}

void PendingFile::commit() {
  if (committed_) return;
  if (::close(std::exchange(fd_, -1)) != 0) {
    throw Error(ErrorKind::Runtime, os_failure("cannot close", temp_path_) + " (for '" + final_path_ + "')");
  }
  if (std::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    throw Error(ErrorKind::Runtime, os_failure("cannot rename '" + temp_path_ + "' to", final_path_));
  }
  committed_ = true;
  // Make the rename itself durable; a directory that cannot be synced (some file systems) is not an error.
  const int dir = ::open(directory_of(final_path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

void write_file_atomically(const std::string& path, const std::string& text) {
  PendingFile file(path);
  file.write(text);
  file.sync();
  file.commit();
}

}  // namespace pigx::io
