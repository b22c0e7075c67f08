#include "pigx/parallel/decomposed_loss.hpp"

#include <cmath>

#include "blas.hpp"
#include "pigx/core/error.hpp"
#include "pigx/core/sampler.hpp"
#include "pigx/parallel/mpi_check.hpp"

namespace pigx {

/// One face of an owned subdomain: where its probes sit and what the neighbour sent.
struct DecomposedLoss::Face {
  int index = 0;  // in dec_.faces()
  int other = 0;  // the neighbouring subdomain
  bool side_a = true;
  int axis = 0;
  double h = 0;                                 // probe step along the normal
  long long probe_begin = 0;                    // first probe of this face in the subdomain's probe list
  long long points = 0;                         // interface points on the face
  std::vector<std::vector<InterfaceRow>> rows;  // per active condition
  std::vector<double> remote;                   // the neighbour's probe values, same order as ours
  std::vector<double> res;                      // weighted interface residuals (the same on both sides)
  std::vector<double> jac_own, jac_remote;      // their Jacobian rows over this side's / the neighbour's
                                                // parameters
};

namespace {

// Keeps the points of `t` that lie in subdomain s, with their targets and source values.
TermData restrict_term(const TermData& t, const Decomposition& dec, int s, int D, int O, int E) {
  TermData out;
  out.name = t.name;
  out.kind = t.kind;
  out.weight = t.weight;
  out.global_count = t.global_count;
  const long long n = t.local_count(D);
  for (long long i = 0; i < n; ++i) {
    if (dec.locate(&t.points[i * D]) != s) continue;
    out.points.insert(out.points.end(), &t.points[i * D], &t.points[i * D] + D);
    if (!t.targets.empty()) out.targets.insert(out.targets.end(), &t.targets[i * O], &t.targets[i * O] + O);
    if (!t.forcing.empty()) out.forcing.insert(out.forcing.end(), &t.forcing[i * E], &t.forcing[i * E] + E);
  }
  return out;
}

// The value of `row` at the interface point whose first probe is `first` (probe values of width W): the
// same expression on both sides, A's values first, so both sides get the same bits.
double row_value(const InterfaceRow& row, const std::vector<int>& slot, const double* va, const double* vb,
                 long long first, long long W) {
  double r = 0;
  for (std::size_t q = 0; q < slot.size(); ++q) {
    const long long at = (first + slot[q]) * W;
    for (long long k = 0; k < W; ++k) r += row.a[q * W + k] * va[at + k];
    for (long long k = 0; k < W; ++k) r += row.b[q * W + k] * vb[at + k];
  }
  return r;
}

}  // namespace

void check_decomposition_inputs(const Pde& pde, const InterfaceSpec& iface, const std::string& layout) {
  if (!pde.trained_coefficients().empty())
    throw_input_error("domain.subdomains", layout,
                      "1 when PDE coefficients are trained (each subdomain would learn its own value)");
  for (const std::string& name : iface.conditions) {
    const int order = builtin_interface_conditions().create(name)->min_order();
    if (order > pde.order())
      throw_input_error("interface." + name, "true",
                        cat("false for problem ", pde.name(), ": its residual has order ", pde.order(),
                            ", so probes carry no derivatives of order ", order));
  }
}

DecomposedLoss::DecomposedLoss(MPI_Comm comm, const Pde& pde, const ModelSpec& spec, const Decomposition& dec,
                               const SamplingSpec& sampling, const InterfaceSpec& iface)
    : comm_(comm), pde_(pde), spec_(spec), dec_(dec), sampling_(sampling), iface_(iface) {
  PIGX_MPI(MPI_Comm_rank(comm, &rank_));
  check_decomposition_inputs(pde, iface, dec.text());
  L_ = ProbeLayout{pde.dim(), pde.outputs(), pde.order(), pde.equations()};
  block_ = static_cast<long long>(ParamLayout::from_spec(spec).total);
  dec_.owned(rank_, first_, nowned_);
  // The active conditions and the probe offsets they need.
  PIGX_CHECK(iface.weights.size() == iface.conditions.size(), "one weight per interface condition");
  for (std::size_t c = 0; c < iface.conditions.size(); ++c) {
    Active a{builtin_interface_conditions().create(iface.conditions[c]), iface.weights[c], {}};
    for (double off : a.condition->offsets()) {
      std::size_t q = 0;
      while (q < offsets_.size() && offsets_[q] != off) ++q;
      if (q == offsets_.size()) offsets_.push_back(off);
      a.slot.push_back(static_cast<int>(q));
    }
    active_.push_back(std::move(a));
  }
  const Box domain = pde.domain();
  faces_.resize(nowned_);
  for (int l = 0; l < nowned_; ++l) {
    const int s = first_ + l;
    models_.push_back(std::make_unique<LossFunction>(pde, spec, dec_.box(s)));
    long long begin = 0;
    for (std::size_t f = 0; f < dec_.faces().size(); ++f) {
      const SharedFace& sf = dec_.faces()[f];
      if (sf.a != s && sf.b != s) continue;
      Face F;
      F.index = static_cast<int>(f);
      F.side_a = sf.a == s;
      F.other = F.side_a ? sf.b : sf.a;
      F.axis = sf.axis;
      F.h = iface.step * domain.extent(sf.axis);
      F.probe_begin = begin;
      F.points = iface.points_per_face;
      for (const Active& a : active_) F.rows.push_back(a.condition->rows(L_, F.axis, F.h));
      begin += F.points * static_cast<long long>(offsets_.size());
      faces_[l].push_back(std::move(F));
    }
  }
  face_points_total_ = iface.points_per_face * static_cast<long long>(dec_.faces().size());
}

DecomposedLoss::~DecomposedLoss() = default;

void DecomposedLoss::initialise(std::uint64_t seed, std::vector<double>& theta) const {
  theta.assign(size(), 0.0);
  const ParamLayout layout = ParamLayout::from_spec(spec_);
  std::vector<double> sub;
  for (int s = 0; s < dec_.count(); ++s) {
    const Box b = dec_.box(s);
    initialise_parameters(spec_, layout, mapped_box(b, make_affine_map(b, spec_.model_lo, spec_.model_hi)),
                          seed * 1000003ULL + static_cast<std::uint64_t>(s), sub);
    std::copy(sub.begin(), sub.end(), theta.begin() + s * block_);
  }
}

void DecomposedLoss::resample(std::uint64_t seed, std::uint64_t round, const double*) {
  PIGX_CHECK(!sampling_.adaptive.enabled, "adaptive sampling needs one subdomain");
  const int D = pde_.dim(), O = pde_.outputs(), E = pde_.equations();
  // Every rank draws the global points (as a single domain would) and keeps those of its subdomains.
  const std::vector<TermData> all = draw_terms(pde_, sampling_, seed, round, 0, 1);
  names_.clear();
  for (const auto& t : all) names_.push_back(t.name);
  nterms_ = static_cast<int>(all.size());
  for (const Active& a : active_) names_.push_back("interface_" + a.condition->name());
  for (int l = 0; l < nowned_; ++l) {
    const int s = first_ + l;
    std::vector<TermData> terms;
    for (const auto& t : all) terms.push_back(restrict_term(t, dec_, s, D, O, E));
    TermData probes;
    for (const Face& F : faces_[l]) {
      // The face's points, drawn identically by both owners.
      const SharedFace& sf = dec_.faces()[F.index];
      Box face = dec_.box(sf.a);
      face.lo[sf.axis] = face.hi[sf.axis];
      auto rng = make_stream(seed, round, 1000 + static_cast<std::uint64_t>(F.index));
      std::vector<double> pts;
      sample_interior(face, static_cast<int>(F.points), rng, pts, sampling_.sequence);
      for (long long i = 0; i < F.points; ++i)
        for (double off : offsets_) {
          std::vector<double> x(&pts[i * D], &pts[i * D] + D);
          x[sf.axis] += off * F.h;
          probes.points.insert(probes.points.end(), x.begin(), x.end());
          if (pde_.has_forcing()) {
            std::vector<double> f(E);
            pde_.forcing(x.data(), f.data());
            probes.forcing.insert(probes.forcing.end(), f.begin(), f.end());
          }
        }
    }
    models_[l]->set_terms(std::move(terms), std::move(probes));
    probes_.resize(nowned_);
    adjoint_.resize(nowned_);
  }
}

void DecomposedLoss::exchange_probes() {
  const long long W = L_.width(), noff = static_cast<long long>(offsets_.size());
  std::vector<MPI_Request> requests;
  bytes_sent_ = 0;
  for (int l = 0; l < nowned_; ++l)
    for (Face& F : faces_[l]) {
      const long long n = F.points * noff * W;
      F.remote.resize(n);
      const int owner = dec_.owner(F.other);
      const double* mine = probes_[l].data() + F.probe_begin * W;
      if (owner == rank_) {
        // Both sides are here: hand our values to the neighbour's face record.
        for (Face& G : faces_[F.other - first_])
          if (G.index == F.index) G.remote.assign(mine, mine + n);
        continue;
      }
      requests.emplace_back();
      PIGX_MPI(MPI_Irecv(F.remote.data(), static_cast<int>(n), MPI_DOUBLE, owner, F.index, comm_,
                         &requests.back()));
      requests.emplace_back();
      PIGX_MPI(MPI_Isend(mine, static_cast<int>(n), MPI_DOUBLE, owner, F.index, comm_, &requests.back()));
      bytes_sent_ += n * static_cast<long long>(sizeof(double));
    }
  PIGX_MPI(MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE));
}

