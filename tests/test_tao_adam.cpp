// Tests of the TAO type "adam" (pigx/solve/tao_adam.hpp) on distributed Vecs; run at 1, 2 and 4 ranks.
#include <gtest/gtest.h>
#include <petsctao.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "pigx/solve/tao_adam.hpp"

namespace {

constexpr PetscInt kGlobalSize = 50;

#define PETSC_OK(call) ASSERT_EQ((call), 0) << #call

/// f(x) = sum_i c_i (x_i - a_i)^2 on a distributed Vec, with optional NaN injection.
class Quadratic {
 public:
  Quadratic() {
    VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, kGlobalSize, &a_);
    VecDuplicate(a_, &c_);
    VecDuplicate(a_, &work_);
    fill(a_, [](PetscInt i) { return 0.5 * std::sin(0.7 * i); });
    fill(c_, [](PetscInt i) { return 1.0 + 0.5 * (i % 5); });
  }
  ~Quadratic() {
    VecDestroy(&a_);
    VecDestroy(&c_);
    VecDestroy(&work_);
  }
  Quadratic(const Quadratic&) = delete;
  Quadratic& operator=(const Quadratic&) = delete;

  /// A new Vec with the problem's layout holding the start point: |x0_i - a_i| >= 1, signs alternating.
  Vec start_point() const {
    Vec x;
    VecDuplicate(a_, &x);
    fill(x,
         [](PetscInt i) { return 0.5 * std::sin(0.7 * i) + (i % 2 == 0 ? 1.0 : -1.0) * (1.0 + 0.01 * i); });
    return x;
  }

  /// max_i |x_i - a_i| (collective).
  PetscReal distance_to_minimum(Vec x) const {
    PetscReal d = -1;
    VecWAXPY(work_, -1.0, a_, x);
    VecNorm(work_, NORM_INFINITY, &d);
    return d;
  }

  /// Objective-and-gradient callback for TaoSetObjectiveAndGradient (ctx = this).
  static PetscErrorCode evaluate(Tao, Vec x, PetscReal* f, Vec g, void* ctx) {
    auto* q = static_cast<Quadratic*>(ctx);

    PetscFunctionBeginUser;
    PetscCall(VecWAXPY(q->work_, -1.0, q->a_, x));    // x - a
    PetscCall(VecPointwiseMult(g, q->c_, q->work_));  // c (x - a)
    PetscCall(VecDot(g, q->work_, f));
    PetscCall(VecScale(g, 2.0));
    const int call = q->evaluations++;
    if (q->nan_objective_from >= 0 && call >= q->nan_objective_from)
      *f = std::numeric_limits<PetscReal>::quiet_NaN();
    if (q->nan_gradient_from >= 0 && call >= q->nan_gradient_from) {
      PetscInt lo, hi;
      PetscCall(VecGetOwnershipRange(g, &lo, &hi));
      if (lo == 0 && hi > 0) {
        PetscScalar* ga;
        PetscCall(VecGetArray(g, &ga));
        ga[0] = std::numeric_limits<PetscReal>::quiet_NaN();
        PetscCall(VecRestoreArray(g, &ga));
      }
    }
    PetscFunctionReturn(0);
  }

  int evaluations = 0;
  int nan_objective_from = -1;  ///< evaluations from this index on return a NaN objective (-1: never)
  int nan_gradient_from = -1;   ///< evaluations from this index on return a NaN gradient entry (-1: never)

 private:
  template <class F>
  static void fill(Vec v, F value) {
    PetscInt lo, hi;
    PetscScalar* va;
    VecGetOwnershipRange(v, &lo, &hi);
    VecGetArray(v, &va);
    for (PetscInt i = lo; i < hi; ++i) va[i - lo] = value(i);
    VecRestoreArray(v, &va);
  }

  Vec a_ = nullptr, c_ = nullptr;
  mutable Vec work_ = nullptr;
};

/// An Adam Tao on the quadratic with all gradient tolerances off (it stops on max_it only).
Tao make_adam(Quadratic& q, Vec x, PetscReal lr, const char* prefix = nullptr) {
  Tao tao;
  TaoCreate(PETSC_COMM_WORLD, &tao);
  if (prefix) TaoSetOptionsPrefix(tao, prefix);
  TaoSetType(tao, "adam");
  TaoSetObjectiveAndGradient(tao, nullptr, Quadratic::evaluate, &q);
  TaoSetSolution(tao, x);
  TaoSetTolerances(tao, 0.0, 0.0, 0.0);
  TaoSetFromOptions(tao);
  pigx::tao_adam_set_learning_rate(tao, lr);
  return tao;
}

