#include "pigx/solve/trainer.hpp"

#include <petsctao.h>

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <limits>
#include <sstream>

#include "pigx/solve/levenberg_marquardt.hpp"
#include "pigx/solve/petsc_check.hpp"
#include "pigx/solve/tao_adam.hpp"
#include "pigx/solve/tao_gauss_newton.hpp"
#include "pigx/solve/tao_linear_lsq.hpp"

namespace pigx {

/// What TAO's callbacks need: the trainer, a scatter of the distributed parameters to every rank (full) and
/// one to the slice the loss reads (view, starting at view_begin).
struct TaoContext {
  Trainer* trainer;
  VecScatter to_all;
  Vec full;
  VecScatter to_view;
  Vec view;
  PetscInt view_begin;
  std::vector<double>* theta;
  std::vector<double>* grad;
  std::vector<double> all_theta;  // scratch: the full parameter vector for the residual routines
};

namespace {

// Copies a distributed Vec into a full-length host array on every rank.
PetscErrorCode gather(VecScatter scatter, Vec x, Vec to, std::vector<double>& out) {
  PetscFunctionBeginUser;
  PetscCall(VecScatterBegin(scatter, x, to, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(scatter, x, to, INSERT_VALUES, SCATTER_FORWARD));
  const PetscScalar* a;
  PetscInt n;
  PetscCall(VecGetLocalSize(to, &n));
  PetscCall(VecGetArrayRead(to, &a));
  out.assign(a, a + n);
  PetscCall(VecRestoreArrayRead(to, &a));
  PetscFunctionReturn(0);
}

// Copies a distributed Vec into a full-length host array on every rank, through the context's scatter.
PetscErrorCode gather_all(TaoContext* c, Vec x, std::vector<double>& out) {
  return gather(c->to_all, x, c->full, out);
}

// f at x, and the gradient into g unless g is null.
PetscErrorCode evaluate(TaoContext* c, Vec x, PetscReal* f, Vec g) {
  PetscFunctionBeginUser;
  PetscCall(gather(c->to_view, x, c->view, *c->theta));
  try {
    *f = c->trainer->objective(c->theta->data(), g ? c->grad->data() : nullptr);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  if (!g) PetscFunctionReturn(0);
  PetscInt lo, hi;
  PetscCall(VecGetOwnershipRange(g, &lo, &hi));
  PetscScalar* ga;
  PetscCall(VecGetArray(g, &ga));
  for (PetscInt i = lo; i < hi; ++i) ga[i - lo] = (*c->grad)[i - c->view_begin];
  PetscCall(VecRestoreArray(g, &ga));
  PetscFunctionReturn(0);
}

PetscErrorCode objective_and_gradient(Tao, Vec x, PetscReal* f, Vec g, void* ctx) {
  return evaluate(static_cast<TaoContext*>(ctx), x, f, g);
}

PetscErrorCode monitor_callback(Tao tao, void* ctx) {
  PetscFunctionBeginUser;
  auto* c = static_cast<TaoContext*>(ctx);
  PetscInt it;
  PetscReal f, gnorm, cnorm, xdiff;
  TaoConvergedReason reason;
  PetscCall(TaoGetSolutionStatus(tao, &it, &f, &gnorm, &cnorm, &xdiff, &reason));
  try {
    c->trainer->monitor(it, f);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  PetscFunctionReturn(0);
}

PetscErrorCode objective_only(Tao, Vec x, PetscReal* f, void* ctx) {
  return evaluate(static_cast<TaoContext*>(ctx), x, f, nullptr);
}

// The rows at x: the residual and Jacobian routines share one linearisation at the current point.
PetscErrorCode rows_at(void* ctx, Vec x, const ResidualRows** rows) {
  PetscFunctionBeginUser;
  auto* c = static_cast<TaoContext*>(ctx);
  PetscCall(gather_all(c, x, c->all_theta));
  try {
    *rows = &c->trainer->linearise(c->all_theta);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  PetscFunctionReturn(0);
}

PetscErrorCode residual_callback(Tao, Vec x, Vec r, void* ctx) {
  const ResidualRows* rows;
  PetscInt n;
  PetscScalar* a;
  PetscFunctionBeginUser;
  PetscCall(rows_at(ctx, x, &rows));
  PetscCall(VecGetLocalSize(r, &n));
  PetscCheck(n == rows->rows(), PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "the residual vector has %" PetscInt_FMT " local rows, the loss %lld", n, rows->rows());
  PetscCall(VecGetArray(r, &a));
  std::copy(rows->r.begin(), rows->r.end(), a);
  PetscCall(VecRestoreArray(r, &a));
  PetscFunctionReturn(0);
}

PetscErrorCode jacobian_callback(Tao, Vec x, Mat J, Mat, void* ctx) {
  const ResidualRows* rows;
  ResidualJacobian* jac = nullptr;
  PetscFunctionBeginUser;
  PetscCall(rows_at(ctx, x, &rows));
  PetscCall(MatShellGetContext(J, &jac));
  try {
    jac->set_rows(*rows);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  PetscFunctionReturn(0);
}

// TAO's default tests plus the wall-clock limit.
PetscErrorCode convergence_test(Tao tao, void* ctx) {
  PetscFunctionBeginUser;
  PetscCall(TaoDefaultConvergenceTest(tao, nullptr));
  TaoConvergedReason reason;
  PetscCall(TaoGetConvergedReason(tao, &reason));
  if (reason == TAO_CONTINUE_ITERATING && static_cast<TaoContext*>(ctx)->trainer->out_of_time())
    PetscCall(TaoSetConvergedReason(tao, TAO_CONVERGED_USER));
  PetscFunctionReturn(0);
}

std::string fmt(double v) {
  std::ostringstream os;
  os << std::scientific << std::setprecision(3) << v;
  return os.str();
}

}  // namespace

Trainer::Trainer(MPI_Comm comm, const Pde& pde, LossFunction& loss, const SamplingSpec& sampling,
                 const TrainSpec& spec, const TestGrid* grid, std::ostream& log)
    : sampling_(sampling),
      own_(std::make_unique<DataParallelLoss>(comm, loss, &sampling_)),
      gl_(*own_),
      comm_(comm),
      spec_(spec),
      grid_(grid),
      log_(log) {
  PIGX_CHECK(&loss.pde() == &pde, "the trainer's PDE is not the loss function's");
  MPI_Comm_rank(comm, &rank_);
  MPI_Comm_size(comm, &size_);
  for (const auto& s : spec.stages) planned_ += s.iterations;
}

Trainer::Trainer(GlobalLoss& loss, const TrainSpec& spec, const TestGrid* grid, std::ostream& log)
    : gl_(loss), comm_(loss.comm()), spec_(spec), grid_(grid), log_(log) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
  for (const auto& s : spec.stages) planned_ += s.iterations;
}

void Trainer::resume_from(const TrainState& state) {
  resume_ = true;
  resume_state_ = state;
}

void Trainer::set_checkpointing(long long every, CheckpointSink sink) {
  checkpoint_every_ = every;
  sink_ = std::move(sink);
}

double Trainer::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

bool Trainer::out_of_time() const {
  // Every rank must agree, so the decision uses rank 0's clock.
  int stop = spec_.max_time > 0 && elapsed() >= spec_.max_time;
  MPI_Bcast(&stop, 1, MPI_INT, 0, comm_);
  return stop != 0;
}

void Trainer::resample(const double* theta) {
  gl_.resample(spec_.seed, round_++, theta);
  rows_theta_.clear();  // new points, new rows
}

void Trainer::resample_at(Vec x, TaoContext& ctx) {
  PIGX_PETSC(gather_all(&ctx, x, ctx.all_theta));
  resample(ctx.all_theta.data());
}

long long Trainer::evaluations() const {
  return evaluation_offset_ + gl_.evaluations();
}

double Trainer::objective(const double* theta, double* grad) {
  double f = gl_.evaluate(theta, grad, term_loss_);
  const long long k = evaluations();
  if (spec_.inject_nan_at_evaluation > 0 && k >= spec_.inject_nan_at_evaluation &&
      k < spec_.inject_nan_at_evaluation + spec_.inject_nan_count) {
    f = std::numeric_limits<double>::quiet_NaN();
    if (grad) grad[0] = f;
  }
  return f;
}

void Trainer::remember_good(long long stage_iteration) {
  good_pos_ = stage_done_ + stage_iteration;
  good_done_ = done_ + stage_iteration;
  if (lm_) {
    good_theta_ = theta_;
    good_mu_ = lm_->damping();
    good_nu_ = lm_->damping_growth();
    good_scale_ = lm_->scaling();
  } else if (tao_) {
    Tao tao = static_cast<Tao>(tao_);
    Vec x;
    PIGX_PETSC(TaoGetSolution(tao, &x));
    PIGX_PETSC(VecCopy(x, good_x_));
    if (stage_type_ == "gn") gn_state(good_mu_, good_nu_, good_scale_);
    if (stage_type_ == "adam") {
      Vec m, v;
      PIGX_PETSC(tao_adam_get_state(tao, &m, &v, &good_steps_));
      if (m && v) {
        PIGX_PETSC(VecCopy(m, good_m_));
        PIGX_PETSC(VecCopy(v, good_v_));
      } else {
        PIGX_PETSC(VecSet(good_m_, 0.0));
        PIGX_PETSC(VecSet(good_v_, 0.0));
      }
    }
  }
  have_good_ = true;
  if (stage_iteration > 0) failures_ = 0;
}

bool Trainer::count_failure(long long at_iteration, std::string& reason) {
  ++failures_;
  ++rollbacks_;
  if (!have_good_ || failures_ > spec_.max_rollbacks) {
    std::ostringstream os;
    os << "diverged: non-finite loss or gradient " << failures_ << " times in a row (last at iteration "
       << at_iteration << "); kept the last finite iterate (iteration " << good_done_ << ")";
    reason = os.str();
    if (rank_ == 0) log_ << "stopping: " << reason << "\n";
    return false;
  }
  if (rank_ == 0)
    log_ << "non-finite loss or gradient at iteration " << at_iteration << " [" << stage_type_
         << "]: rolled back to iteration " << good_done_ << " and "
         << (lm_ ? "raised the damping" : "halved the learning rate") << " (rollback " << failures_
         << " of at most " << spec_.max_rollbacks << ")\n"
         << std::flush;
  return true;
}

TrainState Trainer::capture(long long stage_position, long long iterations) {
  TrainState s;
  s.stage = static_cast<long long>(stage_index_);
  s.stage_type = stage_type_;
  s.stage_position = stage_position;
  s.iterations = iterations;
  s.evaluations = evaluations();
  s.round = round_ - 1;
  s.lr_scale = lr_scale_;
  s.rollbacks = rollbacks_;
  s.ensemble = flat_ensemble();
  if (lm_) {
    s.theta = theta_;
    s.jacobian_evaluations = jacobians_ + lm_->jacobians();
    s.lm_damping = lm_->damping();
    s.lm_growth = lm_->damping_growth();
    s.lm_scale = lm_->scaling();
  } else {
    s.jacobian_evaluations = jacobians_;
    Tao tao = static_cast<Tao>(tao_);
    Vec x;
    PIGX_PETSC(TaoGetSolution(tao, &x));
    PIGX_PETSC(gather_all(ctx_, x, s.theta));
    if (stage_type_ == "gn") {
      PetscInt jac;
      PIGX_PETSC(tao_gn_get_jacobians(tao, &jac));
      s.jacobian_evaluations += jac;
      gn_state(s.lm_damping, s.lm_growth, s.lm_scale);
    }
    if (stage_type_ == "adam") {
      Vec m, v;
      PetscInt steps;
      PIGX_PETSC(tao_adam_get_state(tao, &m, &v, &steps));
      s.adam_steps = steps;
      if (m && v) {
        PIGX_PETSC(gather_all(ctx_, m, s.adam_m));
        PIGX_PETSC(gather_all(ctx_, v, s.adam_v));
      } else {
        s.adam_m.assign(s.theta.size(), 0.0);
        s.adam_v.assign(s.theta.size(), 0.0);
      }
    }
  }
  return s;
}

void Trainer::checkpoint(const TrainState& state) {
  if (sink_ && checkpoint_every_ > 0) sink_(state);
}

void Trainer::monitor(long long stage_iteration, double f) {
  const long long it = done_ + stage_iteration;
  if (!std::isfinite(f)) return;  // the stage loops roll back
  remember_good(stage_iteration);
  if (tao_) {
    const double lr = spec_.learning_rate * lr_scale_ *
                      std::pow(spec_.lr_decay, static_cast<double>(it / spec_.lr_decay_every));
    PIGX_PETSC(tao_adam_set_learning_rate(static_cast<Tao>(tao_), lr));
  }
  if (checkpoint_every_ > 0 && stage_iteration > 0 && it % checkpoint_every_ == 0)
    checkpoint(capture(stage_done_ + stage_iteration, it));
  if (spec_.progress_every <= 0 || it % spec_.progress_every != 0 || stage_iteration == 0) return;
  const bool with_test = grid_ && spec_.test_every > 0 && it % spec_.test_every == 0;
  const double* at = lm_ ? view(theta_) : theta_.data();  // LM holds the full vector, TAO the view
  const double err = with_test ? gl_.test_error(at, *grid_, nullptr) : NAN;
  if (rank_ != 0) return;
  const double t = elapsed();
  double left = it > 0 ? t / it * (planned_ - it) : 0;
  if (spec_.max_time > 0) left = std::min(left, spec_.max_time - t);
  std::ostringstream os;
  const std::vector<std::string> names = gl_.term_names();
  os << "it " << std::setw(6) << it << " [" << stage_type_ << "]  loss " << fmt(f);
  for (std::size_t k = 0; k < term_loss_.size(); ++k) os << "  " << names[k] << " " << fmt(term_loss_[k]);
  os << "  test_rel_l2 " << (with_test ? fmt(err) : std::string("-")) << "  elapsed " << std::fixed
     << std::setprecision(1) << t << " s  left " << std::max(0.0, left) << " s\n";
  log_ << os.str() << std::flush;
}

std::vector<double> Trainer::flat_ensemble() const {
  std::vector<double> flat;
  for (const auto& m : ensemble_) flat.insert(flat.end(), m.begin(), m.end());
  return flat;
}

void Trainer::keep_member(const std::vector<double>& theta) {
  if (spec_.ensemble_sets <= 1 || (!ensemble_.empty() && ensemble_.back() == theta)) return;  // kept already
  if (static_cast<long long>(ensemble_.size()) == spec_.ensemble_sets) ensemble_.erase(ensemble_.begin());
  ensemble_.push_back(theta);
}

bool Trainer::run_lm_stage(const StageSpec& stage, long long every, long long pos, Vec x, TaoContext& ctx,
                           std::string& reason_text) {
  // Levenberg-Marquardt is pigx's own loop (it needs residuals and the Jacobian, not TAO's callbacks).
  PIGX_PETSC(gather_all(&ctx, x, theta_));
  LevenbergMarquardt lm(gl_, spec_.lm_gram);
  if (resume_ && !resume_state_.lm_scale.empty())
    lm.set_state(resume_state_.lm_damping, resume_state_.lm_growth, resume_state_.lm_scale);
  lm_ = &lm;
  stage_done_ = pos;
  remember_good(0);
  bool stop = false;
  while (pos < stage.iterations && !stop) {
    const long long chunk_end =
        every > 0 ? std::min(stage.iterations, (pos / every + 1) * every) : stage.iterations;
    stage_done_ = pos;
    bool bad = false;
    const long long its = lm.run(theta_, chunk_end - pos, [&](long long step, double f) {
      bool finite = std::isfinite(f);
      for (double v : theta_) finite = finite && std::isfinite(v);
      if (!finite) return !(bad = true);
      term_loss_ = lm.term_loss();
      monitor(step, f);
      if (out_of_time()) stop = true, reason_text = "time limit";
      return !stop;
    });
    if (bad) {
      const bool go_on = count_failure(done_ + its, reason_text);
      theta_ = good_theta_;
      lm.set_state(go_on ? good_mu_ * 10 : good_mu_, good_nu_, good_scale_);
      pos = good_pos_, done_ = good_done_;
      if (!go_on) stop = true;
      continue;
    }
    done_ += its;
    pos += its;
    const bool set_done = every > 0 && pos % every == 0;
    if (set_done || stop || pos >= stage.iterations) keep_member(theta_);
    if (!stop && pos < stage.iterations && set_done) resample(theta_.data());
  }
  if (stop) {
    TrainState state = capture(pos, done_);
    state.stop_reason = reason_text;
    checkpoint(state);
  }
  jacobians_ += lm.jacobians();
  if (rank_ == 0 && spec_.lm_gram == GramPrecision::single_precision) {
    std::ostringstream line;  // its own format flags, not the log's
    line << "lm: single-precision J^T J, " << std::setprecision(3) << lm.cg_iterations_per_solve()
         << " CG iterations per damped solve\n";
    log_ << line.str();
  }
  lm_ = nullptr;
  scatter_to_vec(theta_, x);
  return stop;
}

bool Trainer::run_tao_stage(const StageSpec& stage, long long every, long long pos, Vec x, TaoContext& ctx,
                            std::string& reason_text) {
  bool stop = false;
  Tao tao;
  PIGX_PETSC(TaoCreate(comm_, &tao));
  tao_ = tao;
  PIGX_PETSC(TaoSetType(tao, stage.type.c_str()));
  PIGX_PETSC(TaoSetSolution(tao, x));
  PIGX_PETSC(TaoSetObjectiveAndGradient(tao, nullptr, objective_and_gradient, &ctx));
  const bool residual_form = stage.type == "gn" || stage.type == "lsq";
  if (residual_form) PIGX_PETSC(TaoSetObjective(tao, objective_only, &ctx));  // trial points
  PIGX_PETSC(TaoSetTolerances(tao, 0, 0, 0));
  PIGX_PETSC(TaoSetMaximumFunctionEvaluations(tao, PETSC_MAX_INT));
  PIGX_PETSC(TaoSetConvergenceTest(tao, convergence_test, &ctx));
  PIGX_PETSC(TaoSetMonitor(tao, monitor_callback, &ctx, nullptr));
  PIGX_PETSC(TaoSetFromOptions(tao));
  PIGX_PETSC(VecDuplicate(x, &good_x_));
  PIGX_PETSC(VecDuplicate(x, &good_m_));
  PIGX_PETSC(VecDuplicate(x, &good_v_));
  if (resume_ && stage.type == "adam" && !resume_state_.adam_m.empty()) {
    Vec m, v;
    PIGX_PETSC(VecDuplicate(x, &m));
    PIGX_PETSC(VecDuplicate(x, &v));
    scatter_to_vec(resume_state_.adam_m, m);
    scatter_to_vec(resume_state_.adam_v, v);
    PIGX_PETSC(tao_adam_set_state(tao, m, v, static_cast<PetscInt>(resume_state_.adam_steps)));
    PIGX_PETSC(VecDestroy(&m));
    PIGX_PETSC(VecDestroy(&v));
  }
  if (stage.type == "gn") {
    std::vector<PetscInt> start{0}, index;
    for (const auto& b : gl_.parameter_blocks()) {
      for (long long i : b) index.push_back(static_cast<PetscInt>(i));
      start.push_back(static_cast<PetscInt>(index.size()));
    }
    PIGX_PETSC(tao_gn_set_parameter_blocks(tao, static_cast<PetscInt>(start.size()) - 1, start.data(),
                                           index.data()));
  }
  if (stage.type == "lsq") {
    std::vector<PetscInt> columns;
    for (long long i : gl_.linear_parameters()) columns.push_back(static_cast<PetscInt>(i));
    PIGX_PETSC(tao_lsq_set_columns(tao, static_cast<PetscInt>(columns.size()), columns.data()));
  }
  if (resume_ && stage.type == "gn" && !resume_state_.lm_scale.empty()) {
    Vec scaling;
    PIGX_PETSC(VecDuplicate(x, &scaling));
    scatter_to_vec(resume_state_.lm_scale, scaling);
    PIGX_PETSC(tao_gn_set_state(tao, resume_state_.lm_damping, resume_state_.lm_growth, scaling));
    PIGX_PETSC(VecDestroy(&scaling));
  }
  have_good_ = false;
  while (pos < stage.iterations && !stop) {
    const long long chunk_end =
        every > 0 ? std::min(stage.iterations, (pos / every + 1) * every) : stage.iterations;
    const long long chunk = chunk_end - pos;
    stage_done_ = pos;
    PIGX_PETSC(TaoSetMaximumIterations(tao, static_cast<PetscInt>(chunk)));
    if (residual_form) set_residual_routines(tao, x, ctx);
    PIGX_PETSC(TaoSolve(tao));
    PetscInt its;
    TaoConvergedReason reason;
    PIGX_PETSC(TaoGetIterationNumber(tao, &its));
    PIGX_PETSC(TaoGetConvergedReason(tao, &reason));
    PetscReal xnorm;
    PIGX_PETSC(VecNorm(x, NORM_2, &xnorm));
    if (reason == TAO_DIVERGED_NAN || !std::isfinite(xnorm)) {
      // Divergence guard: back to the last finite iterate (parameters and Adam's moments), smaller steps.
      const bool go_on = count_failure(done_ + its, reason_text);
      if (have_good_) {
        PIGX_PETSC(VecCopy(good_x_, x));
        if (stage.type == "adam") PIGX_PETSC(tao_adam_set_state(tao, good_m_, good_v_, good_steps_));
        if (stage.type == "gn") {
          Vec scaling = nullptr;
          if (!good_scale_.empty()) {
            PIGX_PETSC(VecDuplicate(x, &scaling));
            scatter_to_vec(good_scale_, scaling);
          }
          PIGX_PETSC(tao_gn_set_state(tao, go_on ? good_mu_ * 10 : good_mu_, good_nu_, scaling));
          PIGX_PETSC(VecDestroy(&scaling));
        }
        pos = good_pos_, done_ = good_done_;
      }
      if (go_on && stage.type != "gn")
        lr_scale_ *= 0.5;
      else
        stop = true;
      continue;
    }
    done_ += its;
    pos += its;
    if (reason == TAO_CONVERGED_USER) {
      reason_text = "time limit";
      stop = true;
    } else if (reason < 0 && reason != TAO_DIVERGED_MAXITS) {
      // A failed line search ends this stage, not the run.
      if (rank_ == 0) log_ << "stage " << stage.type << " stopped: " << TaoConvergedReasons[reason] << "\n";
      break;
    } else if (reason > 0 && reason != TAO_CONVERGED_USER && static_cast<long long>(its) < chunk) {
      break;
    }
    if (!stop && pos < stage.iterations && every > 0 && pos % every == 0) resample_at(x, ctx);
  }
  if (stop) {
    TrainState state = capture(pos, done_);
    state.stop_reason = reason_text;
    checkpoint(state);
  }
  PIGX_PETSC(VecDestroy(&good_x_));
  PIGX_PETSC(VecDestroy(&good_m_));
  PIGX_PETSC(VecDestroy(&good_v_));
  if (stage.type == "gn") {
    PetscInt jac;
    PIGX_PETSC(tao_gn_get_jacobians(tao, &jac));
    jacobians_ += jac;
  }
  PIGX_PETSC(TaoDestroy(&tao));
  PIGX_PETSC(VecDestroy(&residual_));
  jacobian_.reset();
  rows_theta_.clear();
  tao_ = nullptr;
  return stop;
}

const ResidualRows& Trainer::linearise(const std::vector<double>& theta) {
  if (rows_theta_ != theta) {
    gl_.linearise(theta.data(), rows_);
    rows_theta_ = theta;
  }
  return rows_;
}

void Trainer::set_residual_routines(void* tao_ptr, Vec x, TaoContext& ctx) {
  Tao tao = static_cast<Tao>(tao_ptr);
  PIGX_PETSC(gather_all(&ctx, x, ctx.all_theta));
  const ResidualRows& rows = linearise(ctx.all_theta);
  // The row count changes only when the points do (a decomposed run's subdomains hold varying shares).
  if (!jacobian_ || !residual_ || [&] {
        PetscInt n;
        PIGX_PETSC(VecGetLocalSize(residual_, &n));
        return n != rows.rows();
      }()) {
    PIGX_PETSC(VecDestroy(&residual_));
    jacobian_ = std::make_unique<ResidualJacobian>(x, rows.rows());
    residual_ = jacobian_->create_residual_vec();
  }
  PIGX_PETSC(TaoSetResidualRoutine(tao, residual_, residual_callback, &ctx));
  PIGX_PETSC(TaoSetJacobianResidualRoutine(tao, jacobian_->mat(), jacobian_->mat(), jacobian_callback, &ctx));
}

void Trainer::gn_state(double& mu, double& nu, std::vector<double>& scaling) {
  Vec S;
  PetscReal m, n;
  PIGX_PETSC(tao_gn_get_state(static_cast<Tao>(tao_), &m, &n, &S));
  mu = m, nu = n;
  if (S)
    PIGX_PETSC(gather_all(ctx_, S, scaling));
  else
    scaling.clear();
}

void Trainer::scatter_to_vec(const std::vector<double>& theta, Vec x) {
  PetscInt lo, hi;
  PIGX_PETSC(VecGetOwnershipRange(x, &lo, &hi));
  PetscScalar* a;
  PIGX_PETSC(VecGetArray(x, &a));
  for (PetscInt i = lo; i < hi; ++i) a[i - lo] = theta[i];
  PIGX_PETSC(VecRestoreArray(x, &a));
}

TrainReport Trainer::train(std::vector<double>& theta) {
  start_ = std::chrono::steady_clock::now();
  PIGX_PETSC(register_tao_adam());
  PIGX_PETSC(register_tao_gauss_newton());
  PIGX_PETSC(register_tao_linear_lsq());
  std::size_t first_stage = 0;
  long long first_pos = 0;
  bool ended_lm = false;  // the checkpoint is at the very end of an lm stage
  if (resume_) {
    const TrainState& r = resume_state_;
    PIGX_CHECK_INPUT(r.theta.size() == theta.size(), "the checkpoint holds ", r.theta.size(),
                     " parameters, the model has ", theta.size());
    PIGX_CHECK_INPUT(r.stage >= 0 && r.stage <= static_cast<long long>(spec_.stages.size()),
                     "the checkpoint is at stage ", r.stage, " but train.stages has ", spec_.stages.size());
    first_stage = static_cast<std::size_t>(r.stage);
    first_pos = r.stage_position;
    if (first_stage < spec_.stages.size()) {
      PIGX_CHECK_INPUT(spec_.stages[first_stage].type == r.stage_type,
                       "the checkpoint is in a stage of type '", r.stage_type, "', train.stages has '",
                       spec_.stages[first_stage].type, "' there");
      if (first_pos >= spec_.stages[first_stage].iterations) {
        // The stage had ended: the next one starts afresh (its optimiser state is not the stored one).
        ended_lm = spec_.stages[first_stage].type == "lm";
        ++first_stage, first_pos = 0;
        resume_state_.adam_m.clear(), resume_state_.adam_v.clear(), resume_state_.lm_scale.clear();
      }
    }
    theta = r.theta;
    round_ = r.round;
    done_ = r.iterations;
    evaluation_offset_ = r.evaluations;
    jacobians_ = r.jacobian_evaluations;
    lr_scale_ = r.lr_scale;
    rollbacks_ = r.rollbacks;
    ensemble_.clear();
    for (std::size_t k = 0; k + theta.size() <= r.ensemble.size(); k += theta.size())
      ensemble_.emplace_back(r.ensemble.begin() + k, r.ensemble.begin() + k + theta.size());
    if (ended_lm) keep_member(theta);  // its last fit, unless the checkpoint came after keeping it
    if (rank_ == 0)
      log_ << "restarting at iteration " << done_ << " (stage " << first_stage << ", " << first_pos
           << " iterations into it)\n";
  }
  const PetscInt N = static_cast<PetscInt>(theta.size());
  PIGX_CHECK(gl_.size() == N, "the loss has ", gl_.size(), " parameters, theta ", N);
  theta_.assign(view(theta), view(theta) + gl_.view_size());
  grad_.assign(gl_.view_size(), 0.0);
  resample(nullptr);  // round 0: no trained model yet
  Vec x;
  const long long owned = gl_.owned_size();
  PIGX_PETSC(VecCreateMPI(comm_, owned < 0 ? PETSC_DECIDE : static_cast<PetscInt>(owned), N, &x));
  scatter_to_vec(theta, x);
  TaoContext ctx{this,    nullptr, nullptr, nullptr, nullptr, static_cast<PetscInt>(gl_.view_begin()),
                 &theta_, &grad_,  {}};
  ctx_ = &ctx;
  PIGX_PETSC(VecScatterCreateToAll(x, &ctx.to_all, &ctx.full));
  {
    IS slice;
    PIGX_PETSC(
        ISCreateStride(PETSC_COMM_SELF, static_cast<PetscInt>(gl_.view_size()), ctx.view_begin, 1, &slice));
    PIGX_PETSC(VecCreateSeq(PETSC_COMM_SELF, static_cast<PetscInt>(gl_.view_size()), &ctx.view));
    PIGX_PETSC(VecScatterCreate(x, slice, ctx.view, nullptr, &ctx.to_view));
    PIGX_PETSC(ISDestroy(&slice));
  }
  TrainReport rep;
  std::string reason_text = "completed";
  bool stop = false;
  for (std::size_t s = first_stage; s < spec_.stages.size() && !stop; ++s) {
    const StageSpec& stage = spec_.stages[s];
    stage_index_ = s;
    stage_type_ = stage.type;
    const long long every = stage.resample_every >= 0 ? stage.resample_every : spec_.resample_every;
    long long pos = 0;
    if (resume_ && s == first_stage) {
      pos = first_pos;
      if (pos == 0) ensemble_.clear();  // members come from the last stage only
      // A checkpoint at the end of a resampling period holds the old points: draw the next round now.
      if (pos > 0 && every > 0 && pos % every == 0) {
        // Its iterate is the fit to those points: an ensemble member (a periodic checkpoint precedes the
        // keeping; one written on stopping follows it, and keep_member skips the repeat).
        if (stage.type == "lm") keep_member(theta);
        resample_at(x, ctx);
      }
    } else {
      resume_ = false;
      ensemble_.clear();  // members come from the last stage only
    }
    stop = stage.type == "lm" ? run_lm_stage(stage, every, pos, x, ctx, reason_text)
                              : run_tao_stage(stage, every, pos, x, ctx, reason_text);
    resume_ = false;
  }
  PIGX_PETSC(gather_all(&ctx, x, theta));
  bool finite = true;
  for (double v : theta) finite = finite && std::isfinite(v);
  PIGX_CHECK(finite, "training ended with non-finite parameters");
  if (!stop) {
    stage_index_ = spec_.stages.size();
    TrainState end;
    end.theta = theta;
    end.stage = static_cast<long long>(stage_index_);
    end.iterations = done_;
    end.evaluations = evaluations();
    end.jacobian_evaluations = jacobians_;
    end.round = round_ - 1;
    end.lr_scale = lr_scale_;
    end.rollbacks = rollbacks_;
    end.ensemble = flat_ensemble();
    end.complete = true;
    end.stop_reason = reason_text;
    checkpoint(end);
  }
  PIGX_PETSC(VecScatterDestroy(&ctx.to_all));
  PIGX_PETSC(VecDestroy(&ctx.full));
  PIGX_PETSC(VecScatterDestroy(&ctx.to_view));
  PIGX_PETSC(VecDestroy(&ctx.view));
  PIGX_PETSC(VecDestroy(&x));
  ctx_ = nullptr;
  rep.loss = gl_.evaluate(view(theta), nullptr, term_loss_);
  rep.term_loss = term_loss_;
  rep.term_names = gl_.term_names();
  rep.iterations = done_;
  rep.evaluations = evaluations();
  rep.jacobian_evaluations = jacobians_;
  rep.wall_s = elapsed();
  rep.stop_reason = reason_text;
  return rep;
}

}  // namespace pigx
