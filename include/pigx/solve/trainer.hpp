// Training with TAO: the parameters live in a PETSc MPI Vec, TAO runs on the communicator, and the
// loss comes from the data-parallel evaluation. Stages, resampling and the learning-rate schedule
// are driven from here; PETSc options (-tao_*) reach every stage.
#pragma once

#include <mpi.h>
#include <petscvec.h>

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "pigx/core/collocation.hpp"
#include "pigx/core/test_grid.hpp"
#include "pigx/parallel/data_parallel.hpp"
#include "pigx/solve/train_spec.hpp"

namespace pigx {

struct TaoContext;

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
  /// Collective: runs every stage from theta (identical on all ranks) and leaves the final parameters in it.
  TrainReport train(std::vector<double>& theta);

  /// Called by the TAO callbacks (public for them only).
  double objective(const double* theta, double* grad);
  /// Called by the TAO monitor after every iteration.
  void monitor(long long stage_iteration, double f);
  /// True once the wall-clock limit is reached.
  bool out_of_time() const;

 private:
  // Each runs one stage from the parameters in x and leaves its result there; true means stop training.
  bool run_lm_stage(const StageSpec& stage, long long every, Vec x, TaoContext& ctx, std::string& reason);
  bool run_tao_stage(const StageSpec& stage, long long every, Vec x, TaoContext& ctx, std::string& reason);
  static void scatter_to_vec(const std::vector<double>& theta, Vec x);
  void resample();
  double elapsed() const;

  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  const Pde& pde_;
  LossFunction& loss_;
  DataParallelLoss dp_;
  SamplingSpec sampling_;
  TrainSpec spec_;
  const TestGrid* grid_;
  std::ostream& log_;
  std::chrono::steady_clock::time_point start_;
  std::uint64_t round_ = 0;
  long long done_ = 0;     // iterations completed in earlier chunks
  long long planned_ = 0;  // iterations of all stages
  long long jacobians_ = 0;
  void* tao_ = nullptr;  // current Tao (for the learning-rate schedule)
  std::vector<double> theta_, grad_, term_loss_, last_good_;
  bool have_good_ = false;
  std::string stage_type_;
};

}  // namespace pigx
