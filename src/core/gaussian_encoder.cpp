#include "pigx/core/gaussian_encoder.hpp"

#include <cmath>
#include <limits>
#include <type_traits>

#include "gaussian_kernels.hpp"
#include "pigx/core/gaussian_geometry.hpp"
#include "pigx/core/taylor.hpp"

namespace pigx {

namespace {
// channel(g) = g / per_channel. A free function: CUDA takes no extended lambda inside a constructor.
void fill_channels(const IView1& channel, int per_channel) {
  Kokkos::parallel_for(
      "pigx::GaussianEncoder::channels", Range(0, static_cast<int>(channel.extent(0))),
      KOKKOS_LAMBDA(int g) { channel(g) = g / per_channel; });
}

// Runs f.template operator()<D, Diag>() for the runtime dimension and covariance kind.
template <class Fn>
void dispatch(int dim, bool diag, Fn&& f) {
  switch (dim) {
    case 1:
      return f(std::integral_constant<int, 1>{}, std::true_type{});
    case 2:
      return diag ? f(std::integral_constant<int, 2>{}, std::true_type{})
                  : f(std::integral_constant<int, 2>{}, std::false_type{});
    case 3:
      return diag ? f(std::integral_constant<int, 3>{}, std::true_type{})
                  : f(std::integral_constant<int, 3>{}, std::false_type{});
    default:
      return f(std::integral_constant<int, 4>{}, std::true_type{});
  }
}
}  // namespace

GaussianEncoder::GaussianEncoder(const ModelSpec& spec, const Box& physical_domain, const AffineMap& map)
    : spec_(spec),
      layout_(ParamLayout::from_spec(spec)),
      model_box_(mapped_box(physical_domain, map)),
      map_(map) {
  qcut_ = -2.0 * std::log(spec.truncation);
  const int G = layout_.gaussians, D = spec.dim;
  mu_ = View2("pigx::GaussianEncoder::mu", G, D);
  prec_ = View2("pigx::GaussianEncoder::prec", G, D * D);
  w_ = View1("pigx::GaussianEncoder::w", G);
  half_ = View2("pigx::GaussianEncoder::half", G, D);
  ranges_ = CellRanges("pigx::GaussianEncoder::ranges", G, 2 * D);
  channel_ = IView1("pigx::GaussianEncoder::channel", G);
  fill_channels(channel_, layout_.per_channel);
}

void GaussianEncoder::prepare(ConstView1 theta, const PointBatch& batch) {
  const ParamLayout L = layout_;
  const int D = L.dim, G = L.gaussians;
  const double smin = spec_.sigma_min, qcut = qcut_;
  View2 mu = mu_, prec = prec_, half = half_;
  View1 w = w_;
  Kokkos::parallel_for(
      "pigx::GaussianEncoder::shapes", Range(0, G), KOKKOS_LAMBDA(int g) {
        GaussianShape s;
        gaussian_shape(L, smin, theta.data(), g, s);
        for (int i = 0; i < D; ++i) {
          mu(g, i) = s.mu[i];
          half(g, i) = gaussian_half_extent(s, D, i, qcut);
          for (int j = 0; j < D; ++j) prec(g, i * D + j) = s.P[i][j];
        }
        w(g) = theta(L.weight + g);
      });
  // Cells about as wide as a typical cut-off radius: each Gaussian then spans about 3 cells per axis.
  double cells[kMaxDim];
  for (int d = 0; d < D; ++d) {
    double sum = 0;
    Kokkos::parallel_reduce(
        "pigx::GaussianEncoder::mean_extent", Range(0, G),
        KOKKOS_LAMBDA(int g, double& acc) { acc += half(g, d); }, sum);
    const double mean = sum / G;
    // Cells of half a cut-off radius (a third in 3D, a whole one in 4D) keep the candidate pairs close to
    // the true neighbours while the number of cells per Gaussian stays small.
    // The packed path drops cells outside a Gaussian's ellipse, so finer cells pay off there.
    const bool packed = packed_path();
    const double per_radius = D <= 2 ? (packed ? 4.0 : 2.0) : (D == 3 ? (packed ? 2.0 : 1.5) : 1.0);
    cells[d] = dense_ ? 1.0 : per_radius * model_box_.extent(d) / std::max(mean, 1e-12);
  }
  grid_ = make_cell_grid(model_box_, cells);
  const CellGrid grid = grid_;
  const CellRanges ranges = ranges_;
  const bool dense = dense_;
  Kokkos::parallel_for(
      "pigx::GaussianEncoder::ranges", Range(0, G), KOKKOS_LAMBDA(int g) {
        for (int d = 0; d < D; ++d) {
          int first = 0, count = 1;
          if (!dense) axis_range(grid, d, mu(g, d) - half(g, d), mu(g, d) + half(g, d), first, count);
          ranges(g, 2 * d) = first;
          ranges(g, 2 * d + 1) = count;
        }
      });
  bin_ranges(grid_, ranges_, G, gauss_lists_);
  bin_points(grid_, batch.xi, batch.n, point_lists_);
  if (packed_path()) pack_gaussians();
}

bool GaussianEncoder::packed_path() const {
  for (int d = 0; d < model_box_.dim; ++d)
    if (model_box_.periodic[d]) return false;  // periodic images need the per-pair image loop
  return true;
}

void GaussianEncoder::pack_gaussians() {
  const int D = layout_.dim, C = spec_.channels, ncells = grid_.ncells;
  const bool diag = layout_.nrot == 0;
  const int prec_rows = detail::packed_precision_rows(D, diag), rows = D + prec_rows + 1;
  const int entries = std::max(gauss_lists_.nitems, 1);
  if (static_cast<int>(packed_.field.extent(0)) != rows ||
      static_cast<int>(packed_.field.extent(1)) < entries)
    packed_.field = View2(Kokkos::view_alloc("pigx::GaussianEncoder::packed", Kokkos::WithoutInitializing),
                          rows, static_cast<std::size_t>(entries * 1.25));
  if (static_cast<int>(packed_.segment.extent(0)) < ncells * (C + 1))
    packed_.segment =
        IView1(Kokkos::view_alloc("pigx::GaussianEncoder::segments", Kokkos::WithoutInitializing),
               static_cast<std::size_t>(ncells * (C + 1)));
  if (static_cast<int>(pack_cursor_.extent(0)) < ncells * (C + 1))
    pack_cursor_ = IView1("pigx::GaussianEncoder::pack_cursor", static_cast<std::size_t>(ncells * (C + 1)));
  if (static_cast<int>(pack_slot_.extent(0)) < entries)
    pack_slot_ = IView1(Kokkos::view_alloc("pigx::GaussianEncoder::pack_slot", Kokkos::WithoutInitializing),
                        static_cast<std::size_t>(entries * 1.25));
  const View2 field = packed_.field, mu = mu_, prec = prec_;
  const IView1 segment = packed_.segment, goff = gauss_lists_.offsets, gitems = gauss_lists_.items,
               channel = channel_, cursor = pack_cursor_, slot = pack_slot_;
  const View1 w = w_;
  const CellGrid grid = grid_;
  const double qcut = dense_ ? std::numeric_limits<double>::infinity() : qcut_;
  const int nitems = gauss_lists_.nitems;
  Kokkos::deep_copy(Kokkos::subview(cursor, std::make_pair(0, ncells * (C + 1))), 0);
  // Count, scan, fill, in parallel over the list entries (a GPU needs that many threads): entry jj of a
  // cell's list goes to segment (cell, channel of its Gaussian) unless the Gaussian is diagonal and its
  // ellipse misses the cell (the bounding box of the binning was only a superset).
  Kokkos::parallel_for(
      "pigx::GaussianEncoder::pack_count", Range(0, nitems), KOKKOS_LAMBDA(int jj) {
        int lo = 0, hi = ncells;  // the cell whose list holds entry jj: goff(cell) <= jj < goff(cell+1)
        while (hi - lo > 1) {
          const int mid = (lo + hi) / 2;
          if (goff(mid) <= jj)
            lo = mid;
          else
            hi = mid;
        }
        const int cell = lo, g = gitems(jj);
        bool keep = true;
        if (diag) {
          double qmin = 0;  // smallest q over the cell: distance from the mean to the cell along each axis
          for (int a = 0; a < D; ++a) {
            const int i = (cell / grid.stride[a]) % grid.n[a];
            const double clo = grid.lo[a] + i / grid.inv_h[a], chi = grid.lo[a] + (i + 1) / grid.inv_h[a];
            const double m = mu(g, a), d = m < clo ? clo - m : (m > chi ? m - chi : 0.0);
            qmin += prec(g, a * D + a) * d * d;
          }
          keep = qmin <= qcut;
        }
        const int bin = cell * (C + 1) + channel(g);
        slot(jj) = keep ? bin : -1;
        if (keep) Kokkos::atomic_add(&cursor(bin), 1);
      });
  Kokkos::parallel_for(
      "pigx::GaussianEncoder::pack_scan", Range(0, ncells), KOKKOS_LAMBDA(int cell) {
        int pos = goff(cell);
        for (int c = 0; c < C; ++c) {
          const int count = cursor(cell * (C + 1) + c);
          segment(cell * (C + 1) + c) = pos;
          cursor(cell * (C + 1) + c) = pos;
          pos += count;
        }
        segment(cell * (C + 1) + C) = pos;
      });
  Kokkos::parallel_for(
      "pigx::GaussianEncoder::pack_fill", Range(0, nitems), KOKKOS_LAMBDA(int jj) {
        const int bin = slot(jj);
        if (bin < 0) return;
        const int g = gitems(jj), pos = Kokkos::atomic_fetch_add(&cursor(bin), 1);
        int row = 0;
        for (int a = 0; a < D; ++a) field(row++, pos) = mu(g, a);
        for (int a = 0; a < D; ++a)
          for (int b = a; b < D; ++b)
            if (!diag || a == b) field(row++, pos) = prec(g, a * D + b);
        field(row, pos) = w(g);
      });
}

detail::EncoderData GaussianEncoder::kernel_data(const PointBatch& batch) const {
  detail::EncoderData k;
  k.grid = grid_;
  k.box = model_box_;
  k.any_periodic = false;
  for (int d = 0; d < model_box_.dim; ++d) k.any_periodic = k.any_periodic || model_box_.periodic[d];
  k.qcut = dense_ ? std::numeric_limits<double>::infinity() : qcut_;
  k.per_channel = layout_.per_channel;
  k.channels = spec_.channels;
  k.channel = channel_;
  k.mu = mu_, k.prec = prec_, k.half = half_, k.w = w_;
  k.ranges = ranges_;
  k.goff = gauss_lists_.offsets, k.gitems = gauss_lists_.items;
  k.poff = point_lists_.offsets, k.pitems = point_lists_.items;
  k.xi = batch.xi;
  k.order = batch.order;
  return k;
}

void GaussianEncoder::forward(const PointBatch& batch, View3 F, bool add) const {
  const detail::EncoderData k = kernel_data(batch);
  long long pairs = 0;
  const bool packed = packed_path();
  dispatch(spec_.dim, layout_.nrot == 0, [&](auto dim, auto diag) {
    constexpr int D = decltype(dim)::value;
    constexpr bool Diag = decltype(diag)::value;
    if (packed)
      Kokkos::parallel_reduce("pigx::GaussianEncoder::forward_packed", Range(0, batch.n),
                              detail::PackedForwardKernel<D, Diag>{k, packed_, F, map_, add}, pairs);
    else
      Kokkos::parallel_reduce("pigx::GaussianEncoder::forward", Range(0, batch.n),
                              detail::ForwardKernel<D, Diag>{k, F, map_, add}, pairs);
  });
  pairs_ = pairs;
}

// Runs the adjoint conversion to model-box coordinates, then the per-Gaussian kernel Kernel<D, Diag>.
template <template <int, bool> class Kernel, class Output>
void GaussianEncoder::run_reverse(const char* name, ConstView1 theta, const PointBatch& batch, View3 Fbar,
                                  Output out) const {
  const detail::EncoderData k = kernel_data(batch);
  dispatch(spec_.dim, layout_.nrot == 0, [&](auto dim, auto diag) {
    constexpr int D = decltype(dim)::value;
    Kokkos::parallel_for("pigx::GaussianEncoder::adjoint_to_model_box", Range(0, batch.n),
                         detail::AdjointToModelBox<D>{Fbar, batch.order, map_, spec_.channels});
    Kokkos::parallel_for(name, Range(0, layout_.gaussians),
                         Kernel<D, decltype(diag)::value>{k, Fbar, out, theta, layout_, spec_.sigma_min});
  });
}

long long GaussianEncoder::candidate_pairs(const PointBatch& batch) const {
  if (!packed_path()) return -1;
  const CellGrid grid = grid_;
  const IView1 segment = packed_.segment;
  const View2 xi = batch.xi;
  const int D = spec_.dim, C = spec_.channels;
  long long total = 0;
  Kokkos::parallel_reduce(
      "pigx::GaussianEncoder::candidate_pairs", Range(0, batch.n),
      KOKKOS_LAMBDA(int p, long long& acc) {
        double x[kMaxDim];
        for (int a = 0; a < D; ++a) x[a] = xi(p, a);
        const int cell = grid.cell_of(x);
        acc += segment(cell * (C + 1) + C) - segment(cell * (C + 1));
      },
      total);
  return total;
}

void GaussianEncoder::pack_points(const PointBatch& batch, View3 Fbar) const {
  const int D = layout_.dim, C = spec_.channels, NC = taylor_size(D, 2), ncells = grid_.ncells, n = batch.n;
  const int cap = std::max(n, 1);
  if (static_cast<int>(packed_points_.segment.extent(0)) < 4 * ncells) {
    packed_points_.segment = IView1("pigx::GaussianEncoder::point_segments", 4 * ncells);
    point_cursor_ = IView1("pigx::GaussianEncoder::point_cursor", 2 * ncells);
  }
  if (static_cast<int>(point_slot_.extent(0)) < cap)
    point_slot_ =
        IView1(Kokkos::view_alloc("pigx::GaussianEncoder::point_slot", Kokkos::WithoutInitializing), cap);
  const View2 xi = batch.xi;
  const IView1 segment = packed_points_.segment, cursor = point_cursor_, slot = point_slot_,
               order = batch.order;
  const CellGrid grid = grid_;
  Kokkos::deep_copy(Kokkos::subview(cursor, std::make_pair(0, 2 * ncells)), 0);
  // Count, scan, fill: bin 2 cell + 0 holds the points with derivative data, 2 cell + 1 the value-only ones;
  // the two groups go to separate arrays so that value-only points store one adjoint per channel, not NC.
  Kokkos::parallel_for(
      "pigx::GaussianEncoder::pack_points_count", Range(0, n), KOKKOS_LAMBDA(int p) {
        double x[kMaxDim];
        for (int a = 0; a < D; ++a) x[a] = xi(p, a);
        const int bin = 2 * grid.cell_of(x) + (order(p) >= 1 ? 0 : 1);
        slot(p) = bin;
        Kokkos::atomic_add(&cursor(bin), 1);
      });
  int counts[2];
  for (int group = 0; group < 2; ++group) {
    int total = 0;
    Kokkos::parallel_scan(
        "pigx::GaussianEncoder::pack_points_scan", Range(0, ncells),
        KOKKOS_LAMBDA(int c, int& partial, bool final) {
          const int count = cursor(2 * c + group);
          if (final) {
            segment(4 * c + 2 * group) = partial, segment(4 * c + 2 * group + 1) = partial + count;
            cursor(2 * c + group) = partial;
          }
          partial += count;
        },
        total);
    counts[group] = std::max(total, 1);
  }
  auto ensure = [](View2& v, const char* label, int rows, int cols) {
    if (static_cast<int>(v.extent(0)) != rows || static_cast<int>(v.extent(1)) < cols) {
      v = View2();
      v = View2(Kokkos::view_alloc(std::string(label), Kokkos::WithoutInitializing), rows, cols + cols / 8);
    }
  };
  ensure(packed_points_.full, "pigx::GaussianEncoder::packed_points_full", D + C * NC, counts[0]);
  ensure(packed_points_.value, "pigx::GaussianEncoder::packed_points_value", D + C, counts[1]);
  const View2 full = packed_points_.full, value = packed_points_.value;
  Kokkos::parallel_for(
      "pigx::GaussianEncoder::pack_points_fill", Range(0, n), KOKKOS_LAMBDA(int p) {
        const int bin = slot(p), pos = Kokkos::atomic_fetch_add(&cursor(bin), 1);
        if (bin % 2 == 0) {
          const int nc = taylor_size(D, order(p));
          for (int a = 0; a < D; ++a) full(a, pos) = xi(p, a);
          for (int c = 0; c < C; ++c)
            for (int i = 0; i < NC; ++i) full(D + c * NC + i, pos) = i < nc ? Fbar(p, c, i) : 0.0;
        } else {
          for (int a = 0; a < D; ++a) value(a, pos) = xi(p, a);
          for (int c = 0; c < C; ++c) value(D + c, pos) = Fbar(p, c, 0);
        }
      });
}

void GaussianEncoder::reverse(ConstView1 theta, const PointBatch& batch, View3 Fbar, View1 grad) const {
  const int D = spec_.dim;
  if (!packed_path() || layout_.nrot != 0 || (D != 2 && D != 3)) {
    run_reverse<detail::ReverseKernel>("pigx::GaussianEncoder::reverse", theta, batch, Fbar, grad);
    return;
  }
  // Diagonal Gaussians in 2D and 3D without periodic axes (every benchmark problem): the packed kernel.
  const detail::EncoderData k = kernel_data(batch);
  dispatch(D, true, [&](auto dim, auto) {
    constexpr int Dc = decltype(dim)::value;
    if constexpr (Dc == 2 || Dc == 3) {
      Kokkos::parallel_for("pigx::GaussianEncoder::adjoint_to_model_box", Range(0, batch.n),
                           detail::AdjointToModelBox<Dc>{Fbar, batch.order, map_, spec_.channels});
      pack_points(batch, Fbar);
      Kokkos::parallel_for(
          "pigx::GaussianEncoder::reverse_packed", Range(0, layout_.gaussians),
          detail::PackedReverseKernel<Dc>{k, packed_points_, grad, theta, layout_, spec_.sigma_min});
    }
  });
}

void GaussianEncoder::jacobian(ConstView1 theta, const PointBatch& batch, View3 Fbar, View2 J) const {
  run_reverse<detail::JacobianKernel>("pigx::GaussianEncoder::jacobian", theta, batch, Fbar, J);
}

}  // namespace pigx
