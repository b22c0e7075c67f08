#include "pigx/solve/trainer.hpp"

#include <petsctao.h>

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <sstream>

#include "pigx/solve/levenberg_marquardt.hpp"
#include "pigx/solve/petsc_check.hpp"
#include "pigx/solve/tao_adam.hpp"

namespace pigx {

/// What TAO's callbacks need: the trainer and a scatter of the distributed parameters to every rank.
struct TaoContext {
  Trainer* trainer;
  VecScatter to_all;
  Vec full;
  std::vector<double>* theta;
  std::vector<double>* grad;
};

namespace {

// Copies a distributed Vec into a full-length host array on every rank.
PetscErrorCode gather_all(TaoContext* c, Vec x, std::vector<double>& out) {
  PetscFunctionBeginUser;
  PetscCall(VecScatterBegin(c->to_all, x, c->full, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(c->to_all, x, c->full, INSERT_VALUES, SCATTER_FORWARD));
  const PetscScalar* a;
  PetscInt n;
  PetscCall(VecGetLocalSize(c->full, &n));
  PetscCall(VecGetArrayRead(c->full, &a));
  out.assign(a, a + n);
  PetscCall(VecRestoreArrayRead(c->full, &a));
  PetscFunctionReturn(0);
}

PetscErrorCode objective_and_gradient(Tao, Vec x, PetscReal* f, Vec g, void* ctx) {
  PetscFunctionBeginUser;
  auto* c = static_cast<TaoContext*>(ctx);
  PetscCall(gather_all(c, x, *c->theta));
  try {
    *f = c->trainer->objective(c->theta->data(), c->grad->data());
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  PetscInt lo, hi;
  PetscCall(VecGetOwnershipRange(g, &lo, &hi));
  PetscScalar* ga;
  PetscCall(VecGetArray(g, &ga));
  for (PetscInt i = lo; i < hi; ++i) ga[i - lo] = (*c->grad)[i];
  PetscCall(VecRestoreArray(g, &ga));
  PetscFunctionReturn(0);
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
    : comm_(comm),
      pde_(pde),
      loss_(loss),
      dp_(comm, loss),
      sampling_(sampling),
      spec_(spec),
      grid_(grid),
      log_(log) {
  MPI_Comm_rank(comm, &rank_);
  MPI_Comm_size(comm, &size_);
  for (const auto& s : spec.stages) planned_ += s.iterations;
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

void Trainer::resample() {
  loss_.set_terms(draw_terms(pde_, sampling_, spec_.seed, round_++, rank_, size_));
}

double Trainer::objective(const double* theta, double* grad) {
  return dp_.evaluate(theta, grad, term_loss_);
}

void Trainer::monitor(long long stage_iteration, double f) {
  const long long it = done_ + stage_iteration;
  if (std::isfinite(f)) {
    last_good_ = theta_;
    have_good_ = true;
  }
  if (tao_) {
    const double lr =
        spec_.learning_rate * std::pow(spec_.lr_decay, static_cast<double>(it / spec_.lr_decay_every));
    PIGX_PETSC(tao_adam_set_learning_rate(static_cast<Tao>(tao_), lr));
  }
  if (spec_.progress_every <= 0 || it % spec_.progress_every != 0 || stage_iteration == 0) return;
  const bool with_test = grid_ && spec_.test_every > 0 && it % spec_.test_every == 0;
  const double err = with_test ? test_error(comm_, loss_, theta_.data(), *grid_, nullptr) : NAN;
  if (rank_ != 0) return;
  const double t = elapsed();
  double left = it > 0 ? t / it * (planned_ - it) : 0;
  if (spec_.max_time > 0) left = std::min(left, spec_.max_time - t);
  std::ostringstream os;
  os << "it " << std::setw(6) << it << " [" << stage_type_ << "]  loss " << fmt(f);
  for (std::size_t k = 0; k < term_loss_.size(); ++k)
    os << "  " << loss_.terms()[k].name << " " << fmt(term_loss_[k]);
  os << "  test_rel_l2 " << (with_test ? fmt(err) : std::string("-")) << "  elapsed " << std::fixed
     << std::setprecision(1) << t << " s  left " << std::max(0.0, left) << " s\n";
  log_ << os.str() << std::flush;
}

bool Trainer::run_lm_stage(const StageSpec& stage, long long every, Vec x, TaoContext& ctx,
                           std::string& reason_text) {
  // Levenberg-Marquardt is pigx's own loop (it needs residuals and the Jacobian, not TAO's callbacks).
  PIGX_PETSC(gather_all(&ctx, x, theta_));
  LevenbergMarquardt lm(dp_);
  bool stop = false;
  long long left = stage.iterations;
  while (left > 0 && !stop) {
    const long long chunk = every > 0 ? std::min(left, every) : left;
    const long long its = lm.run(theta_, chunk, [&](long long step, double f) {
      term_loss_ = lm.term_loss();
      monitor(step, f);
      if (out_of_time()) stop = true, reason_text = "time limit";
      return !stop;
    });
    done_ += its;
    left -= chunk;
    if (left > 0 && every > 0 && !stop) resample();
  }
  jacobians_ += lm.jacobians();
  scatter_to_vec(theta_, x);
  return stop;
}

bool Trainer::run_tao_stage(const StageSpec& stage, long long every, Vec x, TaoContext& ctx,
                            std::string& reason_text) {
  bool stop = false;
  Tao tao;
  PIGX_PETSC(TaoCreate(comm_, &tao));
  tao_ = tao;
  PIGX_PETSC(TaoSetType(tao, stage.type.c_str()));
  PIGX_PETSC(TaoSetSolution(tao, x));
  PIGX_PETSC(TaoSetObjectiveAndGradient(tao, nullptr, objective_and_gradient, &ctx));
  PIGX_PETSC(TaoSetTolerances(tao, 0, 0, 0));
  PIGX_PETSC(TaoSetMaximumFunctionEvaluations(tao, PETSC_MAX_INT));
  PIGX_PETSC(TaoSetConvergenceTest(tao, convergence_test, &ctx));
  PIGX_PETSC(TaoSetMonitor(tao, monitor_callback, &ctx, nullptr));
  PIGX_PETSC(TaoSetFromOptions(tao));
  long long left = stage.iterations;
  while (left > 0 && !stop) {
    const long long chunk = every > 0 ? std::min(left, every) : left;
    PIGX_PETSC(TaoSetMaximumIterations(tao, static_cast<PetscInt>(chunk)));
    PIGX_PETSC(TaoSolve(tao));
    PetscInt its;
    TaoConvergedReason reason;
    PIGX_PETSC(TaoGetIterationNumber(tao, &its));
    PIGX_PETSC(TaoGetConvergedReason(tao, &reason));
    done_ += its;
    left -= chunk;
    if (reason == TAO_CONVERGED_USER) {
      reason_text = "time limit";
      stop = true;
    } else if (reason == TAO_DIVERGED_NAN) {
      reason_text = "non-finite loss: kept the last finite iterate";
      stop = true;
    } else if (reason < 0 && reason != TAO_DIVERGED_MAXITS) {
      // A failed line search ends this stage, not the run.
      if (rank_ == 0) log_ << "stage " << stage.type << " stopped: " << TaoConvergedReasons[reason] << "\n";
      break;
    } else if (reason > 0 && reason != TAO_CONVERGED_USER && static_cast<long long>(its) < chunk) {
      break;
    }
    if (left > 0 && every > 0 && !stop) resample();
  }
  PIGX_PETSC(TaoDestroy(&tao));
  tao_ = nullptr;
  return stop;
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
  const PetscInt N = static_cast<PetscInt>(theta.size());
  theta_ = theta;
  grad_.assign(theta.size(), 0.0);
  resample();
  Vec x;
  PIGX_PETSC(VecCreateMPI(comm_, PETSC_DECIDE, N, &x));
  scatter_to_vec(theta, x);
  TaoContext ctx{this, nullptr, nullptr, &theta_, &grad_};
  PIGX_PETSC(VecScatterCreateToAll(x, &ctx.to_all, &ctx.full));
  TrainReport rep;
  std::string reason_text = "completed";
  bool stop = false;
  for (const StageSpec& stage : spec_.stages) {
    if (stop) break;
    stage_type_ = stage.type;
    const long long every = stage.resample_every >= 0 ? stage.resample_every : spec_.resample_every;
    stop = stage.type == "lm" ? run_lm_stage(stage, every, x, ctx, reason_text)
                              : run_tao_stage(stage, every, x, ctx, reason_text);
  }
  PIGX_PETSC(gather_all(&ctx, x, theta));
  bool finite = true;
  for (double v : theta) finite = finite && std::isfinite(v);
  if (!finite && have_good_) theta = last_good_;
  PIGX_PETSC(VecScatterDestroy(&ctx.to_all));
  PIGX_PETSC(VecDestroy(&ctx.full));
  PIGX_PETSC(VecDestroy(&x));
  rep.loss = dp_.evaluate(theta.data(), nullptr, term_loss_);
  rep.term_loss = term_loss_;
  for (const auto& t : loss_.terms()) rep.term_names.push_back(t.name);
  rep.iterations = done_;
  rep.evaluations = dp_.evaluations();
  rep.jacobian_evaluations = jacobians_;
  rep.wall_s = elapsed();
  rep.stop_reason = reason_text;
  return rep;
}

}  // namespace pigx