void DecomposedLoss::interface_terms(bool gradient, std::vector<double>& sub_terms) {
  const long long W = L_.width(), noff = static_cast<long long>(offsets_.size());
  const int T = term_count();
  for (int l = 0; l < nowned_; ++l) {
    if (gradient) adjoint_[l].assign(probes_[l].size(), 0.0);
    for (const Face& F : faces_[l]) {
      const double* own = probes_[l].data() + F.probe_begin * W;
      const double* va = F.side_a ? own : F.remote.data();
      const double* vb = F.side_a ? F.remote.data() : own;
      double* adj = gradient ? adjoint_[l].data() + F.probe_begin * W : nullptr;
      for (std::size_t c = 0; c < active_.size(); ++c) {
        const double scale = active_[c].weight / static_cast<double>(face_points_total_);
        const std::vector<int>& slot = active_[c].slot;
        double sum = 0;
        for (long long i = 0; i < F.points; ++i)
          for (const InterfaceRow& row : F.rows[c]) {
            const double r = row_value(row, slot, va, vb, i * noff, W);
            sum += r * r;
            if (!adj) continue;
            const std::vector<double>& co = F.side_a ? row.a : row.b;
            for (std::size_t q = 0; q < slot.size(); ++q) {
              const long long at = (i * noff + slot[q]) * W;
              for (long long k = 0; k < W; ++k) adj[at + k] += 2 * scale * r * co[q * W + k];
            }
          }
        if (F.side_a) sub_terms[l * T + nterms_ + c] += scale * sum;  // counted once, on side A
      }
    }
  }
}

