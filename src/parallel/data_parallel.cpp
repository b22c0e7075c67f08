#include "pigx/parallel/data_parallel.hpp"

#include <algorithm>
#include <cmath>

#include "blas.hpp"
#include "pigx/core/sampler.hpp"
#include "pigx/core/taylor.hpp"
#include "pigx/parallel/mpi_check.hpp"

namespace pigx {

namespace {
// Rows of J per block in gram_times: 16 rows of a few thousand parameters stay in a core's L2 cache.
constexpr int gram_times_rows = 16;

// Counts and offsets of n items split over nranks by split_range, for the MPI v-collectives.
void split_counts(long long n, int nranks, std::vector<int>& counts, std::vector<int>& displs) {
  counts.resize(nranks), displs.resize(nranks);
  for (int q = 0; q < nranks; ++q) {
    long long qb, qe;
    split_range(n, q, nranks, qb, qe);
    counts[q] = static_cast<int>(qe - qb), displs[q] = static_cast<int>(qb);
  }
}
}  // namespace

DataParallelLoss::DataParallelLoss(MPI_Comm comm, LossFunction& loss, const SamplingSpec* sampling)
    : comm_(comm), loss_(loss), sampling_(sampling) {
  local_grad_.resize(loss.layout().total);
}

void DataParallelLoss::resample(std::uint64_t seed, std::uint64_t round, const double* theta) {
  PIGX_CHECK(sampling_, "this data-parallel loss was made without a sampling spec");
  int rank, size;
  PIGX_MPI(MPI_Comm_rank(comm_, &rank));
  PIGX_MPI(MPI_Comm_size(comm_, &size));
  std::vector<TermData> terms = draw_terms(loss_.pde(), *sampling_, seed, round, rank, size);
  // Round 0 has no trained model to look at: it stays uniform.
  if (sampling_->adaptive.enabled && theta && round > 0) {
    terms.front() = residual_term(loss_.pde(), *sampling_, adaptive_points(seed, round, theta), rank, size);
    if (sampling_->adaptive.initial)
      for (TermData& t : terms)
        if (t.name == "initial")
          t = initial_term(loss_.pde(), *sampling_, adaptive_initial_points(seed, round, theta), rank, size);
  }
  loss_.set_terms(std::move(terms));
}

std::vector<double> DataParallelLoss::adaptive_points(std::uint64_t seed, std::uint64_t round,
                                                      const double* theta) {
  const Pde& pde = loss_.pde();
  const int D = pde.dim(), E = pde.equations();
  const AdaptiveSpec& ad = sampling_->adaptive;
  const long long m = sampling_->residual * ad.candidates;
  // Every rank draws all candidates (stream 3 of the round), evaluates its share, and gathers the norms.
  auto rng = make_stream(seed, round, 3);
  std::vector<double> candidates;
  sample_interior(sampling_box(pde, *sampling_), static_cast<int>(m), rng, candidates, sampling_->sequence);
  long long b, e;
  my_share(m, b, e);
  std::vector<double> r;
  loss_.point_residuals(theta, candidates.data() + b * D, e - b, r);
  std::vector<double> local_norm(e - b);
  for (long long i = 0; i < e - b; ++i) {
    double s = 0;
    for (int q = 0; q < E; ++q) s += r[i * E + q] * r[i * E + q];
    local_norm[i] = std::sqrt(s);
  }
  return pick_candidates(candidates, local_norm, sampling_->residual, seed, round, 4);
}

std::vector<double> DataParallelLoss::adaptive_initial_points(std::uint64_t seed, std::uint64_t round,
                                                              const double* theta) {
  const Pde& pde = loss_.pde();
  const int D = pde.dim(), O = pde.outputs();
  const long long m = sampling_->initial * sampling_->adaptive.candidates;
  // Streams 5 and 6 of the round: the candidates and the pick, apart from the residual's 3 and 4.
  auto rng = make_stream(seed, round, 5);
  std::vector<double> candidates;
  sample_initial(sampling_box(pde, *sampling_), pde.time_axis(), static_cast<int>(m), rng, candidates,
                 sampling_->sequence);
  long long b, e;
  my_share(m, b, e);
  std::vector<double> u, u0(O);
  loss_.evaluate_u(theta, candidates.data() + b * D, e - b, 0, u);
  std::vector<double> local_norm(e - b);
  for (long long i = 0; i < e - b; ++i) {
    pde.initial_value(&candidates[(b + i) * D], u0.data());
    double s = 0;
    for (int o = 0; o < O; ++o) s += (u[i * O + o] - u0[o]) * (u[i * O + o] - u0[o]);
    local_norm[i] = std::sqrt(s);
  }
  return pick_candidates(candidates, local_norm, sampling_->initial, seed, round, 6);
}

void DataParallelLoss::my_share(long long m, long long& b, long long& e) const {
  int rank, size;
  PIGX_MPI(MPI_Comm_rank(comm_, &rank));
  PIGX_MPI(MPI_Comm_size(comm_, &size));
  split_range(m, rank, size, b, e);
}

std::vector<double> DataParallelLoss::pick_candidates(const std::vector<double>& candidates,
                                                      const std::vector<double>& local_norm, long long count,
                                                      std::uint64_t seed, std::uint64_t round,
                                                      std::uint64_t stream) {
  int size;
  PIGX_MPI(MPI_Comm_size(comm_, &size));
  const int D = loss_.pde().dim();
  const long long m = static_cast<long long>(candidates.size()) / D;
  std::vector<double> norm(m);
  std::vector<int> counts, displs;
  split_counts(m, size, counts, displs);
  PIGX_MPI(MPI_Allgatherv(local_norm.data(), static_cast<int>(local_norm.size()), MPI_DOUBLE, norm.data(),
                          counts.data(), displs.data(), MPI_DOUBLE, comm_));
  const AdaptiveSpec& ad = sampling_->adaptive;
  auto pick_rng = make_stream(seed, round, stream);
  const std::vector<long long> picked = select_adaptive(norm, count, ad.k, ad.c, pick_rng);
  std::vector<double> points;
  points.reserve(picked.size() * D);
  for (long long i : picked) points.insert(points.end(), &candidates[i * D], &candidates[i * D] + D);
  return points;
}

std::vector<std::string> DataParallelLoss::term_names() const {
  std::vector<std::string> names;
  for (const auto& t : loss_.terms()) names.push_back(t.name);
  return names;
}

double DataParallelLoss::test_error(const double* theta, const TestGrid& grid, std::vector<double>* u_root) {
  return pigx::test_error(comm_, loss_, theta, grid, u_root);
}

double DataParallelLoss::normal_equations(const double* theta, std::vector<double>& A,
                                          std::vector<double>& g) {
  const int P = static_cast<int>(size());
  loss_.residuals_and_jacobian(theta, r_, J_);
  auto r = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), r_);
  J_host_ = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), J_);  // kept for gram_times()
  const HostView2& J = J_host_;
  const int n = static_cast<int>(r.extent(0)), one = 1;
  const double a1 = 1.0, a0 = 0.0;
  const bool single = precision_ == GramPrecision::single_precision;
  // g, then the loss, then (single precision) diag(J^T J) in double: one reduction carries them.
  g.assign(single ? 2 * P + 1 : P + 1, 0.0);
  // Row i is the i-th point in term order (probe rows, if any, are zero and come last).
  const int dim = loss_.domain().dim;
  row_points_.clear();
  for (const auto& t : loss_.terms()) row_points_.insert(row_points_.end(), t.points.begin(), t.points.end());
  row_points_.resize(static_cast<std::size_t>(n) * dim, 0.0);
  if (single) {
    gram_.compute_single(J.data(), n, P, row_points_.data(), dim, gram_single_);
    PIGX_MPI(MPI_Allreduce(MPI_IN_PLACE, gram_single_.data(), static_cast<int>(gram_single_.size()),
                           MPI_FLOAT, MPI_SUM, comm_));
    A.assign(static_cast<std::size_t>(P) * P, 0.0);
    for (std::size_t c = 0; c < static_cast<std::size_t>(P); ++c)
      std::copy_n(&gram_single_[c * P], c + 1, &A[c * P]);
    // The diagonal sets LM's scaling: kept in double, so that the steps are those of the double product.
    double* diag = g.data() + P + 1;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < P; ++j) diag[j] += J(i, j) * J(i, j);
  } else {
    gram_.compute(J.data(), n, P, row_points_.data(), dim, A);
    PIGX_MPI(MPI_Allreduce(MPI_IN_PLACE, A.data(), static_cast<int>(A.size()), MPI_DOUBLE, MPI_SUM, comm_));
  }
  // J is row-major n x P, i.e. column-major P x n: g = J^T r is gemv("N").
  if (n > 0) dgemv_("N", &P, &n, &a1, J.data(), &P, r.data(), &one, &a0, g.data(), &one);
  double f = 0;
  for (int i = 0; i < n; ++i) f += r(i) * r(i);
  g[P] = f;
  PIGX_MPI(MPI_Allreduce(MPI_IN_PLACE, g.data(), static_cast<int>(g.size()), MPI_DOUBLE, MPI_SUM, comm_));
  if (single)
    for (std::size_t j = 0; j < static_cast<std::size_t>(P); ++j) A[j * P + j] = g[P + 1 + j];
  f = g[P];
  g.resize(P);
  return f;
}

