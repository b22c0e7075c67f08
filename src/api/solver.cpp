#include "pigx/api/solver.hpp"

#include <petscsys.h>

#include <cmath>
#include <optional>

#include "pigx/app/observations.hpp"
#include "pigx/app/run_config.hpp"
#include "pigx/core/error.hpp"
#include "pigx/core/host_data_pde.hpp"
#include "pigx/core/taylor.hpp"
#include "pigx/core/test_grid.hpp"
#include "pigx/parallel/data_parallel.hpp"
#include "pigx/solve/independent_runs.hpp"
#include "pigx/solve/petsc_check.hpp"
#include "pigx/solve/trainer.hpp"

namespace pigx {

struct Solver::Impl {
  MPI_Comm comm;
  RunConfig config;
  std::unique_ptr<LossFunction> loss;
  std::vector<double> theta;
  std::vector<std::vector<double>> ensemble;  // train.ensemble_sets/_runs: the models evaluate() averages
  std::optional<TestGrid> grid;
  // The models the solution averages: the ensemble, or theta alone.
  std::vector<const double*> models() const {
    return ensemble.size() > 1 ? data_pointers(ensemble) : std::vector<const double*>{theta.data()};
  }
};

namespace {

void check_runtime() {
  PetscBool petsc = PETSC_FALSE;
  PetscInitialized(&petsc);
  PIGX_CHECK_INPUT(petsc && Kokkos::is_initialized(),
                   "pigx::Solver: PETSc and Kokkos are not initialised; create a pigx::Runtime first");
}

// The settings of a problem through pigx-solve's own key table, so every key is checked the same way.
RunConfig read_settings(const Problem& p) {
  // With no INI file of its own, the problem reads an empty one: every key then comes from the overrides.
  std::vector<std::string> args = {p.config_file().empty() ? "/dev/null" : p.config_file(),
                                   "--problem.type=" + p.pde_type()};
  for (const auto& kv : p.settings()) args.push_back("--" + kv.first + "=" + kv.second);
  return std::move(read_command_line(args, builtin_pdes()).config);
}

// Hands the problem's host data to a PDE that takes it.
void apply_host_data(const Problem& p, Pde& pde) {
  if (!p.has_host_data()) return;
  auto* target = dynamic_cast<HostDataPde*>(&pde);
  PIGX_CHECK_INPUT(target, "problem '", pde.name(),
                   "' takes no host data (domain, source, boundary, exact solution); use a PDE that does, "
                   "such as poisson_data");
  if (!p.domain_lo().empty()) {
    PIGX_CHECK_INPUT(static_cast<int>(p.domain_lo().size()) == pde.dim(), "domain box has ",
                     p.domain_lo().size(), " coordinates; problem '", pde.name(), "' has ", pde.dim());
    Box b{pde.dim()};
    for (int d = 0; d < pde.dim(); ++d) b.lo[d] = p.domain_lo()[d], b.hi[d] = p.domain_hi()[d];
    target->set_domain(b);
  }
  const Box box = pde.domain();
  const std::vector<double> lo(box.lo, box.lo + box.dim), hi(box.hi, box.hi + box.dim);
  if (p.source_grid()) {
    check_grid_covers(*p.source_grid(), lo, hi, "source term");
    target->set_source(interpolate(*p.source_grid(), "source term"));
  } else if (p.source()) {
    target->set_source(p.source());
  }
  if (p.boundary_grid()) {
    check_grid_covers(*p.boundary_grid(), lo, hi, "boundary data");
    target->set_boundary(interpolate(*p.boundary_grid(), "boundary data"));
  } else if (p.boundary()) {
    target->set_boundary(p.boundary());
  }
  if (p.exact()) target->set_exact(p.exact());
}

}  // namespace

Solver::Solver(MPI_Comm comm, const Problem& problem) : impl_(std::make_unique<Impl>()) {
  check_runtime();
  impl_->comm = comm;
  RunConfig& c = impl_->config;
  c = read_settings(problem);
  apply_host_data(problem, *c.pde);
  load_observations(c);
  int size = 1;
  MPI_Comm_size(comm, &size);
  PIGX_CHECK_INPUT(c.sampling.residual >= size, "invalid value '", c.sampling.residual,
                   "' for key 'sampling.residual': expected at least one point per rank (", size, " ranks)");
  if (c.pde->has_exact()) impl_->grid = make_exact_grid(*c.pde);
  impl_->loss = std::make_unique<LossFunction>(*c.pde, c.model, sampling_box(*c.pde, c.sampling));
  initialise_parameters(c.model, impl_->loss->layout(), impl_->loss->model_box(), c.train.seed, impl_->theta);
}

Solver::~Solver() = default;
Solver::Solver(Solver&&) noexcept = default;
Solver& Solver::operator=(Solver&&) noexcept = default;

SolveReport Solver::solve(std::ostream* log) {
  PIGX_CHECK(impl_, "pigx::Solver::solve on a moved-from solver");
  Impl& s = *impl_;
  if (!s.config.petsc_options.empty())
    PIGX_PETSC(PetscOptionsInsertString(nullptr, s.config.petsc_options.c_str()));
  std::ostream quiet(nullptr);  // discards everything: a library prints only when asked
  const TestGrid* grid = s.grid ? &*s.grid : nullptr;
  TrainSpec train = s.config.train;
  if (!log) train.progress_every = 0;  // no progress lines, so no test errors computed for them either
  IndependentRuns runs(train);
  for (long long run = 0; run < runs.count(); ++run) {
    const TrainSpec spec = runs.spec_of(run);
    if (run > 0)
      initialise_parameters(s.config.model, s.loss->layout(), s.loss->model_box(), spec.seed, s.theta);
    Trainer trainer(s.comm, *s.config.pde, *s.loss, s.config.sampling, spec, grid, log ? *log : quiet);
    const TrainReport t = trainer.train(s.theta);
    runs.add(trainer.ensemble(), s.theta, t);
  }
  if (runs.count() > 1) {  // train.ensemble_keep: the best runs by their loss on validation points
    DataParallelLoss scoring(s.comm, *s.loss, &s.config.sampling);
    runs.keep_best(validation_losses(scoring, runs, validation_sets), train.ensemble_keep);
    if (runs.members().size() == 1) s.theta = runs.members().front();  // one model kept: the solution
  }
  s.ensemble = runs.members().size() > 1 ? runs.members() : std::vector<std::vector<double>>{};
  const TrainReport t = runs.total();
  SolveReport r;
  r.loss = t.loss;
  r.term_names = t.term_names;
  r.term_loss = t.term_loss;
  r.iterations = t.iterations;
  r.evaluations = t.evaluations;
  r.wall_s = t.wall_s;
  r.stop_reason = t.stop_reason;
  r.rel_l2 = grid ? test_error(s.comm, *s.loss, s.models(), *grid, nullptr) : NAN;
  return r;
}

void Solver::evaluate(const double* x, long long n, double* u, double* grad, double* hess) const {
  PIGX_CHECK(impl_, "pigx::Solver::evaluate on a moved-from solver");
  PIGX_CHECK_INPUT(n >= 0, "evaluate: point count ", n, " is negative");
  if (n == 0) return;
  PIGX_CHECK_INPUT(x && u, "evaluate: the point array and the output array u must not be null");
  const int D = dim(), O = outputs(), order = hess ? 2 : (grad ? 1 : 0), nc = taylor_size(D, order);
  for (long long i = 0; i < n * D; ++i)
    PIGX_CHECK_INPUT(std::isfinite(x[i]), "evaluate: coordinate ", i % D, " of point ", i / D,
                     " is not finite");
  std::vector<double> T, one;
  evaluate_mean_u(*impl_->loss, impl_->models(), x, n, order, T, one);  // values and derivatives alike
  for (long long p = 0; p < n; ++p)
    for (int o = 0; o < O; ++o) {
      const double* t = &T[(p * O + o) * nc];
      u[p * O + o] = t[0];
      for (int a = 0; a < D && grad; ++a) grad[(p * O + o) * D + a] = t[grad_index(a)];
      for (int a = 0; a < D && hess; ++a)
        for (int b = 0; b < D; ++b) hess[((p * O + o) * D + a) * D + b] = t[hess_index(D, a, b)];
    }
}

int Solver::dim() const {
  return impl_->config.pde->dim();
}
int Solver::outputs() const {
  return impl_->config.pde->outputs();
}
std::vector<std::string> Solver::coordinates() const {
  auto c = impl_->config.pde->coordinates();
  c.resize(dim());
  return c;
}
const std::vector<std::vector<double>>& Solver::ensemble() const {
  return impl_->ensemble;
}
const std::vector<double>& Solver::parameters() const {
  return impl_->theta;
}

void Solver::set_parameters(const std::vector<double>& theta) {
  PIGX_CHECK_INPUT(theta.size() == impl_->theta.size(), "set_parameters: ", theta.size(),
                   " values for a model of ", impl_->theta.size(), " parameters");
  impl_->theta = theta;
  impl_->ensemble.clear();
}

}  // namespace pigx
