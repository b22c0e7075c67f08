// A minimal ordered JSON object writer for run summaries, and crash-safe (atomic) file output.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace pigx::io {

/// A JSON object whose keys keep their insertion order; values are strings, numbers, booleans, arrays of
/// doubles or nested objects.
class JsonObject {
 public:
  /// Adds a key with a string value (setting an existing key replaces its value in place). Not collective.
  JsonObject& set(const std::string& key, const std::string& value);
  /// Adds a key with a string value (keeps string literals from turning into bools). Not collective.
  JsonObject& set(const std::string& key, const char* value);
  /// Adds a key with a floating-point value (non-finite values serialise as null). Not collective.
  JsonObject& set(const std::string& key, double value);
  /// Adds a key with an integer value, written exactly. Not collective.
  JsonObject& set(const std::string& key, long long value);
  /// Adds a key with an integer value, written exactly. Not collective.
  JsonObject& set(const std::string& key, int value) { return set(key, static_cast<long long>(value)); }
  /// Adds a key with an integer value, written exactly. Not collective.
  JsonObject& set(const std::string& key, long value) { return set(key, static_cast<long long>(value)); }
  /// Adds a key with an unsigned integer value (e.g. a size), written exactly. Not collective.
  JsonObject& set(const std::string& key, unsigned long long value);
  /// Adds a key with an unsigned integer value (e.g. a size), written exactly. Not collective.
  JsonObject& set(const std::string& key, unsigned long value) {
    return set(key, static_cast<unsigned long long>(value));
  }
  /// Adds a key with an unsigned integer value, written exactly. Not collective.
  JsonObject& set(const std::string& key, unsigned value) {
    return set(key, static_cast<unsigned long long>(value));
  }
  /// Adds a key with a boolean value. Not collective.
  JsonObject& set(const std::string& key, bool value);
  /// Adds a key with an array of doubles (written on one line; non-finite entries as null). Not collective.
  JsonObject& set(const std::string& key, const std::vector<double>& values);
  /// Adds a key with a nested object (copied). Not collective.
  JsonObject& set(const std::string& key, const JsonObject& value);

  /// True when no key was set. Not collective.
  bool empty() const { return entries_.empty(); }
  /// Serialises with 2-space indentation; doubles with 17 significant digits, non-finite doubles as null.
  /// Not collective.
  std::string str() const;

 private:
  /// An integer already rendered as its exact decimal digits.
  struct Integer {
    std::string digits;
  };
  using Value = std::variant<std::string, double, Integer, bool, std::vector<double>,
                             std::shared_ptr<const JsonObject>>;

  /// Replaces the value of key, or appends key at the end. Not collective.
  JsonObject& put(const std::string& key, Value value);
  /// Appends this object's text at the given nesting depth. Not collective.
  void append_to(std::string& out, int depth) const;

  std::vector<std::pair<std::string, Value>> entries_;
};

/// Returns text as a quoted JSON string with quotes, backslashes and control characters escaped. Not
/// collective.
std::string json_quote(const std::string& text);

/// Formats a double as JSON: 17 significant digits (locale-independent), null when not finite. Not
/// collective.
std::string json_number(double value);

/// Writes text to path atomically (temporary file in the same directory, flush, fsync, rename). Not
/// collective: call it on one rank.
void write_file_atomically(const std::string& path, const std::string& text);

/// A file being written under a unique temporary name in the directory of its final path; commit() renames
/// it into place, and destroying it uncommitted removes the temporary file. Move-only.
class PendingFile {
 public:
  /// Creates an empty temporary file next to final_path; throws pigx::Error naming the path. Not
  /// collective.
  explicit PendingFile(const std::string& final_path);
  /// Removes the temporary file unless commit() succeeded. Not collective.
  ~PendingFile();
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;
  /// Takes over other's temporary file. Not collective.
  PendingFile(PendingFile&& other) noexcept;
  PendingFile& operator=(PendingFile&&) = delete;

  /// The temporary file's path (other writers, e.g. HDF5, may fill it by name). Not collective.
  const std::string& temp_path() const { return temp_path_; }
  /// The path the file gets on commit(). Not collective.
  const std::string& final_path() const { return final_path_; }
  /// Appends text to the temporary file; throws pigx::Error on a short or failed write. Not collective.
  void write(const std::string& text);
  /// Flushes the temporary file's contents to disk (fsync), whoever wrote them. Not collective.
  void sync();
  /// Renames the temporary file onto the final path and syncs the directory. Not collective.
  void commit();

 private:
  std::string final_path_;
  std::string temp_path_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace pigx::io
