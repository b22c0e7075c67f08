// pigx-bench: speed of the Gaussian kernels at the sizes of the benchmark problems (Google Benchmark).
// Each kernel reports Gaussian-point pairs per second, its floating-point rate and, on the CPU, the
// fraction of one core's peak measured by the FMA loop that runs first. Single process, one core.
#include <benchmark/benchmark.h>

#include <Kokkos_Core.hpp>
#include <memory>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "kernel_flops.hpp"
#include "peak_flops.hpp"
#include "pigx/core/collocation.hpp"
#include "pigx/core/gaussian_encoder.hpp"
#include "pigx/core/loss_function.hpp"
#include "pigx/core/pde.hpp"
#include "pigx/core/sampler.hpp"

namespace {

using namespace pigx;

/// One benchmark problem's reference model and point counts (docs/benchmarks in ../shared).
struct BenchCase {
  const char* name;
  const char* pde;
  int per_channel;
  double sigma0, box_lo, box_hi;
  long long residual, boundary, initial;
  double residual_weight;
};

// Reference setups of the PIG paper (benchmarks.md): Helmholtz with its 10,000 residual and 40,000
// boundary points, flow mixing with 4,000 Gaussians per channel and 27,000 residual points, Klein-Gordon.
const BenchCase kCases[] = {
    {"helmholtz_ref", "helmholtz", 800, 0.1, -1.0, 1.0, 10000, 40000, 0, 1e-4},
    {"flow_mixing_ref", "flow_mixing", 4000, 0.1, 0.0, 2.0, 27000, 3600, 900, 10.0},
    {"klein_gordon_ref", "klein_gordon", 100, 0.5, 0.0, 2.0, 4096, 1024, 256, 1.0},
};

double g_peak_gflops = 0;  // set by BM_PeakFma, which runs first
// Whether the kernels run on the host, where the measured FMA peak is the right yardstick.
constexpr bool kHostKernels = std::is_same_v<ExecSpace::memory_space, Kokkos::HostSpace>;

ModelSpec spec_for(const BenchCase& c, const Pde& pde) {
  ModelSpec s;
  s.dim = pde.dim();
  s.channels = 4;
  s.gaussians_per_channel = c.per_channel;
  s.sigma0 = c.sigma0;
  s.sigma_min = 1e-3;
  s.model_lo = c.box_lo;
  s.model_hi = c.box_hi;
  return s;
}

/// Encoder, parameters and a batch of n points of one derivative order for a case.
struct EncoderSetup {
  std::unique_ptr<Pde> pde;
  ModelSpec spec;
  std::unique_ptr<LossFunction> loss;  // owns the parameter layout and map
  std::vector<double> theta;
  View1 theta_d;
  PointBatch batch;
  View3 F;