/// True on every rank when x and y hold bitwise identical entries on every rank.
bool bitwise_equal(Vec x, Vec y) {
  PetscInt nx, ny;
  VecGetLocalSize(x, &nx);
  VecGetLocalSize(y, &ny);
  int same = nx == ny;
  if (same) {
    const PetscScalar *xa, *ya;
    VecGetArrayRead(x, &xa);
    VecGetArrayRead(y, &ya);
    same = std::memcmp(xa, ya, sizeof(PetscScalar) * nx) == 0;
    VecRestoreArrayRead(x, &xa);
    VecRestoreArrayRead(y, &ya);
  }
  int all = 0;
  MPI_Allreduce(&same, &all, 1, MPI_INT, MPI_MIN, PETSC_COMM_WORLD);
  return all == 1;
}

PetscInt total_steps(Tao tao) {
  PetscInt steps = -1;
  pigx::tao_adam_get_total_steps(tao, &steps);
  return steps;
}

// (a) TaoSetType("adam") + TaoSetFromOptions minimises a convex quadratic to 1e-6.
TEST(TaoAdam, MinimisesQuadraticWithSetType) {
  Quadratic q;
  Vec x = q.start_point();
  Tao tao;
  PETSC_OK(TaoCreate(PETSC_COMM_WORLD, &tao));
  PETSC_OK(TaoSetType(tao, "adam"));
  PETSC_OK(TaoSetFromOptions(tao));
  PETSC_OK(TaoSetObjectiveAndGradient(tao, nullptr, Quadratic::evaluate, &q));
  PETSC_OK(TaoSetSolution(tao, x));
  PETSC_OK(TaoSetTolerances(tao, 1e-12, 0.0, 0.0));
  PETSC_OK(TaoSetMaximumIterations(tao, 20000));
  PETSC_OK(pigx::tao_adam_set_learning_rate(tao, 0.01));
  PETSC_OK(TaoSolve(tao));

  TaoType type;
  PETSC_OK(TaoGetType(tao, &type));
  EXPECT_STREQ(type, "adam");
  TaoConvergedReason reason;
  PETSC_OK(TaoGetConvergedReason(tao, &reason));
  EXPECT_GT(reason, 0) << TaoConvergedReasons[reason];
  EXPECT_LT(q.distance_to_minimum(x), 1e-6);
  PetscInt its;
  PETSC_OK(TaoGetIterationNumber(tao, &its));
  EXPECT_EQ(total_steps(tao), its);
  PETSC_OK(TaoDestroy(&tao));
  PETSC_OK(VecDestroy(&x));
}

// (a') `-tao_type adam` and the -tao_adam_* options work through the options database (with a prefix).
TEST(TaoAdam, MinimisesQuadraticWithOptionsDatabase) {
  PETSC_OK(PetscOptionsSetValue(nullptr, "-qa_tao_type", "adam"));
  PETSC_OK(PetscOptionsSetValue(nullptr, "-qa_tao_adam_learning_rate", "0.01"));
  PETSC_OK(PetscOptionsSetValue(nullptr, "-qa_tao_max_it", "20000"));
  PETSC_OK(PetscOptionsSetValue(nullptr, "-qa_tao_gatol", "1e-12"));
  PETSC_OK(PetscOptionsSetValue(nullptr, "-qa_tao_grtol", "0"));
  Quadratic q;
  Vec x = q.start_point();
  Tao tao;
  PETSC_OK(TaoCreate(PETSC_COMM_WORLD, &tao));
  PETSC_OK(TaoSetOptionsPrefix(tao, "qa_"));
  PETSC_OK(TaoSetObjectiveAndGradient(tao, nullptr, Quadratic::evaluate, &q));
  PETSC_OK(TaoSetSolution(tao, x));
  PETSC_OK(TaoSetFromOptions(tao));
  PETSC_OK(TaoSolve(tao));

  TaoType type;
  PETSC_OK(TaoGetType(tao, &type));
  EXPECT_STREQ(type, "adam");
  TaoConvergedReason reason;
  PETSC_OK(TaoGetConvergedReason(tao, &reason));
  EXPECT_EQ(reason, TAO_CONVERGED_GATOL) << TaoConvergedReasons[reason];
  EXPECT_LT(q.distance_to_minimum(x), 1e-6);

  // The view prints the hyper-parameters and the step count (smoke test; the text goes nowhere).
  PetscViewer viewer;
  PETSC_OK(PetscViewerASCIIOpen(PETSC_COMM_WORLD, "/dev/null", &viewer));
  PETSC_OK(TaoView(tao, viewer));
  PETSC_OK(PetscViewerDestroy(&viewer));

  PETSC_OK(TaoDestroy(&tao));
  PETSC_OK(VecDestroy(&x));
  for (const char* name :
       {"-qa_tao_type", "-qa_tao_adam_learning_rate", "-qa_tao_max_it", "-qa_tao_gatol", "-qa_tao_grtol"})
    PETSC_OK(PetscOptionsClearValue(nullptr, name));
}