void DataParallelLoss::gram_times(const double* v, double* out) {
  const int P = static_cast<int>(size()), n = static_cast<int>(J_host_.extent(0)), one = 1;
  const double a1 = 1.0, a0 = 0.0;
  jv_.resize(n);
  std::fill(out, out + P, 0.0);
  // J is row-major n x P, i.e. column-major P x n: J v is gemv("T"), J^T w is gemv("N"). Both products
  // run on one block of rows while it is in cache, so J (tens of MB) streams from memory once, not twice.
  const HostView2& J = J_host_;
  for (int i0 = 0; i0 < n; i0 += gram_times_rows) {
    const int m = std::min(gram_times_rows, n - i0);
    const double* block = J.data() + static_cast<std::size_t>(i0) * P;
    dgemv_("T", &P, &m, &a1, block, &P, v, &one, &a0, jv_.data() + i0, &one);
    dgemv_("N", &P, &m, &a1, block, &P, jv_.data() + i0, &one, &a1, out, &one);
  }
  PIGX_MPI(MPI_Allreduce(MPI_IN_PLACE, out, P, MPI_DOUBLE, MPI_SUM, comm_));
}

std::vector<std::vector<long long>> DataParallelLoss::parameter_blocks() const {
  std::vector<long long> all(size());
  for (long long i = 0; i < size(); ++i) all[i] = i;
  return {all};
}

