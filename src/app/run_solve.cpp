#include "pigx/app/run_solve.hpp"

#include <petsctao.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <thread>

#include "pigx/app/checkpointing.hpp"
#include "pigx/app/observations.hpp"
#include "pigx/app/validate.hpp"
#include "pigx/core/error.hpp"
#include "pigx/io/reference_grid.hpp"
#include "pigx/io/solution_writer.hpp"
#include "pigx/io/summary_writer.hpp"
#include "pigx/parallel/data_parallel.hpp"
#include "pigx/parallel/decomposed_loss.hpp"
#include "pigx/parallel/mpi_check.hpp"
#include "pigx/solve/independent_runs.hpp"
#include "pigx/solve/petsc_check.hpp"
#include "pigx/solve/tao_adam.hpp"
#include "pigx/solve/tao_gauss_newton.hpp"
#include "pigx/solve/tao_linear_lsq.hpp"
#include "pigx/solve/trainer.hpp"

namespace pigx {

namespace {

// Refuses stage types TAO does not know, before any work is done.
void check_stage_types(MPI_Comm comm, const TrainSpec& spec) {
  PIGX_PETSC(register_tao_adam());
  PIGX_PETSC(register_tao_gauss_newton());
  PIGX_PETSC(register_tao_linear_lsq());
  for (const StageSpec& s : spec.stages) {
    if (s.type == "lm") continue;  // pigx's Levenberg-Marquardt, not a TAO type
    Tao tao;
    PIGX_PETSC(TaoCreate(comm, &tao));
    PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
    const PetscErrorCode rc = TaoSetType(tao, s.type.c_str());
    PetscPopErrorHandler();
    PIGX_PETSC(TaoDestroy(&tao));
    if (rc)
      throw_input_error("train.stages", s.type,
                        "lm, gn, lsq or a TAO type such as adam, lmvm, bqnls, bncg, nls, ntr");
  }
}

// Collective: whether `path` exists, as rank 0 sees it (so every rank takes the same branch).
bool exists_on_rank0(MPI_Comm comm, const std::string& path) {
  int rank, found = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) found = std::filesystem::exists(path) ? 1 : 0;
  PIGX_MPI(MPI_Bcast(&found, 1, MPI_INT, 0, comm));
  return found != 0;
}

// --check: everything was validated; say so (rank 0) and return without training or writing.
RunResult report_check(const RunConfig& c, int ranks, const TestGrid& grid, std::ostream* log) {
  RunResult r;
  r.parameters = static_cast<long long>(ParamLayout::from_spec(c.model).total);
  if (log)
    *log << "pigx-solve: " << c.config_file
         << ": configuration, data files and rank count are valid (problem " << c.problem << ", "
         << r.parameters << " parameters, " << ranks << " rank(s), " << grid.size()
         << " test points); nothing trained or written\n";
  return r;
}

// Testing hook PIGX_TEST_INJECT_NAN_AT_EVALUATION=k[:count]: poison `count` (default 1) loss evaluations
// from the k-th on, to exercise the divergence guard.
void read_nan_injection(TrainSpec& t) {
  const char* v = std::getenv("PIGX_TEST_INJECT_NAN_AT_EVALUATION");
  if (v == nullptr || *v == '\0') return;
  char* end = nullptr;
  t.inject_nan_at_evaluation = std::strtoll(v, &end, 10);
  t.inject_nan_count = *end == ':' ? std::strtoll(end + 1, nullptr, 10) : 1;
}

// The trained PDE coefficients (inverse problems): recovered values, initial guesses and, when inverse.true
// is given, the true values and relative errors; plus the size and noise of the data term.
void add_inverse_summary(const RunConfig& c, const std::vector<double>& theta, const ParamLayout& layout,
                         io::JsonObject& s) {
  if (c.sampling.data.count > 0) {
    s.set("data_points", c.sampling.data.count);
    if (c.data_noise_std >= 0) s.set("data_noise_std", c.data_noise_std);
  }
  const std::vector<std::string>& names = c.pde->trained_coefficients();
  if (names.empty()) return;
  io::JsonObject value, initial, truth, error;
  for (std::size_t j = 0; j < names.size(); ++j) {
    const double v = theta[layout.coefficients + j];
    value.set(names[j], v);
    initial.set(names[j], c.model.coefficients[j]);
    if (j < c.coefficient_truth.size()) {
      const double t = c.coefficient_truth[j];
      truth.set(names[j], t);
      error.set(names[j], t != 0 ? std::abs(v - t) / std::abs(t) : std::abs(v));
    }
  }
  s.set("coefficients", value);
  s.set("coefficients_initial", initial);
  if (!c.coefficient_truth.empty()) {
    s.set("coefficients_true", truth);
    s.set("coefficients_rel_error", error);
  }
}

// train.ensemble_runs: each run's loss on validation points and the runs the solution averages (1-based).
struct RunSelection {
  std::vector<double> validation_loss, kept;
};

// Collective: scores the runs on validation points and keeps the train.ensemble_keep best, saying so.
RunSelection select_runs(GlobalLoss& global, IndependentRuns& runs, const TrainSpec& spec,
                         std::ostream* log) {
  RunSelection s;
  s.validation_loss = validation_losses(global, runs, validation_sets);
  for (long long k : runs.keep_best(s.validation_loss, spec.ensemble_keep))
    s.kept.push_back(static_cast<double>(k + 1));
  if (log) {
    *log << "pigx-solve: validation loss of the runs:" << std::scientific << std::setprecision(4);
    for (double v : s.validation_loss) *log << " " << v;
    *log << std::defaultfloat << "; the solution averages run(s)";
    for (double k : s.kept) *log << " " << k;
    *log << (spec.ensemble_keep > 0 ? " (train.ensemble_keep = " + std::to_string(spec.ensemble_keep) + ")"
                                    : std::string(" (all)"))
         << "\n";
  }
  return s;
}

// Decomposition and interface traffic of a run, for the summary.
struct Traffic {
  std::string layout;
  long long subdomains = 1;
  double bytes_per_evaluation = 0, bytes_per_iteration = 0;
};

io::JsonObject make_summary(const RunConfig& c, int ranks, const RunResult& r, const TrainReport& rep,
                            double train_s, const std::vector<double>& theta, const ParamLayout& layout,
                            const Traffic& traffic, const std::vector<double>& run_errors,
                            const RunSelection& selection) {
  io::JsonObject s;
  s.set("problem", c.problem);
  s.set("seed", static_cast<long long>(c.train.seed));
  s.set("ranks", ranks);
  s.set("subdomains", traffic.layout);
  s.set("subdomain_count", traffic.subdomains);
  s.set("interface_bytes_per_evaluation", traffic.bytes_per_evaluation);
  s.set("interface_bytes_per_iteration", traffic.bytes_per_iteration);
  s.set("oversubscribed", ranks > static_cast<int>(std::thread::hardware_concurrency()));
  s.set("parameters", r.parameters);
  s.set("iterations", r.iterations);
  s.set("evaluations", r.evaluations);
  s.set("jacobian_evaluations", rep.jacobian_evaluations);
  s.set("wall_s", r.wall_s);
  s.set("train_s", train_s);
  s.set("s_per_iteration", r.iterations > 0 ? train_s / r.iterations : 0.0);
  s.set("rel_l2", r.rel_l2);
  s.set("rel_l2_last_model", r.rel_l2_last_model);
  s.set("ensemble_members", r.ensemble_members);
  s.set("ensemble_runs", static_cast<long long>(c.train.ensemble_runs));
  if (!run_errors.empty()) s.set("run_rel_l2", run_errors);
  if (!selection.kept.empty()) {
    s.set("run_validation_loss", selection.validation_loss);
    s.set("runs_kept", selection.kept);
  }
  s.set("final_loss", rep.loss);
  io::JsonObject terms;
  for (std::size_t i = 0; i < rep.term_names.size(); ++i) terms.set(rep.term_names[i], rep.term_loss[i]);
  s.set("loss_terms", terms);
  s.set("stop_reason", rep.stop_reason);
  add_inverse_summary(c, theta, layout, s);
  s.set("restarted", c.restart);
  char host[256] = "unknown";
  gethostname(host, sizeof host);
  io::JsonObject hw;
  hw.set("host", std::string(host));
  hw.set("hardware_threads", static_cast<long long>(std::thread::hardware_concurrency()));
  hw.set("kokkos_execution_space", std::string(ExecSpace::name()));
  s.set("machine", hw);
  io::JsonObject cfg;
  for (const auto& kv : c.effective) cfg.set(kv.first, kv.second);
  s.set("config", cfg);
  return s;
}

}  // namespace