// (b) Moments and step counter persist: 4 solves of 50 iterations == one solve of 200, bitwise.
TEST(TaoAdam, ChunkedSolvesMatchOneSolve) {
  Quadratic q;
  Vec x_chunked = q.start_point(), x_single = q.start_point();
  Tao chunked = make_adam(q, x_chunked, 0.01);
  Tao single = make_adam(q, x_single, 0.01);

  for (int chunk = 0; chunk < 4; ++chunk) {
    PETSC_OK(TaoSetMaximumIterations(chunked, 50));
    PETSC_OK(TaoSolve(chunked));
    TaoConvergedReason reason;
    PetscInt its;
    PETSC_OK(TaoGetConvergedReason(chunked, &reason));
    PETSC_OK(TaoGetIterationNumber(chunked, &its));
    EXPECT_EQ(reason, TAO_DIVERGED_MAXITS);
    EXPECT_EQ(its, 50);
    EXPECT_EQ(total_steps(chunked), 50 * (chunk + 1));
  }
  PETSC_OK(TaoSetMaximumIterations(single, 200));
  PETSC_OK(TaoSolve(single));

  EXPECT_EQ(total_steps(chunked), 200);
  EXPECT_EQ(total_steps(single), 200);
  EXPECT_TRUE(bitwise_equal(x_chunked, x_single));
  // The 200 steps did move x (so the comparison is not trivially true).
  Vec x0 = q.start_point();
  EXPECT_FALSE(bitwise_equal(x0, x_single));

  PETSC_OK(TaoDestroy(&chunked));
  PETSC_OK(TaoDestroy(&single));
  PETSC_OK(VecDestroy(&x_chunked));
  PETSC_OK(VecDestroy(&x_single));
  PETSC_OK(VecDestroy(&x0));
}

// (b') tao_adam_reset clears moments and counter: a reset Tao behaves like a fresh one.
TEST(TaoAdam, ResetClearsMomentsAndCounter) {
  Quadratic q;
  Vec x_reset = q.start_point(), x_fresh = q.start_point();
  Tao reused = make_adam(q, x_reset, 0.01);
  PETSC_OK(TaoSetMaximumIterations(reused, 30));
  PETSC_OK(TaoSolve(reused));
  EXPECT_EQ(total_steps(reused), 30);

  PETSC_OK(pigx::tao_adam_reset(reused));
  EXPECT_EQ(total_steps(reused), 0);
  Vec x0 = q.start_point();
  PETSC_OK(VecCopy(x0, x_reset));
  PETSC_OK(TaoSolve(reused));

  Tao fresh = make_adam(q, x_fresh, 0.01);
  PETSC_OK(TaoSetMaximumIterations(fresh, 30));
  PETSC_OK(TaoSolve(fresh));
  EXPECT_EQ(total_steps(reused), 30);
  EXPECT_TRUE(bitwise_equal(x_reset, x_fresh));

  PETSC_OK(TaoDestroy(&reused));
  PETSC_OK(TaoDestroy(&fresh));
  PETSC_OK(VecDestroy(&x_reset));
  PETSC_OK(VecDestroy(&x_fresh));
  PETSC_OK(VecDestroy(&x0));
}