std::vector<double> DecomposedLoss::gather_subdomains(const std::vector<double>& mine,
                                                      int per_subdomain) const {
  int nranks;
  PIGX_MPI(MPI_Comm_size(comm_, &nranks));
  std::vector<int> counts(nranks), displs(nranks);
  for (int r = 0; r < nranks; ++r) {
    int first, n;
    dec_.owned(r, first, n);
    counts[r] = n * per_subdomain, displs[r] = first * per_subdomain;
  }
  std::vector<double> all(static_cast<std::size_t>(dec_.count()) * per_subdomain);
  PIGX_MPI(MPI_Allgatherv(mine.data(), nowned_ * per_subdomain, MPI_DOUBLE, all.data(), counts.data(),
                          displs.data(), MPI_DOUBLE, comm_));
  return all;
}

double DecomposedLoss::gather_terms(const std::vector<double>& sub_terms, std::vector<double>& term_loss) {
  const int T = term_count();
  const std::vector<double> all = gather_subdomains(sub_terms, T);
  term_loss.assign(T, 0.0);
  for (int s = 0; s < dec_.count(); ++s)
    for (int t = 0; t < T; ++t) term_loss[t] += all[s * T + t];
  double total = 0;
  for (int t = 0; t < T; ++t) total += term_loss[t];
  return total;
}

