#include "pigx/core/gaussian_encoder.hpp"

#include <cmath>
#include <limits>

#include "pigx/core/gaussian_geometry.hpp"
#include "pigx/core/taylor.hpp"

namespace pigx {

namespace {
// Calls f(dx) for the displacement from Gaussian centre mu to x and, on periodic axes, for every
// periodic image within the Gaussian's half extent, so that periodic features are exactly smooth.
template <class Fn>
KOKKOS_INLINE_FUNCTION void for_each_image(const Box& b, int D, const double* x, const double* mu,
                                           const double* half, Fn&& f) {
  double base[kMaxDim];
  int K[kMaxDim], total = 1;
  for (int d = 0; d < D; ++d) {
    base[d] = x[d] - mu[d];
    K[d] = 0;
    if (b.periodic[d]) {
      const double L = b.extent(d);
      base[d] -= L * math::round(base[d] / L);
      K[d] = static_cast<int>(half[d] / L) + 1;
    }
    total *= 2 * K[d] + 1;
  }
  for (int m = 0; m < total; ++m) {
    double dx[kMaxDim];
    int r = m;
    for (int d = 0; d < D; ++d) {
      const int k = r % (2 * K[d] + 1) - K[d];
      r /= 2 * K[d] + 1;
      dx[d] = base[d] + k * b.extent(d);
    }
    f(dx);
  }
}
}  // namespace

GaussianEncoder::GaussianEncoder(const ModelSpec& spec, const Box& physical_domain, const AffineMap& map)
    : spec_(spec), layout_(ParamLayout::from_spec(spec)), model_box_(mapped_box(physical_domain, map)), map_(map) {
  qcut_ = -2.0 * std::log(spec.truncation);
  const int G = layout_.gaussians, D = spec.dim;
  mu_ = View2("pigx::GaussianEncoder::mu", G, D);
  prec_ = View2("pigx::GaussianEncoder::prec", G, D * D);
  w_ = View1("pigx::GaussianEncoder::w", G);
  half_ = View2("pigx::GaussianEncoder::half", G, D);
  ranges_ = CellRanges("pigx::GaussianEncoder::ranges", G, 2 * D);
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
    cells[d] = dense_ ? 1.0 : model_box_.extent(d) / std::max(mean, 1e-12);
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
}

void GaussianEncoder::forward(const PointBatch& batch, View3 F) const {
  const int D = layout_.dim, N = layout_.per_channel, K = spec_.channels;
  const double qcut = dense_ ? std::numeric_limits<double>::infinity() : qcut_;
  const CellGrid grid = grid_;
  const Box box = model_box_;
  const AffineMap map = map_;
  const View2 mu = mu_, prec = prec_, half = half_;
  const View1 w = w_;
  const IView1 goff = gauss_lists_.offsets, gitems = gauss_lists_.items, pitems = point_lists_.items;
  const View2 xi = batch.xi;
  const IView1 order = batch.order;
  long long pairs = 0;
  Kokkos::parallel_reduce(
      "pigx::GaussianEncoder::forward", Range(0, batch.n),
      KOKKOS_LAMBDA(int j, long long& npairs) {
        const int p = pitems(j);  // visit points cell by cell: neighbours share Gaussian lists
        const int o = order(p), nc = taylor_size(D, o);
        double x[kMaxDim];
        for (int d = 0; d < D; ++d) x[d] = xi(p, d);
        double acc[kMaxChannels * kMaxComp];
        for (int i = 0; i < K * nc; ++i) acc[i] = 0;
        const int c = grid.cell_of(x);
        for (int jj = goff(c); jj < goff(c + 1); ++jj) {
          const int g = gitems(jj);
          double m[kMaxDim], hw[kMaxDim];
          for (int a = 0; a < D; ++a) m[a] = mu(g, a), hw[a] = half(g, a);
          const double wg = w(g);
          double* f = acc + (g / N) * nc;
          for_each_image(box, D, x, m, hw, [&](const double* dx) {
            double gv[kMaxDim], q = 0;
            for (int a = 0; a < D; ++a) {
              double s = 0;
              for (int b = 0; b < D; ++b) s += prec(g, a * D + b) * dx[b];
              gv[a] = s;
              q += dx[a] * s;
            }
            if (q > qcut) return;
            ++npairs;
            const double e = wg * math::exp(-0.5 * q);
            f[0] += e;
            if (o < 1) return;
            for (int a = 0; a < D; ++a) f[grad_index(a)] -= e * gv[a];
            if (o < 2) return;
            for (int a = 0; a < D; ++a)
              for (int b = a; b < D; ++b) f[hess_index(D, a, b)] += e * (gv[a] * gv[b] - prec(g, a * D + b));
          });
        }
        // Chain rule to physical coordinates: d/dx_a = scale_a d/dxi_a.
        for (int ch = 0; ch < K; ++ch) {
          const double* f = acc + ch * nc;
          F(p, ch, 0) = f[0];
          if (o >= 1)
            for (int a = 0; a < D; ++a) F(p, ch, grad_index(a)) = map.scale[a] * f[grad_index(a)];
          if (o >= 2)
            for (int a = 0; a < D; ++a)
              for (int b = a; b < D; ++b)
                F(p, ch, hess_index(D, a, b)) = map.scale[a] * map.scale[b] * f[hess_index(D, a, b)];
        }
      },
      pairs);
  pairs_ = pairs;
}

void GaussianEncoder::reverse(ConstView1 theta, const PointBatch& batch, View3 Fbar, View1 grad) const {
  const ParamLayout L = layout_;
  const int D = L.dim, N = L.per_channel, G = L.gaussians;
  const double smin = spec_.sigma_min;
  const double qcut = dense_ ? std::numeric_limits<double>::infinity() : qcut_;
  const CellGrid grid = grid_;
  const Box box = model_box_;
  const AffineMap map = map_;
  const View2 mu = mu_, prec = prec_, half = half_;
  const View1 w = w_;
  const CellRanges ranges = ranges_;
  const IView1 poff = point_lists_.offsets, pitems = point_lists_.items;
  const View2 xi = batch.xi;
  const IView1 order = batch.order;
  Kokkos::parallel_for(
      "pigx::GaussianEncoder::reverse", Range(0, G), KOKKOS_LAMBDA(int g) {
        const int ch = g / N;
        double P[kMaxDim][kMaxDim], m[kMaxDim], hw[kMaxDim];
        for (int a = 0; a < D; ++a) {
          m[a] = mu(g, a);
          hw[a] = half(g, a);
          for (int b = 0; b < D; ++b) P[a][b] = prec(g, a * D + b);
        }
        const double wg = w(g);
        double amu[kMaxDim] = {0, 0, 0, 0}, aP[kMaxDim][kMaxDim] = {}, aw = 0;
        const int ncell = range_count(grid, ranges, g);
        for (int k = 0; k < ncell; ++k) {
          const int c = range_cell(grid, ranges, g, k);
          for (int jj = poff(c); jj < poff(c + 1); ++jj) {
            const int p = pitems(jj);
            double xp[kMaxDim];
            for (int a = 0; a < D; ++a) xp[a] = xi(p, a);
            const int o = order(p);
            for_each_image(box, D, xp, m, hw, [&](const double* dx) {
              double gv[kMaxDim], q = 0;
              for (int a = 0; a < D; ++a) {
                double s = 0;
                for (int b = 0; b < D; ++b) s += P[a][b] * dx[b];
                gv[a] = s;
                q += dx[a] * s;
              }
              if (q > qcut) return;
              const double e = math::exp(-0.5 * q);
              // Adjoint of this channel's Taylor data at p, taken back to model-box coordinates.
              double gb[kMaxDim] = {0, 0, 0, 0}, Hb[kMaxDim][kMaxDim] = {}, hg[kMaxDim] = {0, 0, 0, 0};
              double B = Fbar(p, ch, 0);
              if (o >= 1)
                for (int a = 0; a < D; ++a) {
                  gb[a] = map.scale[a] * Fbar(p, ch, grad_index(a));
                  B -= gb[a] * gv[a];
                }
              if (o >= 2) {
                for (int a = 0; a < D; ++a)
                  for (int b = 0; b < D; ++b)
                    Hb[a][b] = map.scale[a] * map.scale[b] * Fbar(p, ch, hess_index(D, a, b)) * (a == b ? 1.0 : 0.5);
                for (int a = 0; a < D; ++a) {
                  double s = 0;
                  for (int b = 0; b < D; ++b) {
                    s += Hb[a][b] * gv[b];
                    B -= Hb[a][b] * P[a][b];
                  }
                  hg[a] = s;
                  B += gv[a] * s;
                }
              }
              aw += e * B;
              const double we = wg * e;
              for (int a = 0; a < D; ++a) {
                double s = 0;
                for (int b = 0; b < D; ++b) s += P[a][b] * (2 * hg[b] - gb[b]);
                amu[a] -= we * (s - B * gv[a]);
                for (int b = 0; b < D; ++b)
                  aP[a][b] += we * (-0.5 * B * dx[a] * dx[b] - 0.5 * (gb[a] * dx[b] + dx[a] * gb[b]) +
                                    (hg[a] * dx[b] + dx[a] * hg[b]) - Hb[a][b]);
              }
            });
          }
        }
        for (int a = 0; a < D; ++a) grad(L.mu + g * D + a) = amu[a];
        grad(L.weight + g) = aw;
        GaussianShape s;
        gaussian_shape(L, smin, theta.data(), g, s);
        double gs[kMaxDim], grot[4];
        precision_reverse(L, theta.data(), g, s, aP, gs, grot);
        for (int a = 0; a < D; ++a) grad(L.log_width + g * D + a) = gs[a];
        for (int r = 0; r < L.nrot; ++r) grad(L.rotation + g * L.nrot + r) = grot[r];
      });
}

}  // namespace pigx
