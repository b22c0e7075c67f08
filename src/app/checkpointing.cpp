// The checkpoint schema of pigx-solve (TrainState <-> named values) and its collective load and write.
#include "pigx/app/checkpointing.hpp"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

#include "pigx/core/error.hpp"
#include "pigx/parallel/mpi_check.hpp"

namespace pigx {
namespace {

/// The integer value of environment variable `name`, or -1 when it is unset or not a number. Not collective.
long long env_iteration(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return -1;
  char* end = nullptr;
  const long long n = std::strtoll(v, &end, 10);
  return *end == '\0' ? n : -1;
}

/// True for keys that do not change the trajectory of a run (so a restart may change them). Not collective.
bool outside_identity(const std::string& key) {
  return key.rfind("output.", 0) == 0 || key.rfind("checkpoint.", 0) == 0 || key == "train.max_time" ||
         key == "train.ensemble_keep" || key == "problem.data_dir" || key == "problem.reference_file";
}

/// True for a key added after checkpoints existed, at its default: left out of the identity, so that the
/// checkpoints written before it still resume. Not collective.
bool added_later_at_default(const std::string& key, const std::string& value) {
  static const std::map<std::string, std::string> defaults = {{"train.ensemble_sets", "0"},
                                                              {"train.ensemble_runs", "1"},
                                                              {"model.hard_boundary", "0"},
                                                              {"model.hard_boundary_growth", "0"},
                                                              {"model.hard_boundary_layer", "diffusive"},
                                                              {"model.initial_lift", "0"},
                                                              {"loss.residual_time_decay", "0"},
                                                              {"sampling.adaptive_initial", "false"},
                                                              {"sampling.time_margin", "0"},
                                                              {"train.lm_gram", "double"},
                                                              {"model.grid_offsets", "aligned"}};
  const auto it = defaults.find(key);
  return it != defaults.end() && it->second == value;
}

}  // namespace

io::CheckpointIdentity checkpoint_identity(const RunConfig& c, long long parameters, long long run) {
  io::CheckpointIdentity id;
  id.problem = c.problem;
  const ModelSpec& m = c.model;
  std::ostringstream model;
  model << "dim " << m.dim << ", outputs " << m.outputs << ", channels " << m.channels << ", gaussians "
        << m.gaussians_per_channel << ", covariance "
        << (m.covariance == Covariance::Diagonal ? "diagonal" : "full") << ", hidden ";
  for (std::size_t i = 0; i < m.hidden.size(); ++i) model << (i ? "," : "") << m.hidden[i];
  model << ", activation " << (m.activation == Activation::Tanh ? "tanh" : "sin");
  // Gaussian models keep the identity they had before the multigrid keys existed (those keys do not
  // change their trajectory), so their older checkpoints still resume.
  const bool gaussian = m.encoder == EncoderKind::Gaussian;
  if (!gaussian) {
    model << ", encoder " << encoder_name(m.encoder) << ", grid levels " << m.grid_levels << ", grid cells ";
    for (std::size_t i = 0; i < m.grid_cells.size(); ++i) model << (i ? "," : "") << m.grid_cells[i];
    if (m.grid_staggered) model << ", staggered grids";
  }
  if (m.hard_boundary > 0) model << ", hard boundary power " << m.hard_boundary;
  if (m.hard_boundary_growth > 0) model << ", wall layer growth " << m.hard_boundary_growth;
  if (m.hard_boundary_layer_order == 1) model << " (linear)";
  if (m.initial_lift > 0) model << ", initial lift decay " << m.initial_lift;
  id.model = model.str();
  id.parameters = parameters;
  for (const auto& [key, value] : c.effective)
    if (!outside_identity(key) && !added_later_at_default(key, value) &&
        !(gaussian && (key == "model.encoder" || key.rfind("model.grid_", 0) == 0)))
      id.config += key + " = " + value + "\n";
  if (run > 0) id.config += "independent run = " + std::to_string(run) + "\n";
  return id;
}

std::string run_checkpoint_path(const std::string& path, long long run) {
  if (run == 0) return path;
  const std::filesystem::path p(path);
  return (p.parent_path() / (p.stem().string() + ".run" + std::to_string(run) + p.extension().string()))
      .string();
}

io::Checkpoint to_checkpoint(const TrainState& s, const io::CheckpointIdentity& identity) {
  io::Checkpoint c;
  c.identity = identity;
  c.arrays["theta"] = s.theta;
  c.arrays["adam_m"] = s.adam_m;
  c.arrays["adam_v"] = s.adam_v;
  c.arrays["lm_scale"] = s.lm_scale;
  c.arrays["ensemble"] = s.ensemble;
  c.integers["stage"] = s.stage;
  c.integers["stage_position"] = s.stage_position;
  c.integers["iterations"] = s.iterations;
  c.integers["evaluations"] = s.evaluations;
  c.integers["jacobian_evaluations"] = s.jacobian_evaluations;
  c.integers["sampling_round"] = static_cast<long long>(s.round);
  c.integers["rollbacks"] = s.rollbacks;
  c.integers["complete"] = s.complete ? 1 : 0;
  c.integers["adam_steps"] = s.adam_steps;
  c.reals["lr_scale"] = s.lr_scale;
  c.reals["lm_damping"] = s.lm_damping;
  c.reals["lm_growth"] = s.lm_growth;
  c.strings["stage_type"] = s.stage_type;
  c.strings["stop_reason"] = s.stop_reason;
  return c;
}

TrainState from_checkpoint(const io::Checkpoint& c) {
  TrainState s;
  s.theta = c.array("theta");
  s.adam_m = c.array("adam_m");
  s.adam_v = c.array("adam_v");
  s.lm_scale = c.array("lm_scale");
  if (c.arrays.count("ensemble")) s.ensemble = c.array("ensemble");  // absent in older checkpoints
  s.stage = c.integer("stage");
  s.stage_position = c.integer("stage_position");
  s.iterations = c.integer("iterations");
  s.evaluations = c.integer("evaluations");
  s.jacobian_evaluations = c.integer("jacobian_evaluations");
  const long long round = c.integer("sampling_round");
  s.rollbacks = c.integer("rollbacks");
  s.complete = c.integer("complete") != 0;
  s.adam_steps = c.integer("adam_steps");
  s.lr_scale = c.real("lr_scale");
  s.lm_damping = c.real("lm_damping");
  s.lm_growth = c.real("lm_growth");
  s.stage_type = c.string("stage_type");
  s.stop_reason = c.string("stop_reason");
  const auto n = static_cast<std::size_t>(c.identity.parameters);
  const std::string file = "checkpoint file '" + c.source + "'";
  PIGX_CHECK_INPUT(s.theta.size() == n, file, ": /state/theta has ", s.theta.size(), " entries, expected ",
                   n);
  PIGX_CHECK_INPUT(s.adam_m.empty() || (s.adam_m.size() == n && s.adam_v.size() == n), file,
                   ": Adam's moments have ", s.adam_m.size(), " and ", s.adam_v.size(), " entries, expected ",
                   n);
  PIGX_CHECK_INPUT(s.lm_scale.empty() || s.lm_scale.size() == n, file, ": /state/lm_scale has ",
                   s.lm_scale.size(), " entries, expected ", n);
  PIGX_CHECK_INPUT(n > 0 && s.ensemble.size() % n == 0, file, ": /state/ensemble has ", s.ensemble.size(),
                   " entries, expected a multiple of ", n);
  PIGX_CHECK_INPUT(s.stage >= 0 && s.stage_position >= 0 && s.iterations >= 0 && round >= 0 && s.lr_scale > 0,
                   file, ": negative counters or a non-positive learning-rate scale (corrupt checkpoint)");
  s.round = static_cast<std::uint64_t>(round);
  return s;
}

TrainState load_checkpoint(MPI_Comm comm, const std::string& path, const io::CheckpointIdentity& expected) {
  TrainState state;
  std::string error;
  try {
    const io::Checkpoint c = io::read_checkpoint(path);
    io::check_identity(path, c.identity, expected);
    state = from_checkpoint(c);
  } catch (const Error& e) {
    error = e.what();
  }
  int ok = error.empty() ? 1 : 0;
  PIGX_MPI(MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, comm));
  if (!ok)
    throw Error(ErrorKind::Input,
                error.empty() ? "checkpoint file '" + path + "' could not be read on another rank" : error);
  return state;
}