// tao_adam_get_state / tao_adam_set_state: a fresh Tao given another's moments, counter and iterate (as
// after a restart from a checkpoint) continues bitwise like the original.
TEST(TaoAdam, StateTransferContinuesBitwise) {
  Quadratic q;
  Vec x_orig = q.start_point(), x_copy, x_plain;
  Tao orig = make_adam(q, x_orig, 0.01);
  PETSC_OK(TaoSetMaximumIterations(orig, 40));
  PETSC_OK(TaoSolve(orig));
  Vec m, v;
  PetscInt steps;
  PETSC_OK(pigx::tao_adam_get_state(orig, &m, &v, &steps));
  ASSERT_TRUE(m && v);
  EXPECT_EQ(steps, 40);
  PETSC_OK(VecDuplicate(x_orig, &x_copy));
  PETSC_OK(VecCopy(x_orig, x_copy));
  PETSC_OK(VecDuplicate(x_orig, &x_plain));
  PETSC_OK(VecCopy(x_orig, x_plain));
  Tao copy = make_adam(q, x_copy, 0.01);
  PETSC_OK(pigx::tao_adam_set_state(copy, m, v, steps));
  EXPECT_EQ(total_steps(copy), 40);
  Tao plain = make_adam(q, x_plain, 0.01);  // same iterate, fresh moments

  for (Tao t : {orig, copy, plain}) {
    PETSC_OK(TaoSetMaximumIterations(t, 40));
    PETSC_OK(TaoSolve(t));
  }
  EXPECT_EQ(total_steps(copy), 80);
  EXPECT_TRUE(bitwise_equal(x_orig, x_copy));
  EXPECT_FALSE(bitwise_equal(x_orig, x_plain));  // so the moments matter and the check above is not trivial

  for (Tao t : {orig, copy, plain}) PETSC_OK(TaoDestroy(&t));
  for (Vec x : {x_orig, x_copy, x_plain}) PETSC_OK(VecDestroy(&x));
}

/// Checks that x1 - x0 == -lr * sign(g0) componentwise up to epsilon effects (bias correction).
void expect_first_step_is_signed_lr(Quadratic& q, Vec x0, Vec x1, PetscReal lr, PetscReal eps) {
  Vec g;
  PetscReal f;
  VecDuplicate(x0, &g);
  Quadratic::evaluate(nullptr, x0, &f, g, &q);
  PetscInt n;
  VecGetLocalSize(x0, &n);
  const PetscScalar *a0, *a1, *ga;
  VecGetArrayRead(x0, &a0);
  VecGetArrayRead(x1, &a1);
  VecGetArrayRead(g, &ga);
  int bad = 0;
  for (PetscInt i = 0; i < n; ++i) {
    const PetscReal expected = -lr * (ga[i] > 0 ? 1.0 : -1.0);
    // |g| / (|g| + eps) = 1 - eps / |g| + ..., plus a few ulps of rounding.
    const PetscReal tol = lr * (eps / std::abs(ga[i]) + 1e-12);
    if (!(std::abs((a1[i] - a0[i]) - expected) <= tol)) ++bad;
  }
  VecRestoreArrayRead(x0, &a0);
  VecRestoreArrayRead(x1, &a1);
  VecRestoreArrayRead(g, &ga);
  VecDestroy(&g);
  int bad_all = 0;
  MPI_Allreduce(&bad, &bad_all, 1, MPI_INT, MPI_SUM, PETSC_COMM_WORLD);
  EXPECT_EQ(bad_all, 0) << "components whose first step is not -lr*sign(g)";
}

// (c) The first step moves every component by lr * sign(g): the bias correction is right.
TEST(TaoAdam, FirstStepIsLearningRateTimesSign) {
  Quadratic q;
  Vec x0 = q.start_point(), x = q.start_point();
  Tao tao = make_adam(q, x, 0.02);
  PETSC_OK(TaoSetMaximumIterations(tao, 1));
  PETSC_OK(TaoSolve(tao));
  EXPECT_EQ(total_steps(tao), 1);
  expect_first_step_is_signed_lr(q, x0, x, 0.02, 1e-8);
  PETSC_OK(TaoDestroy(&tao));
  PETSC_OK(VecDestroy(&x));
  PETSC_OK(VecDestroy(&x0));
}