RunResult run_solve(MPI_Comm comm, RunConfig& c, std::ostream& log) {
  const auto t0 = std::chrono::steady_clock::now();
  int rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  check_output_dir(c.output_dir);
  check_rank_count(c, size);
  long long subdomains = 1;
  for (int n : c.subdomains) subdomains *= n;
  if (subdomains > 1) check_decomposition_inputs(*c.pde, c.interface, c.effective.at("domain.subdomains"));
  check_stage_types(comm, c.train);
  const Pde& pde = *c.pde;
  const TestGrid grid = io::make_test_grid(pde, c.data_dir, c.reference_file);
  load_observations(c);
  if (c.check_only) return report_check(c, size, grid, rank == 0 ? &log : nullptr);
  if (!c.petsc_options.empty()) PIGX_PETSC(PetscOptionsInsertString(nullptr, c.petsc_options.c_str()));

  // One model with its points split over the ranks, or one model per subdomain.
  std::unique_ptr<LossFunction> single;
  std::unique_ptr<GlobalLoss> global;
  DecomposedLoss* decomposed = nullptr;
  std::vector<double> theta;
  if (subdomains > 1) {
    auto d = std::make_unique<DecomposedLoss>(
        comm, pde, c.model, Decomposition(pde.domain(), c.subdomains, size), c.sampling, c.interface);
    d->initialise(c.train.seed, theta);
    decomposed = d.get();
    global = std::move(d);
  } else {
    single = std::make_unique<LossFunction>(pde, c.model, sampling_box(pde, c.sampling));
    initialise_parameters(c.model, single->layout(), single->model_box(), c.train.seed, theta);
    global = std::make_unique<DataParallelLoss>(comm, *single, &c.sampling);
  }
  const ParamLayout layout = ParamLayout::from_spec(c.model);
  if (rank == 0) {
    log << "pigx-solve: problem " << c.problem << ", " << theta.size() << " parameters, " << size
        << " rank(s), " << grid.size() << " test points";
    if (decomposed)
      log << ", " << subdomains << " subdomains (" << decomposed->decomposition().text() << ", "
          << decomposed->decomposition().faces().size() << " interfaces)";
    log << "\n";
  }
  read_nan_injection(c.train);
  IndependentRuns runs(c.train);
  std::vector<double> run_errors;  // each run's own solution, with several runs
  for (long long run = 0; run < runs.count(); ++run) {
    const TrainSpec spec = runs.spec_of(run);
    if (run > 0)  // several runs need one subdomain (run_config), so one model: `single`
      initialise_parameters(c.model, single->layout(), single->model_box(), spec.seed, theta);
    if (runs.count() > 1 && rank == 0)
      log << "pigx-solve: independent run " << run + 1 << " of " << runs.count() << " (seed " << spec.seed
          << (spec.max_time > 0 ? ", " + std::to_string(std::llround(spec.max_time)) + " s" : "") << ")\n";
    Trainer trainer(*global, spec, &grid, log);
    const io::CheckpointIdentity identity = checkpoint_identity(c, static_cast<long long>(theta.size()), run);
    // A run that had not started when the job stopped has no checkpoint: it starts afresh.
    const std::string restart_file = run_checkpoint_path(c.restart_file, run);
    if (c.restart && (run == 0 || exists_on_rank0(comm, restart_file))) {
      trainer.resume_from(load_checkpoint(comm, restart_file, identity));
      if (rank == 0) log << "pigx-solve: continuing from checkpoint " << restart_file << "\n";
    }
    if (c.checkpoint_every > 0)
      trainer.set_checkpointing(
          c.checkpoint_every,
          checkpoint_writer(comm, run_checkpoint_path(c.checkpoint_file, run), identity, log));
    const TrainReport rep = trainer.train(theta);
    runs.add(trainer.ensemble(), theta, rep);
    if (runs.count() > 1) {
      const std::vector<const double*> own = trainer.ensemble().empty()
                                                 ? std::vector<const double*>{theta.data()}
                                                 : data_pointers(trainer.ensemble());
      run_errors.push_back(test_error(comm, *single, own, grid, nullptr));
      if (rank == 0)
        log << "pigx-solve: run " << run + 1 << ": rel_l2 " << std::scientific << std::setprecision(4)
            << run_errors.back() << std::defaultfloat << " (" << rep.stop_reason << ")\n";
    }
  }
  const TrainReport rep = runs.total();
  RunSelection selection;
  if (runs.count() > 1) {
    selection = select_runs(*global, runs, c.train, rank == 0 ? &log : nullptr);
    // One model kept (train.ensemble_keep = 1 without ensemble_sets): it is the solution.
    if (runs.members().size() == 1) theta = runs.members().front();
  }

  RunResult r;
  std::vector<double> u;
  r.rel_l2 = global->test_error(theta.data() + global->view_begin(), grid, decomposed ? nullptr : &u);
  r.rel_l2_last_model = r.rel_l2;
  r.ensemble_members = static_cast<long long>(runs.members().size());
  if (r.ensemble_members > 1) {  // one subdomain (run_config), so one model: `single`
    r.rel_l2 = test_error(comm, *single, data_pointers(runs.members()), grid, &u);
    if (rank == 0)
      log << "pigx-solve: the solution is the mean of " << r.ensemble_members << " models ("
          << (runs.count() > 1 ? std::to_string(runs.recorded()) + " independent runs"
                               : std::string("one run"))
          << (c.train.ensemble_sets > 1 ? ", each the fits to its last point sets" : "") << "): rel_l2 "
          << std::scientific << std::setprecision(4) << r.rel_l2 << " (the last model alone "
          << r.rel_l2_last_model << ")\n";
  }
  // Interface traffic: bytes all ranks sent to other ranks in one evaluation, and per iteration.
  long long bytes = decomposed ? decomposed->bytes_sent() : 0;
  PIGX_MPI(MPI_Allreduce(MPI_IN_PLACE, &bytes, 1, MPI_LONG_LONG, MPI_SUM, comm));
  Traffic traffic{decomposed ? decomposed->decomposition().text() : std::string("1"), subdomains,
                  static_cast<double>(bytes),
                  rep.iterations > 0 ? static_cast<double>(bytes) * rep.evaluations / rep.iterations : 0.0};
  r.iterations = rep.iterations;
  r.evaluations = rep.evaluations;
  r.parameters = static_cast<long long>(theta.size());
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (c.write_solution) {
    io::GridField f;
    f.coordinates = grid.axis_names;
    f.axes = grid.axes;
    const int D = pde.dim();
    f.reference = grid.reference;  // every rank: each writes the error at its points
    if (rank == 0) {
      f.points.resize(grid.size() * D);
      for (long long i = 0; i < grid.size(); ++i)
        for (int k = 0; k < D; ++k) f.points[i * D + k] = grid.points[i * D + grid.axis_coordinate[k]];
    }
    if (decomposed) {
      // Each rank writes its subdomains' values into the one file (parallel HDF5).
      std::vector<long long> index;
      std::vector<double> mine;
      decomposed->evaluate_grid(theta.data() + global->view_begin(), grid, index, mine);
      io::write_solution_collective(comm, c.output_dir, std::move(f), index, mine);
    } else if (rank == 0) {
      f.u = u;
      io::write_solution(c.output_dir, f);
    }
  }
  if (rank == 0) {
    std::filesystem::create_directories(c.output_dir);
    io::write_file_atomically(
        c.output_dir + "/summary.json",
        make_summary(c, size, r, rep, rep.wall_s, theta, layout, traffic, run_errors, selection).str());
    log << "final: rel_l2 " << std::scientific << std::setprecision(4) << r.rel_l2 << "  iterations "
        << r.iterations << "  evaluations " << r.evaluations << "  wall " << std::fixed
        << std::setprecision(1) << r.wall_s << " s  (" << rep.stop_reason << ")\n";
    const auto& names = pde.trained_coefficients();
    for (std::size_t j = 0; j < names.size(); ++j) {
      log << "coefficient " << names[j] << " = " << std::setprecision(8) << std::defaultfloat
          << theta[layout.coefficients + j] << " (initial " << c.model.coefficients[j];
      if (j < c.coefficient_truth.size())
        log << ", true " << c.coefficient_truth[j] << ", relative error " << std::scientific
            << std::setprecision(3)
            << std::abs(theta[layout.coefficients + j] - c.coefficient_truth[j]) /
                   std::abs(c.coefficient_truth[j])
            << std::defaultfloat;
      log << ")\n";
    }
    log << "wrote " << c.output_dir << "/summary.json" << (c.write_solution ? " and solution.h5/.xdmf" : "")
        << "\n";
  }
  return r;
}

}  // namespace pigx
