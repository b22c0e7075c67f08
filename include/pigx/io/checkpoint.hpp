// Checkpoint files: a run's identity and its state (named integers, reals, strings and arrays of doubles)
// in one HDF5 file, written atomically (temporary file in the same directory, H5Fflush, fsync, rename) so
// that the previous checkpoint stays valid until the new one is complete. The io layer does not know what
// the names mean: the application decides the schema (see docs/checkpointing.md).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace pigx::io {

/// What a checkpoint belongs to; a run only loads a checkpoint of the same identity.
struct CheckpointIdentity {
  std::string problem;       ///< problem type, e.g. "poisson"
  std::string model;         ///< model shape in words, e.g. "dim 2, outputs 1, channels 4, ..."
  long long parameters = 0;  ///< length of the parameter vector
  std::string config;        ///< every key that decides the trajectory, one "key = value" per line

  /// FNV-1a 64-bit hash of `config` as 16 hex digits. Not collective.
  std::string config_hash() const;
};

/// One checkpoint: its identity and a state of named values (names are plain identifiers).
struct Checkpoint {
  CheckpointIdentity identity;
  std::map<std::string, long long> integers;
  std::map<std::string, double> reals;
  std::map<std::string, std::string> strings;
  std::map<std::string, std::vector<double>> arrays;
  std::string source;  ///< the file it was read from (empty when built in memory), for messages

  /// The integer `name`; throws an input error naming the file when it is missing. Not collective.
  long long integer(const std::string& name) const;
  /// The real `name`; throws an input error naming the file when it is missing. Not collective.
  double real(const std::string& name) const;
  /// The string `name`; throws an input error naming the file when it is missing. Not collective.
  const std::string& string(const std::string& name) const;
  /// The array `name`; throws an input error naming the file when it is missing. Not collective.
  const std::vector<double>& array(const std::string& name) const;
};

/// Writes `checkpoint` to `path` atomically: the file at `path` is either the previous checkpoint or the
/// complete new one, never a partial file. `mid_write` (for tests) is called once after part of the
/// temporary file is written and before it is completed. Runtime errors name the path. Not collective:
/// call it on one rank.
void write_checkpoint(const std::string& path, const Checkpoint& checkpoint,
                      const std::function<void()>& mid_write = {});

/// Reads a checkpoint written by write_checkpoint. A missing, unreadable, non-HDF5 or non-checkpoint file
/// or an unknown format version is an input error naming the file and what was expected. Not collective.
Checkpoint read_checkpoint(const std::string& path);

/// Throws an input error naming `path` and every difference (problem, model, parameter count, and each
/// differing config key) when `stored` is not `expected`. Not collective.
void check_identity(const std::string& path, const CheckpointIdentity& stored,
                    const CheckpointIdentity& expected);

}  // namespace pigx::io
