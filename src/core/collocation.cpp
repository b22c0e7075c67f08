#include "pigx/core/collocation.hpp"

#include "pigx/core/sampler.hpp"

namespace pigx {

namespace {
// Keeps rows [begin, end) of a row-major array with `cols` columns.
std::vector<double> slice_rows(const std::vector<double>& all, int cols, long long begin, long long end) {
  return std::vector<double>(all.begin() + begin * cols, all.begin() + end * cols);
}

TermData make_term(const char* name, TermKind kind, double weight, long long global,
                   const std::vector<double>& all, int dim, int rank, int nranks) {
  TermData t;
  t.name = name;
  t.kind = kind;
  t.weight = weight;
  t.global_count = global;
  long long b, e;
  split_range(global, rank, nranks, b, e);
  t.points = slice_rows(all, dim, b, e);
  return t;
}

template <class ValueFn>
void fill_targets(TermData& t, int dim, int outputs, ValueFn value) {
  const long long n = t.local_count(dim);
  t.targets.resize(n * outputs);
  for (long long i = 0; i < n; ++i) value(&t.points[i * dim], &t.targets[i * outputs]);
}
}  // namespace

Box sampling_box(const Pde& pde, const SamplingSpec& spec) {
  Box box = pde.domain();
  const int ta = pde.time_axis();
  if (ta >= 0) box.hi[ta] += spec.time_margin * box.extent(ta);
  return box;
}

TermData residual_term(const Pde& pde, const SamplingSpec& spec, const std::vector<double>& global, int rank,
                       int nranks) {
  const int D = pde.dim();
  const long long count = static_cast<long long>(global.size()) / D;
  TermData t =
      make_term("residual", TermKind::Residual, spec.residual_weight, count, global, D, rank, nranks);
  t.time_decay = spec.residual_time_decay;
  // Source values travel with the residual points of PDEs whose source comes from data.
  if (pde.has_forcing()) {
    const int E = pde.equations();
    t.forcing.resize(t.local_count(D) * E);
    for (long long i = 0; i < t.local_count(D); ++i) pde.forcing(&t.points[i * D], &t.forcing[i * E]);
  }
  return t;
}

TermData initial_term(const Pde& pde, const SamplingSpec& spec, const std::vector<double>& global, int rank,
                      int nranks) {
  const int D = pde.dim();
  const long long count = static_cast<long long>(global.size()) / D;
  TermData t = make_term("initial", TermKind::Value, spec.initial_weight, count, global, D, rank, nranks);
  fill_targets(t, D, pde.outputs(), [&](const double* x, double* u) { pde.initial_value(x, u); });
  return t;
}

std::vector<TermData> draw_terms(const Pde& pde, const SamplingSpec& spec, std::uint64_t seed,
                                 std::uint64_t round, int rank, int nranks) {
  const Box box = sampling_box(pde, spec);
  const int D = pde.dim(), O = pde.outputs(), ta = pde.time_axis();
  std::vector<TermData> terms;
  {
    auto rng = make_stream(seed, round, 0);
    std::vector<double> pts;
    sample_interior(box, static_cast<int>(spec.residual), rng, pts, spec.sequence);
    terms.push_back(residual_term(pde, spec, pts, rank, nranks));
  }
  // Boundary and initial terms: u minus the PDE's data at their points.
  if (spec.boundary > 0 && boundary_faces(box, ta) > 0) {
    auto rng = make_stream(seed, round, 1);
    std::vector<double> pts;
    sample_boundary(box, ta, static_cast<int>(spec.boundary), rng, pts, spec.sequence);
    terms.push_back(
        make_term("boundary", TermKind::Value, spec.boundary_weight, spec.boundary, pts, D, rank, nranks));
    fill_targets(terms.back(), D, O, [&](const double* x, double* u) { pde.boundary_value(x, u); });
  }
  if (spec.initial > 0 && ta >= 0) {
    auto rng = make_stream(seed, round, 2);
    std::vector<double> pts;
    sample_initial(box, ta, static_cast<int>(spec.initial), rng, pts, spec.sequence);
    terms.push_back(initial_term(pde, spec, pts, rank, nranks));
  }
  if (spec.data.count > 0) {
    TermData t = make_term("data", TermKind::Value, spec.data.weight, spec.data.count, spec.data.points, D,
                           rank, nranks);
    long long b, e;
    split_range(spec.data.count, rank, nranks, b, e);
    t.targets = slice_rows(spec.data.values, O, b, e);
    terms.push_back(std::move(t));
  }
  return terms;
}

}  // namespace pigx
