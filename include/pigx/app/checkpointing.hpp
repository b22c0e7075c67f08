// Checkpoints of a pigx-solve run: the run's identity, the mapping between the trainer's state and the
// checkpoint file's named values (the schema, see docs/checkpointing.md), and collective load and write.
#pragma once

#include <mpi.h>

#include <ostream>
#include <string>

#include "pigx/app/run_config.hpp"
#include "pigx/io/checkpoint.hpp"
#include "pigx/solve/trainer.hpp"

namespace pigx {

/// The identity of a run: problem, model shape, parameter count and every key that decides the trajectory
/// (all keys except output.*, checkpoint.*, train.max_time, problem.data_dir and problem.reference_file). Not
/// collective. Independent run `run` > 0 (train.ensemble_runs) has an identity of its own.
io::CheckpointIdentity checkpoint_identity(const RunConfig& config, long long parameters, long long run = 0);

/// The checkpoint file of independent run `run` (train.ensemble_runs): `path` itself for run 0, else `path`
/// with ".run<run>" before its extension (checkpoint.h5 -> checkpoint.run1.h5). Not collective.
std::string run_checkpoint_path(const std::string& path, long long run);

/// The checkpoint record of a trainer state. Not collective.
io::Checkpoint to_checkpoint(const TrainState& state, const io::CheckpointIdentity& identity);

/// The trainer state of a checkpoint record; input errors name the file and the missing or bad entry.
/// Not collective.
TrainState from_checkpoint(const io::Checkpoint& checkpoint);

/// Collective: reads the checkpoint at path on every rank and checks that it belongs to `expected`; a
/// missing, corrupt or foreign checkpoint throws the same input error (naming the file and what was
/// expected) on every rank.
TrainState load_checkpoint(MPI_Comm comm, const std::string& path, const io::CheckpointIdentity& expected);

/// Collective sink for Trainer::set_checkpointing: rank 0 writes the state atomically to path, then every
/// rank waits for it. Testing hooks (environment): PIGX_TEST_KILL_AFTER_ITERATION=n raises SIGKILL on every
/// rank once the checkpoint of iteration n is complete; PIGX_TEST_KILL_DURING_CHECKPOINT=n does so while
/// the checkpoint of iteration n is half written.
CheckpointSink checkpoint_writer(MPI_Comm comm, const std::string& path,
                                 const io::CheckpointIdentity& identity, std::ostream& log);

}  // namespace pigx