// (c') Same with the hyper-parameters from the options database, including a non-default beta1/beta2/eps.
TEST(TaoAdam, FirstStepWithOptions) {
  PETSC_OK(PetscOptionsSetValue(nullptr, "-qc_tao_adam_learning_rate", "0.03"));
  PETSC_OK(PetscOptionsSetValue(nullptr, "-qc_tao_adam_beta1", "0.5"));
  PETSC_OK(PetscOptionsSetValue(nullptr, "-qc_tao_adam_beta2", "0.9"));
  PETSC_OK(PetscOptionsSetValue(nullptr, "-qc_tao_adam_epsilon", "1e-6"));
  PETSC_OK(PetscOptionsSetValue(nullptr, "-qc_tao_max_it", "1"));
  Quadratic q;
  Vec x0 = q.start_point(), x = q.start_point();
  Tao tao;
  PETSC_OK(TaoCreate(PETSC_COMM_WORLD, &tao));
  PETSC_OK(TaoSetOptionsPrefix(tao, "qc_"));
  PETSC_OK(TaoSetType(tao, "adam"));
  PETSC_OK(TaoSetObjectiveAndGradient(tao, nullptr, Quadratic::evaluate, &q));
  PETSC_OK(TaoSetSolution(tao, x));
  PETSC_OK(TaoSetFromOptions(tao));
  PETSC_OK(TaoSolve(tao));
  expect_first_step_is_signed_lr(q, x0, x, 0.03, 1e-6);
  PETSC_OK(TaoDestroy(&tao));
  PETSC_OK(VecDestroy(&x));
  PETSC_OK(VecDestroy(&x0));
  for (const char* name : {"-qc_tao_adam_learning_rate", "-qc_tao_adam_beta1", "-qc_tao_adam_beta2",
                           "-qc_tao_adam_epsilon", "-qc_tao_max_it"})
    PETSC_OK(PetscOptionsClearValue(nullptr, name));
}

// (d) A NaN objective stops with TAO_DIVERGED_NAN and leaves x (and Adam's state) unchanged.
TEST(TaoAdam, NanObjectiveStopsWithoutStep) {
  Quadratic q;
  q.nan_objective_from = 0;
  Vec x0 = q.start_point(), x = q.start_point();
  Tao tao = make_adam(q, x, 0.01);
  PETSC_OK(TaoSetMaximumIterations(tao, 100));
  PETSC_OK(TaoSolve(tao));
  TaoConvergedReason reason;
  PETSC_OK(TaoGetConvergedReason(tao, &reason));
  EXPECT_EQ(reason, TAO_DIVERGED_NAN) << TaoConvergedReasons[reason];
  EXPECT_TRUE(bitwise_equal(x, x0));
  EXPECT_EQ(total_steps(tao), 0);
  EXPECT_EQ(q.evaluations, 1);
  PETSC_OK(TaoDestroy(&tao));
  PETSC_OK(VecDestroy(&x));
  PETSC_OK(VecDestroy(&x0));
}

// (d') A NaN gradient appearing after 3 steps stops there: no step is taken from the NaN gradient.
TEST(TaoAdam, NanGradientStopsBeforeApplyingStep) {
  Quadratic q, q_ref;
  q.nan_gradient_from = 3;  // evaluation 0 is at x0, evaluation k after step k
  Vec x = q.start_point(), x_ref = q.start_point();
  Tao tao = make_adam(q, x, 0.01);
  PETSC_OK(TaoSetMaximumIterations(tao, 100));
  PETSC_OK(TaoSolve(tao));
  TaoConvergedReason reason;
  PetscInt its;
  PETSC_OK(TaoGetConvergedReason(tao, &reason));
  PETSC_OK(TaoGetIterationNumber(tao, &its));
  EXPECT_EQ(reason, TAO_DIVERGED_NAN) << TaoConvergedReasons[reason];
  EXPECT_EQ(its, 3);
  EXPECT_EQ(total_steps(tao), 3);

  Tao ref = make_adam(q_ref, x_ref, 0.01);
  PETSC_OK(TaoSetMaximumIterations(ref, 3));
  PETSC_OK(TaoSolve(ref));
  EXPECT_TRUE(bitwise_equal(x, x_ref));

  PETSC_OK(TaoDestroy(&tao));
  PETSC_OK(TaoDestroy(&ref));
  PETSC_OK(VecDestroy(&x));
  PETSC_OK(VecDestroy(&x_ref));
}