double DecomposedLoss::evaluate(const double* view, double* grad_view, std::vector<double>& term_loss) {
  ++evaluations_;
  const int T = term_count();
  std::vector<double> sub_terms(static_cast<std::size_t>(nowned_) * T, 0.0), tl;
  for (int l = 0; l < nowned_; ++l) {
    models_[l]->evaluate_forward(view + l * block_, grad_view != nullptr, tl, probes_[l]);
    std::copy(tl.begin(), tl.end(), sub_terms.begin() + l * T);
  }
  exchange_probes();
  interface_terms(grad_view != nullptr, sub_terms);
  if (grad_view)
    for (int l = 0; l < nowned_; ++l) models_[l]->evaluate_reverse(adjoint_[l], grad_view + l * block_);
  return gather_terms(sub_terms, term_loss);
}

void DecomposedLoss::evaluate_grid(const double* view, const TestGrid& grid, std::vector<long long>& index,
                                   std::vector<double>& u) {
  const int D = pde_.dim(), O = pde_.outputs();
  index.clear();
  u.clear();
  std::vector<double> pts, U;
  for (int l = 0; l < nowned_; ++l) {
    const int s = first_ + l;
    pts.clear();
    const std::size_t start = index.size();
    for (long long i = 0; i < grid.size(); ++i)
      if (dec_.locate(&grid.points[i * D]) == s) {
        index.push_back(i);
        pts.insert(pts.end(), &grid.points[i * D], &grid.points[i * D] + D);
      }
    const long long n = static_cast<long long>(index.size() - start);
    models_[l]->evaluate_u(view + l * block_, pts.data(), n, 0, U);
    for (long long i = 0; i < n; ++i) u.push_back(U[i * O]);
  }
}

double DecomposedLoss::test_error(const double* view, const TestGrid& grid, std::vector<double>* u_root) {
  std::vector<long long> index;
  std::vector<double> u;
  evaluate_grid(view, grid, index, u);
  // Per-subdomain sums, added in subdomain order on every rank.
  std::vector<double> sums(2 * static_cast<std::size_t>(nowned_), 0.0);
  const int D = pde_.dim();
  for (std::size_t i = 0; i < index.size(); ++i) {
    const int l = dec_.locate(&grid.points[index[i] * D]) - first_;
    const double r = grid.reference[index[i]];
    sums[2 * l] += (u[i] - r) * (u[i] - r);
    sums[2 * l + 1] += r * r;
  }
  const std::vector<double> all = gather_subdomains(sums, 2);
  double err = 0, ref = 0;
  for (int s = 0; s < dec_.count(); ++s) err += all[2 * s], ref += all[2 * s + 1];
  if (u_root) {
    int nranks;
    PIGX_MPI(MPI_Comm_size(comm_, &nranks));
    const int n = static_cast<int>(index.size());
    std::vector<int> ns(nranks), at(nranks, 0);
    PIGX_MPI(MPI_Gather(&n, 1, MPI_INT, ns.data(), 1, MPI_INT, 0, comm_));
    for (int r = 1; r < nranks; ++r) at[r] = at[r - 1] + ns[r - 1];
    const int total = rank_ == 0 ? at[nranks - 1] + ns[nranks - 1] : 0;
    std::vector<long long> all_index(total);
    std::vector<double> all_u(total);
    PIGX_MPI(MPI_Gatherv(index.data(), n, MPI_LONG_LONG, all_index.data(), ns.data(), at.data(),
                         MPI_LONG_LONG, 0, comm_));
    PIGX_MPI(MPI_Gatherv(u.data(), n, MPI_DOUBLE, all_u.data(), ns.data(), at.data(), MPI_DOUBLE, 0, comm_));
    u_root->assign(rank_ == 0 ? grid.size() : 0, 0.0);
    for (int i = 0; i < total; ++i) (*u_root)[all_index[i]] = all_u[i];
  }
  return std::sqrt(err / ref);
}