CheckpointSink checkpoint_writer(MPI_Comm comm, const std::string& path,
                                 const io::CheckpointIdentity& identity, std::ostream& log) {
  const long long kill_after = env_iteration("PIGX_TEST_KILL_AFTER_ITERATION");
  const long long kill_during = env_iteration("PIGX_TEST_KILL_DURING_CHECKPOINT");
  return [comm, path, identity, &log, kill_after, kill_during](const TrainState& state) {
    int rank;
    MPI_Comm_rank(comm, &rank);
    // Rank 0 writes; a failure there (disk full, ...) must reach every rank instead of leaving them waiting.
    std::string error;
    if (rank == 0) {
      try {
        std::function<void()> mid_write;
        if (!state.complete && state.iterations == kill_during) mid_write = [] { std::raise(SIGKILL); };
        io::write_checkpoint(path, to_checkpoint(state, identity), mid_write);
        if (!state.stop_reason.empty() || state.complete)
          log << "wrote checkpoint " << path << " at iteration " << state.iterations << "\n";
      } catch (const Error& e) {
        error = e.what();
      }
    }
    int ok = error.empty() ? 1 : 0;
    PIGX_MPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
    if (!ok)
      throw Error(ErrorKind::Runtime,
                  error.empty() ? "writing checkpoint '" + path + "' failed on rank 0" : error);
    if (!state.complete && state.iterations == kill_after) std::raise(SIGKILL);
  };
}

}  // namespace pigx