// (e) Registering again is harmless, and the helpers leave other TAO types alone.
TEST(TaoAdam, RegisterTwiceIsHarmless) {
  PETSC_OK(pigx::register_tao_adam());
  PETSC_OK(pigx::register_tao_adam());
  Quadratic q;
  Vec x = q.start_point();
  Tao tao = make_adam(q, x, 0.01);
  TaoType type;
  PETSC_OK(TaoGetType(tao, &type));
  EXPECT_STREQ(type, "adam");
  PETSC_OK(TaoSetMaximumIterations(tao, 10));
  PETSC_OK(TaoSolve(tao));
  EXPECT_EQ(total_steps(tao), 10);
  PETSC_OK(TaoDestroy(&tao));
  PETSC_OK(VecDestroy(&x));
}

// The moments belong to the solution layout seen at setup: a different layout is refused with an error.
TEST(TaoAdam, LayoutChangeIsRefused) {
  Quadratic q;
  Vec x = q.start_point(), y;
  Tao tao = make_adam(q, x, 0.01);
  PETSC_OK(TaoSetMaximumIterations(tao, 2));
  PETSC_OK(TaoSolve(tao));
  PETSC_OK(VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, kGlobalSize + 3, &y));
  PETSC_OK(VecSet(y, 0.0));
  PETSC_OK(TaoSetSolution(tao, y));
  PETSC_OK(PetscPushErrorHandler(PetscReturnErrorHandler, nullptr));
  const PetscErrorCode ierr = TaoSolve(tao);
  PETSC_OK(PetscPopErrorHandler());
  EXPECT_EQ(ierr, PETSC_ERR_ARG_INCOMP);
  EXPECT_EQ(total_steps(tao), 2);
  PETSC_OK(TaoDestroy(&tao));
  PETSC_OK(VecDestroy(&x));
  PETSC_OK(VecDestroy(&y));
}

TEST(TaoAdam, HelpersOnOtherTypes) {
  Quadratic q;
  Vec x = q.start_point();
  Tao tao;
  PETSC_OK(TaoCreate(PETSC_COMM_WORLD, &tao));
  PETSC_OK(TaoSetType(tao, TAOLMVM));
  PETSC_OK(TaoSetObjectiveAndGradient(tao, nullptr, Quadratic::evaluate, &q));
  PETSC_OK(TaoSetSolution(tao, x));
  PETSC_OK(pigx::tao_adam_set_learning_rate(tao, 0.5));  // no-op
  PETSC_OK(pigx::tao_adam_reset(tao));                   // no-op
  PETSC_OK(TaoSolve(tao));
  EXPECT_LT(q.distance_to_minimum(x), 1e-6);

  PetscInt steps = -7;
  PETSC_OK(PetscPushErrorHandler(PetscReturnErrorHandler, nullptr));
  const PetscErrorCode ierr = pigx::tao_adam_get_total_steps(tao, &steps);
  PETSC_OK(PetscPopErrorHandler());
  EXPECT_NE(ierr, 0);
  EXPECT_EQ(steps, -7);

  // Switching an adam Tao to another type drops the adam helpers with the adam data.
  PETSC_OK(TaoSetType(tao, "adam"));
  PETSC_OK(pigx::tao_adam_get_total_steps(tao, &steps));
  EXPECT_EQ(steps, 0);
  PETSC_OK(TaoSetType(tao, TAOBNCG));
  PETSC_OK(PetscPushErrorHandler(PetscReturnErrorHandler, nullptr));
  EXPECT_NE(pigx::tao_adam_get_total_steps(tao, &steps), 0);
  PETSC_OK(PetscPopErrorHandler());
  PETSC_OK(pigx::tao_adam_set_learning_rate(tao, 0.5));

  PETSC_OK(TaoDestroy(&tao));
  PETSC_OK(VecDestroy(&x));
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (PetscInitialize(&argc, &argv, nullptr, nullptr) != 0) return 1;
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  int result = 1;
  if (pigx::register_tao_adam() == 0) result = RUN_ALL_TESTS();
  int global = 1;
  MPI_Allreduce(&result, &global, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD);
  if (PetscFinalize() != 0) return 1;
  return global;
}