bool DecomposedLoss::computes_coupling(const Face& F) {
  return F.side_a == (F.index % 2 == 0);
}

void DecomposedLoss::compute_rows(const double* theta) {
  const int B = static_cast<int>(block_);
  const long long W = L_.width(), noff = static_cast<long long>(offsets_.size());
  std::vector<std::vector<double>> probe_jac(nowned_);
  host_r_.resize(nowned_);
  host_J_.resize(nowned_);
  host_rows_.resize(nowned_);
  dev_r_.resize(nowned_);
  dev_J_.resize(nowned_);
  View2 Jp_d;
  std::vector<double> tl;
  for (int l = 0; l < nowned_; ++l) {
    const double* th = theta + (first_ + l) * block_;
    // One pair of views per subdomain: on the host the mirrors are the views themselves.
    models_[l]->residuals_and_jacobian(th, dev_r_[l], dev_J_[l]);
    host_r_[l] = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), dev_r_[l]);
    host_J_[l] = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), dev_J_[l]);
    // The probes' rows are zero: the interface rows below take their place.
    host_rows_[l] = static_cast<long long>(host_r_[l].extent(0)) - models_[l]->probe_count();
    models_[l]->evaluate_forward(th, false, tl, probes_[l]);
    models_[l]->probe_jacobian(th, Jp_d);
    auto Jp = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), Jp_d);
    probe_jac[l].assign(Jp.data(), Jp.data() + Jp.size());
  }
  exchange_probes();
  // Interface rows: residual values (both sides compute the same) and this side's Jacobian rows, which the
  // neighbour receives (jac_remote).
  std::vector<MPI_Request> requests;
  for (int l = 0; l < nowned_; ++l) {
    for (Face& F : faces_[l]) {
      const double* own = probes_[l].data() + F.probe_begin * W;
      const double* va = F.side_a ? own : F.remote.data();
      const double* vb = F.side_a ? F.remote.data() : own;
      F.res.clear();
      F.jac_own.clear();
      for (std::size_t c = 0; c < active_.size(); ++c) {
        const double sq = std::sqrt(active_[c].weight / static_cast<double>(face_points_total_));
        const std::vector<int>& slot = active_[c].slot;
        for (long long i = 0; i < F.points; ++i)
          for (const InterfaceRow& row : F.rows[c]) {
            F.res.push_back(sq * row_value(row, slot, va, vb, i * noff, W));
            const std::vector<double>& co = F.side_a ? row.a : row.b;
            const std::size_t base = F.jac_own.size();
            F.jac_own.resize(base + B, 0.0);
            for (std::size_t q = 0; q < slot.size(); ++q)
              for (long long k = 0; k < W; ++k) {
                const double w = sq * co[q * W + k];
                if (w == 0) continue;
                const double* src = probe_jac[l].data() + ((F.probe_begin + i * noff + slot[q]) * W + k) * B;
                for (int j = 0; j < B; ++j) F.jac_own[base + j] += w * src[j];
              }
          }
      }
      F.jac_remote.resize(F.jac_own.size());
      const int owner = dec_.owner(F.other);
      if (owner == rank_) {
        for (Face& H : faces_[F.other - first_])
          if (H.index == F.index) H.jac_remote = F.jac_own;
      } else {
        const int tag = static_cast<int>(dec_.faces().size()) + F.index;
        requests.emplace_back();
        PIGX_MPI(MPI_Irecv(F.jac_remote.data(), static_cast<int>(F.jac_remote.size()), MPI_DOUBLE, owner, tag,
                           comm_, &requests.back()));
        requests.emplace_back();
        PIGX_MPI(MPI_Isend(F.jac_own.data(), static_cast<int>(F.jac_own.size()), MPI_DOUBLE, owner, tag,
                           comm_, &requests.back()));
      }
    }
  }
  PIGX_MPI(MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE));
}