  EncoderSetup(const BenchCase& c, long long n, int order) {
    pde = builtin_pdes().create(c.pde);
    spec = spec_for(c, *pde);
    loss = std::make_unique<LossFunction>(*pde, spec);
    initialise_parameters(spec, loss->layout(), loss->model_box(), 1, theta);
    theta_d = View1("theta", theta.size());
    auto h = Kokkos::create_mirror_view(theta_d);
    for (std::size_t i = 0; i < theta.size(); ++i) h(i) = theta[i];
    Kokkos::deep_copy(theta_d, h);
    std::mt19937_64 rng(7);
    std::vector<double> pts;
    sample_interior(pde->domain(), static_cast<int>(n), rng, pts);
    batch = loss->make_batch(pts.data(), n, std::vector<int>(n, order));
    F = View3("F", n, spec.channels, taylor_size(spec.dim, 2));
  }
};

void set_rate_counters(benchmark::State& state, double pairs_per_iter, double flops_per_iter) {
  state.counters["pairs/s"] =
      benchmark::Counter(pairs_per_iter, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops_per_iter * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

/// Peak double-precision rate of one core (independent FMA chains, the machine's vector width).
void BM_PeakFma(benchmark::State& state) {
  double gflops = 0;
  if (!kHostKernels) {
    state.SkipWithError("the kernels run on a GPU: the host's FMA peak does not apply");
    for (auto _ : state) {
    }
    return;
  }
  for (auto _ : state) gflops = std::max(gflops, measure_peak_gflops());
  g_peak_gflops = gflops;
  state.counters["GFLOP/s"] = gflops;
}

/// Feature evaluation with input derivatives up to `order` at every point (the forward pair kernel).
void BM_Forward(benchmark::State& state, BenchCase c, int order) {
  const long long n = c.residual;
  EncoderSetup s(c, n, order);
  GaussianEncoder& enc = s.loss->gaussian_encoder();
  enc.prepare(s.theta_d, s.batch);
  for (auto _ : state) {
    enc.forward(s.batch, s.F, false);
    Kokkos::fence();
  }
  // Useful flops count the pairs inside the cut-off only; executed flops also the rejected candidates,
  // which run the same vector arithmetic (what a hardware counter would see).
  const double pairs = static_cast<double>(enc.last_pairs());
  const double candidates = static_cast<double>(enc.candidate_pairs(s.batch));
  const double per_pair = forward_pair_flops(s.spec.dim, s.spec.covariance == Covariance::Diagonal, order);
  set_rate_counters(state, pairs, pairs * per_pair);
  state.counters["pairs/point"] = pairs / n;
  state.counters["candidates/point"] = candidates / n;
  if (g_peak_gflops > 0) {
    state.counters["peak_fraction"] = benchmark::Counter(pairs * per_pair * 1e-9 / g_peak_gflops,
                                                         benchmark::Counter::kIsIterationInvariantRate);
    state.counters["executed_peak_fraction"] = benchmark::Counter(
        candidates * per_pair * 1e-9 / g_peak_gflops, benchmark::Counter::kIsIterationInvariantRate);
  }
}

/// Shapes, cell grid, binning and packing of the Gaussians and points (done once per evaluation).
void BM_Prepare(benchmark::State& state, BenchCase c) {
  EncoderSetup s(c, c.residual, 2);
  GaussianEncoder& enc = s.loss->gaussian_encoder();
  for (auto _ : state) {
    enc.prepare(s.theta_d, s.batch);
    Kokkos::fence();
  }
}

/// Loss and full gradient on all terms of the reference setup (what one optimiser iteration costs).
void BM_LossGradient(benchmark::State& state, BenchCase c) {
  auto pde = builtin_pdes().create(c.pde);
  const ModelSpec spec = spec_for(c, *pde);
  LossFunction loss(*pde, spec);
  std::vector<double> theta, grad, term_loss;
  initialise_parameters(spec, loss.layout(), loss.model_box(), 1, theta);
  grad.resize(theta.size());
  SamplingSpec sampling{c.residual, c.boundary, c.initial, c.residual_weight, 1.0, 1.0};
  loss.set_terms(draw_terms(*pde, sampling, 1, 0, 0, 1));
  long long points = 0;
  for (const auto& t : loss.terms()) points += t.local_count(spec.dim);
  for (auto _ : state) {
    benchmark::DoNotOptimize(loss.evaluate(theta.data(), grad.data(), term_loss));
  }
  state.counters["points"] = static_cast<double>(points);
  state.counters["params"] = static_cast<double>(theta.size());
  state.counters["pairs/point"] = static_cast<double>(loss.gaussian_encoder().last_pairs()) / points;
}

/// Residuals and the dense residual Jacobian (what one Gauss-Newton / LM iteration assembles).
void BM_Jacobian(benchmark::State& state, BenchCase c) {
  auto pde = builtin_pdes().create(c.pde);
  const ModelSpec spec = spec_for(c, *pde);
  LossFunction loss(*pde, spec);
  std::vector<double> theta;
  initialise_parameters(spec, loss.layout(), loss.model_box(), 1, theta);
  SamplingSpec sampling{c.residual, c.boundary, c.initial, c.residual_weight, 1.0, 1.0};
  loss.set_terms(draw_terms(*pde, sampling, 1, 0, 0, 1));
  View1 r;
  View2 J;
  for (auto _ : state) {
    loss.residuals_and_jacobian(theta.data(), r, J);
    Kokkos::fence();
  }
  state.counters["rows"] = static_cast<double>(J.extent(0));
  state.counters["cols"] = static_cast<double>(J.extent(1));
}

void register_benchmarks() {
  benchmark::RegisterBenchmark("PeakFma", BM_PeakFma)->Iterations(5);
  for (const BenchCase& c : kCases) {
    const std::string n = c.name;
    benchmark::RegisterBenchmark(("Forward/order2/" + n).c_str(), BM_Forward, c, 2)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("Forward/order0/" + n).c_str(), BM_Forward, c, 0)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("Prepare/" + n).c_str(), BM_Prepare, c)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("LossGradient/" + n).c_str(), BM_LossGradient, c)
        ->Unit(benchmark::kMillisecond);
  }
  // Dense J is (points x parameters): only the small model fits.
  benchmark::RegisterBenchmark("Jacobian/klein_gordon_ref", BM_Jacobian, kCases[2])
      ->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
  Kokkos::initialize(argc, argv);
  {
    benchmark::Initialize(&argc, argv);
    register_benchmarks();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
  }
  Kokkos::finalize();
  return 0;
}
