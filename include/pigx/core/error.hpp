// The single error path of pigx: every failure becomes a pigx::Error carrying where and why.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace pigx {

/// Kind of failure, mapped to the exit code of the programs (input errors exit with 2).
enum class ErrorKind { Input, Runtime };

/// Exception thrown for every pigx failure; what() names the cause, key and value where known.
class Error : public std::runtime_error {
 public:
  /// Creates an error of the given kind with a complete message.
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  /// Input errors (bad config, bad data) versus runtime failures.
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

/// Throws an input error naming the key, the offending value and what was expected.
[[noreturn]] inline void throw_input_error(const std::string& key, const std::string& value,
                                           const std::string& expected) {
  throw Error(ErrorKind::Input, "invalid value '" + value + "' for key '" + key + "': expected " + expected);
}

/// Builds a message from stream pieces.
template <class... Args>
std::string cat(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}

}  // namespace pigx

/// Checks a condition; on failure throws a runtime pigx::Error with file, line and message.
#define PIGX_CHECK(cond, ...)                                                       \
  do {                                                                              \
    if (!(cond))                                                                    \
      throw ::pigx::Error(::pigx::ErrorKind::Runtime,                               \
                          ::pigx::cat(__FILE__, ":", __LINE__, ": ", __VA_ARGS__)); \
  } while (0)

/// Checks an input condition; on failure throws an input pigx::Error (exit code 2 in the apps).
#define PIGX_CHECK_INPUT(cond, ...)                                                       \
  do {                                                                                    \
    if (!(cond)) throw ::pigx::Error(::pigx::ErrorKind::Input, ::pigx::cat(__VA_ARGS__)); \
  } while (0)