std::vector<DecomposedLoss::GnBlocks> DecomposedLoss::assemble_blocks(const double* theta) {
  const int B = static_cast<int>(block_), one = 1;
  const double a1 = 1.0, a0 = 0.0;
  compute_rows(theta);
  // Per owned subdomain: J^T J (upper triangle), J^T r and r.r of its own rows and of its faces' rows.
  std::vector<GnBlocks> gn(nowned_);
  for (int l = 0; l < nowned_; ++l) {
    GnBlocks& G = gn[l];
    const auto& r = host_r_[l];
    const int n = static_cast<int>(host_rows_[l]);
    G.diag.assign(static_cast<std::size_t>(B) * B, 0.0);
    G.g.assign(B, 0.0);
    if (n > 0) {
      dsyrk_("U", "N", &B, &n, &a1, host_J_[l].data(), &B, &a0, G.diag.data(), &B);
      dgemv_("N", &B, &n, &a1, host_J_[l].data(), &B, r.data(), &one, &a0, G.g.data(), &one);
    }
    for (int i = 0; i < n; ++i) G.f += r(i) * r(i);
    for (const Face& F : faces_[l]) {
      const int m = static_cast<int>(F.res.size());
      if (m > 0) {
        dsyrk_("U", "N", &B, &m, &a1, F.jac_own.data(), &B, &a1, G.diag.data(), &B);
        dgemv_("N", &B, &m, &a1, F.jac_own.data(), &B, F.res.data(), &one, &a1, G.g.data(), &one);
      }
      if (F.side_a)
        for (double v : F.res) G.f += v * v;  // the face's rows counted once
    }
  }
  // Coupling blocks, one per face, by side A on even faces and side B on odd ones (which keeps the work even
  // over the ranks): rows of this side's parameters, columns of the neighbour's.
  for (int l = 0; l < nowned_; ++l)
    for (Face& F : faces_[l]) {
      const bool mine = computes_coupling(F);
      const int m = mine ? static_cast<int>(F.jac_own.size() / B) : 0;
      std::vector<double> K(mine ? static_cast<std::size_t>(B) * B : 0, 0.0);
      if (m > 0)
        dgemm_("N", "T", &B, &B, &m, &a1, F.jac_own.data(), &B, F.jac_remote.data(), &B, &a0, K.data(), &B);
      gn[l].coupling.push_back(std::move(K));
    }
  return gn;
}

std::vector<std::vector<long long>> DecomposedLoss::parameter_blocks() const {
  std::vector<std::vector<long long>> all(dec_.count());
  for (int s = 0; s < dec_.count(); ++s)
    for (long long i = 0; i < block_; ++i) all[s].push_back(s * block_ + i);
  return all;
}

std::vector<long long> DecomposedLoss::linear_parameters() const {
  const ParamLayout L = ParamLayout::from_spec(spec_);
  std::vector<long long> all;
  for (int s = 0; s < dec_.count(); ++s)
    for (long long i : pigx::linear_parameters(L, s * block_)) all.push_back(i);
  return all;
}