void DataParallelLoss::linearise(const double* theta, ResidualRows& rows) {
  loss_.residuals_and_jacobian(theta, r_, J_);
  auto r = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), r_);
  auto J = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), J_);
  const long long n = static_cast<long long>(r.extent(0));
  rows.clear();
  rows.add_dense_rows(J.data(), r.data(), n, size(), 0);
  double f = 0;
  for (long long i = 0; i < n; ++i) f += r(i) * r(i);
  PIGX_MPI(MPI_Allreduce(&f, &rows.loss, 1, MPI_DOUBLE, MPI_SUM, comm_));
}

double DataParallelLoss::evaluate(const double* theta, double* grad, std::vector<double>& term_loss) {
  ++evaluations_;
  loss_.evaluate(theta, grad ? local_grad_.data() : nullptr, term_loss);
  const std::size_t nt = term_loss.size(), ng = grad ? local_grad_.size() : 0;
  // One reduction carries the term values and the gradient.
  buffer_.resize(nt + ng);
  std::copy(term_loss.begin(), term_loss.end(), buffer_.begin());
  if (grad) std::copy(local_grad_.begin(), local_grad_.end(), buffer_.begin() + nt);
  PIGX_MPI(MPI_Allreduce(MPI_IN_PLACE, buffer_.data(), static_cast<int>(buffer_.size()), MPI_DOUBLE, MPI_SUM,
                         comm_));
  double total = 0;
  for (std::size_t t = 0; t < nt; ++t) total += term_loss[t] = buffer_[t];
  if (grad) std::copy(buffer_.begin() + nt, buffer_.end(), grad);
  return total;
}

double test_error(MPI_Comm comm, LossFunction& loss, const double* theta, const TestGrid& grid,
                  std::vector<double>* u_root) {
  return test_error(comm, loss, std::vector<const double*>{theta}, grid, u_root);
}

void evaluate_mean_u(LossFunction& loss, const std::vector<const double*>& models, const double* points,
                     long long n, int order, std::vector<double>& out, std::vector<double>& one) {
  PIGX_CHECK(!models.empty(), "evaluate_mean_u: no model");
  loss.evaluate_u(models[0], points, n, order, out);
  if (models.size() == 1) return;
  const double count = static_cast<double>(models.size());
  for (double& v : out) v /= count;
  for (std::size_t k = 1; k < models.size(); ++k) {
    loss.evaluate_u(models[k], points, n, order, one);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] += one[i] / count;
  }
}

std::vector<const double*> data_pointers(const std::vector<std::vector<double>>& vectors) {
  std::vector<const double*> p;
  for (const auto& v : vectors) p.push_back(v.data());
  return p;
}

double test_error(MPI_Comm comm, LossFunction& loss, const std::vector<const double*>& models,
                  const TestGrid& grid, std::vector<double>* u_root) {
  int rank, size;
  PIGX_MPI(MPI_Comm_rank(comm, &rank));
  PIGX_MPI(MPI_Comm_size(comm, &size));
  const int D = loss.pde().dim(), O = loss.pde().outputs();
  long long b, e;
  split_range(grid.size(), rank, size, b, e);
  std::vector<double> U, one;
  evaluate_mean_u(loss, models, grid.points.data() + b * D, e - b, 0, U, one);
  std::vector<double> u(e - b);
  double sums[2] = {0, 0};
  for (long long i = 0; i < e - b; ++i) {
    u[i] = U[i * O];
    const double r = grid.reference[b + i];
    sums[0] += (u[i] - r) * (u[i] - r);
    sums[1] += r * r;
  }
  PIGX_MPI(MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, comm));
  if (u_root) {
    std::vector<int> counts, displs;
    split_counts(grid.size(), size, counts, displs);
    u_root->assign(rank == 0 ? grid.size() : 0, 0.0);
    PIGX_MPI(MPI_Gatherv(u.data(), static_cast<int>(u.size()), MPI_DOUBLE, u_root->data(), counts.data(),
                         displs.data(), MPI_DOUBLE, 0, comm));
  }
  return std::sqrt(sums[0] / sums[1]);
}

}  // namespace pigx
