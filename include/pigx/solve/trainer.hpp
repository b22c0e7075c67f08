// Training with TAO: the parameters live in a PETSc MPI Vec, TAO runs on the communicator, and the
// loss comes from the data-parallel evaluation. Stages, resampling and the learning-rate schedule
// are driven from here; PETSc options (-tao_*) reach every stage.
#pragma once

#include <mpi.h>
#include <petscvec.h>

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "pigx/core/collocation.hpp"
#include "pigx/core/test_grid.hpp"
#include "pigx/parallel/data_parallel.hpp"
#include "pigx/solve/residual_jacobian.hpp"
#include "pigx/solve/train_spec.hpp"
#include "pigx/solve/train_state.hpp"

namespace pigx {

struct TaoContext;
class LevenbergMarquardt;

/// Receives a checkpoint; called on every rank with the same state (collective).
using CheckpointSink = std::function<void(const TrainState&)>;

/// What a training run did.
struct TrainReport {
  long long iterations = 0;
  long long evaluations = 0;
  long long jacobian_evaluations = 0;
  double wall_s = 0;
  double loss = 0;
  std::vector<std::string> term_names;
  std::vector<double> term_loss;
  std::string stop_reason;
};

/// Trains one model. Collective over comm in every method.
class Trainer {
 public:
  /// Sets up a trainer; `grid` (may be null) gives the test error in progress lines; `log` is written on rank
  /// 0.
  Trainer(MPI_Comm comm, const Pde& pde, LossFunction& loss, const SamplingSpec& sampling,
          const TrainSpec& spec, const TestGrid* grid, std::ostream& log);
  /// Trains any global loss (e.g. a decomposed one); its communicator is the trainer's.
  Trainer(GlobalLoss& loss, const TrainSpec& spec, const TestGrid* grid, std::ostream& log);
  /// Makes train() continue from `state` (e.g. read from a checkpoint) instead of starting from theta; the
  /// state must come from a run with the same problem, model and TrainSpec. Not collective.
  void resume_from(const TrainState& state);
  /// Hands the state to `sink` after every `every` iterations (0: never), when training stops early and at
  /// the end. Not collective.
  void set_checkpointing(long long every, CheckpointSink sink);
  /// Collective: runs every stage from theta (the full parameter vector, identical on all ranks) and leaves
  /// the final parameters in it.
  /// A non-finite loss or gradient rolls back to the last finite iterate and halves the learning rate (Adam)
  /// or raises the damping (LM); after TrainSpec::max_rollbacks consecutive failures training stops.
  TrainReport train(std::vector<double>& theta);
  /// After train(): with train.ensemble_sets = K > 1, the parameters of the last lm stage's fits to its
  /// last K point sets (oldest first, the last one equal to the final theta); empty otherwise.
  const std::vector<std::vector<double>>& ensemble() const { return ensemble_; }

  /// Called by the TAO callbacks (public for them only).
  double objective(const double* theta, double* grad);
  /// Called by the TAO monitor after every iteration.
  void monitor(long long stage_iteration, double f);
  /// Called by the TAO residual callbacks: linearises the loss at the full parameter vector theta unless it
  /// already is (the same rows serve the residual and the Jacobian) and returns the rows.
  const ResidualRows& linearise(const std::vector<double>& theta);
  /// True once the wall-clock limit is reached.
  bool out_of_time() const;

 private:
  // Each runs one stage from the parameters in x, starting `pos` iterations into it, and leaves its result
  // there; true means stop training.
  bool run_lm_stage(const StageSpec& stage, long long every, long long pos, Vec x, TaoContext& ctx,
                    std::string& reason);
  bool run_tao_stage(const StageSpec& stage, long long every, long long pos, Vec x, TaoContext& ctx,
                     std::string& reason);
  // Ensemble (TrainSpec::ensemble_sets): keeps theta (full vector) as the newest member, dropping the
  // oldest; a repeat of the newest is not kept again.
  void keep_member(const std::vector<double>& theta);
  std::vector<double> flat_ensemble() const;
  // Gauss-Newton stage ("gn"): points the Tao's residual and Jacobian routines at the current rows.
  void set_residual_routines(void* tao, Vec x, TaoContext& ctx);
  // Gauss-Newton stage: damping, growth and scaling of the Tao (full scaling vector, on every rank).
  void gn_state(double& mu, double& nu, std::vector<double>& scaling);
  static void scatter_to_vec(const std::vector<double>& theta, Vec x);
  /// Draws the next sampling round; theta (full parameter vector or null) guides adaptive sampling.
  void resample(const double* theta);
  /// The same at the distributed parameters x, gathered through the context's scratch.
  void resample_at(Vec x, TaoContext& ctx);
  double elapsed() const;
  // Divergence guard: records the current iterate as the last finite one / counts a failure (false: give up).
  void remember_good(long long stage_iteration);
  bool count_failure(long long at_iteration, std::string& reason);
  // The state after `stage_position` iterations of the current stage (collective: gathers Adam's moments).
  TrainState capture(long long stage_position, long long iterations);
  void checkpoint(const TrainState& state);
  long long evaluations() const;

  const double* view(const std::vector<double>& full) const { return full.data() + gl_.view_begin(); }

  SamplingSpec sampling_;
  std::unique_ptr<DataParallelLoss> own_;  // the data-parallel loss of the single-model constructor
  GlobalLoss& gl_;
  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  TrainSpec spec_;
  const TestGrid* grid_;
  std::ostream& log_;
  std::chrono::steady_clock::time_point start_;
  std::uint64_t round_ = 0;   // next sampling round (the current points are round_ - 1)
  long long done_ = 0;        // iterations completed before the current solver call
  long long stage_done_ = 0;  // of those, in the current stage
  std::size_t stage_index_ = 0;
  long long planned_ = 0;  // iterations of all stages
  long long jacobians_ = 0, evaluation_offset_ = 0;
  void* tao_ = nullptr;               // current Tao (for the learning-rate schedule and state)
  LevenbergMarquardt* lm_ = nullptr;  // current LM solver
  TaoContext* ctx_ = nullptr;
  std::vector<double> theta_, grad_, term_loss_;  // LM stage: full theta_; TAO stages: the view
  std::vector<std::vector<double>> ensemble_;     // LM fits to the last point sets, oldest first
  // Gauss-Newton stage: the rows at rows_theta_ (full vector; empty: none yet), J's shell and residual Vec.
  ResidualRows rows_;
  std::vector<double> rows_theta_;
  std::unique_ptr<ResidualJacobian> jacobian_;
  Vec residual_ = nullptr;
  std::string stage_type_;
  // Resuming and checkpoints.
  bool resume_ = false;
  TrainState resume_state_;
  long long checkpoint_every_ = 0;
  CheckpointSink sink_;
  // Divergence guard: the last finite iterate (Vecs for TAO stages, host copies for LM) and the counters.
  bool have_good_ = false;
  Vec good_x_ = nullptr, good_m_ = nullptr, good_v_ = nullptr;
  PetscInt good_steps_ = 0;
  std::vector<double> good_theta_, good_scale_;
  double good_mu_ = 0, good_nu_ = 0;
  long long good_pos_ = 0, good_done_ = 0;
  double lr_scale_ = 1;
  long long rollbacks_ = 0;
  int failures_ = 0;
};

}  // namespace pigx