void DecomposedLoss::linearise(const double* theta, ResidualRows& rows) {
  compute_rows(theta);
  rows.clear();
  double f = 0;
  for (int l = 0; l < nowned_; ++l) {
    const long long s0 = (first_ + l) * block_;
    rows.add_dense_rows(host_J_[l].data(), host_r_[l].data(), host_rows_[l], block_, s0);
    for (const Face& F : faces_[l]) {
      if (!F.side_a) continue;  // side A holds a face's rows: its own columns and the neighbour's
      const long long other0 = static_cast<long long>(F.other) * block_;
      for (std::size_t i = 0; i < F.res.size(); ++i) {
        rows.add_row(F.res[i]);
        rows.add_entries(s0, &F.jac_own[i * block_], block_);
        rows.add_entries(other0, &F.jac_remote[i * block_], block_);
      }
    }
  }
  for (double v : rows.r) f += v * v;
  PIGX_MPI(MPI_Allreduce(&f, &rows.loss, 1, MPI_DOUBLE, MPI_SUM, comm_));
}

double DecomposedLoss::normal_equations(const double* theta, std::vector<double>& A, std::vector<double>& g) {
  const std::vector<GnBlocks> gn = assemble_blocks(theta);
  const int B = static_cast<int>(block_);
  // Every rank gets every block (rank order is subdomain order) and assembles in subdomain order.
  std::vector<double> mine;
  for (int l = 0; l < nowned_; ++l) {
    const GnBlocks& G = gn[l];
    mine.insert(mine.end(), G.diag.begin(), G.diag.end());
    mine.insert(mine.end(), G.g.begin(), G.g.end());
    mine.push_back(G.f);
    for (std::size_t k = 0; k < faces_[l].size(); ++k)
      if (computes_coupling(faces_[l][k]))
        mine.insert(mine.end(), G.coupling[k].begin(), G.coupling[k].end());
  }
  int nranks;
  PIGX_MPI(MPI_Comm_size(comm_, &nranks));
  const int n_mine = static_cast<int>(mine.size());
  std::vector<int> counts(nranks), displs(nranks, 0);
  PIGX_MPI(MPI_Allgather(&n_mine, 1, MPI_INT, counts.data(), 1, MPI_INT, comm_));
  for (int r = 1; r < nranks; ++r) displs[r] = displs[r - 1] + counts[r - 1];
  std::vector<double> all(displs[nranks - 1] + counts[nranks - 1]);
  PIGX_MPI(MPI_Allgatherv(mine.data(), n_mine, MPI_DOUBLE, all.data(), counts.data(), displs.data(),
                          MPI_DOUBLE, comm_));
  const long long P = size();
  // Every block that can be non-zero is rewritten below; the rest stays zero from the first call.
  if (A.size() != static_cast<std::size_t>(P * P)) A.assign(static_cast<std::size_t>(P * P), 0.0);
  g.assign(P, 0.0);
  double f = 0;
  std::size_t at = 0;
  for (int s = 0; s < dec_.count(); ++s) {
    const long long s0 = s * block_;
    for (int j = 0; j < B; ++j)  // column by column: the upper triangle of the diagonal block
      std::copy_n(&all[at + static_cast<std::size_t>(j) * B], j + 1, &A[s0 + (s0 + j) * P]);
    at += static_cast<std::size_t>(B) * B;
    for (int i = 0; i < B; ++i) g[s0 + i] = all[at + i];
    at += B;
    f += all[at++];
    for (std::size_t f = 0; f < dec_.faces().size(); ++f) {
      const SharedFace& sf = dec_.faces()[f];
      const bool side_a = sf.a == s;
      if ((!side_a && sf.b != s) || side_a != (f % 2 == 0)) continue;  // not computed by s
      const long long a0 = sf.a * block_, b0 = sf.b * block_;
      const double* K = &all[at];
      if (side_a)
        for (int j = 0; j < B; ++j)
          std::copy_n(K + static_cast<std::size_t>(j) * B, B, &A[a0 + (b0 + j) * P]);
      else  // side B's block is the transpose
        for (int j = 0; j < B; ++j)
          for (int i = 0; i < B; ++i) A[(a0 + i) + (b0 + j) * P] = K[j + static_cast<std::size_t>(i) * B];
      at += static_cast<std::size_t>(B) * B;
    }
  }
  return f;
}

}  // namespace pigx
