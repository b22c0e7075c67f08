// Kernels of the multigrid encoder, specialised on the input dimension D. Private to
// multigrid_encoder.cpp.
#pragma once

#include "pigx/core/box.hpp"
#include "pigx/core/model_spec.hpp"
#include "pigx/core/taylor.hpp"
#include "pigx/core/types.hpp"

namespace pigx::detail {

/// Everything the multigrid kernels read besides the views; plain data.
struct GridData {
  GridDesc g;
  Box box;          // model box (periodic axes marked)
  AffineMap map;    // physical -> model box
  long long begin;  // first grid value in theta
  int channels;
};

/// The four control points of one axis that are non-zero at a coordinate: their indices, the uniform cubic
/// B-spline values and their first and second derivatives with respect to the physical coordinate.
struct AxisBasis {
  int idx[4];
  double b[4], d1[4], d2[4];
};

/// Fills `out` for model-box coordinate xi on an axis [lo, lo + extent] of `cells` cells; `scale` is the
/// map's d xi / d x. Non-periodic: control points 0..cells+2 (point j centred at lo + (j - 1 - shift) h);
/// periodic: 0..cells-1 (point j centred at lo + (j - shift) h), indices wrapped. A shifted non-periodic
/// grid covers [lo - shift h, lo + extent - shift h]; points past its end use its last cell's cubic.
KOKKOS_INLINE_FUNCTION void axis_basis(double xi, double lo, double extent, int cells, bool periodic,
                                       double scale, AxisBasis& out, double shift = 0) {
  const double h = extent / cells;
  double u = (xi - lo) / h + shift;
  if (periodic) u -= cells * math::floor(u / cells);
  int i = static_cast<int>(math::floor(u));
  i = i < 0 ? 0 : (i > cells - 1 ? cells - 1 : i);  // points on (or just beyond) the box use its end cells
  const double t = u - i, s = 1 - t, t2 = t * t, t3 = t2 * t;
  out.b[0] = s * s * s / 6;
  out.b[1] = (3 * t3 - 6 * t2 + 4) / 6;
  out.b[2] = (-3 * t3 + 3 * t2 + 3 * t + 1) / 6;
  out.b[3] = t3 / 6;
  const double g = scale / h, g2 = g * g;
  out.d1[0] = -0.5 * s * s * g;
  out.d1[1] = (1.5 * t2 - 2 * t) * g;
  out.d1[2] = (-1.5 * t2 + t + 0.5) * g;
  out.d1[3] = 0.5 * t2 * g;
  out.d2[0] = s * g2;
  out.d2[1] = (3 * t - 2) * g2;
  out.d2[2] = (1 - 3 * t) * g2;
  out.d2[3] = t * g2;
  for (int m = 0; m < 4; ++m) {
    if (periodic) {
      int j = (i + m - 1) % cells;
      out.idx[m] = j < 0 ? j + cells : j;
    } else {
      out.idx[m] = i + m;
    }
  }
}

/// Calls f(first, phi) for every level and each of the 4^D control points whose B-spline is non-zero at
/// model-box point xi: `first` is the theta index of the point's channel-0 value, phi the basis function's
/// physical Taylor data up to `order` (layout of taylor.hpp). `shift` moves every level's grid by that
/// fraction of its cell along every axis (towards lower coordinates).
template <int D, class Fn>
KOKKOS_INLINE_FUNCTION void for_each_control(const GridData& k, const double* xi, int order, Fn&& f,
                                             double shift = 0) {
  constexpr int NC = taylor_size(D, 2);
  for (int l = 0; l < k.g.levels; ++l) {
    AxisBasis ax[D];
    for (int a = 0; a < D; ++a)
      axis_basis(xi[a], k.box.lo[a], k.box.extent(a), k.g.cells[l][a], k.box.periodic[a], k.map.scale[a],
                 ax[a], shift);
    constexpr int combos = 1 << (2 * D);
    for (int m = 0; m < combos; ++m) {
      int sel[D];
      long long flat = 0;
      for (int a = 0; a < D; ++a) {
        sel[a] = (m >> (2 * a)) & 3;
        flat = flat * k.g.ctrl[l][a] + ax[a].idx[sel[a]];
      }
      double phi[NC];
      double v = 1;
      for (int a = 0; a < D; ++a) v *= ax[a].b[sel[a]];
      phi[0] = v;
      if (order >= 1)
        for (int a = 0; a < D; ++a) {
          double d = ax[a].d1[sel[a]];
          for (int b = 0; b < D; ++b)
            if (b != a) d *= ax[b].b[sel[b]];
          phi[grad_index(a)] = d;
        }
      if (order >= 2)
        for (int a = 0; a < D; ++a)
          for (int b = a; b < D; ++b) {
            double d = a == b ? ax[a].d2[sel[a]] : ax[a].d1[sel[a]] * ax[b].d1[sel[b]];
            for (int e = 0; e < D; ++e)
              if (e != a && e != b) d *= ax[e].b[sel[e]];
            phi[hess_index(D, a, b)] = d;
          }
      f(k.begin + k.g.off[l] + flat * k.channels, phi);
    }
  }
}

/// Calls f(c0, c1, first, phi) as for_each_control does, for channels c0 <= c < c1 that share a grid:
/// aligned, all channels in one pass; staggered, one pass per channel c with its grids shifted by
/// c / channels of a cell.
template <int D, class Fn>
KOKKOS_INLINE_FUNCTION void for_each_channel_group(const GridData& k, const double* xi, int order, Fn&& f) {
  const int groups = k.g.staggered ? k.channels : 1;
  for (int g = 0; g < groups; ++g) {
    const int c0 = k.g.staggered ? g : 0, c1 = k.g.staggered ? g + 1 : k.channels;
    const double shift = k.g.staggered ? static_cast<double>(g) / k.channels : 0.0;
    for_each_control<D>(
        k, xi, order, [&](long long first, const double* phi) { f(c0, c1, first, phi); }, shift);
  }
}

/// Per point: the Taylor data of every channel, summed over levels and control points.
template <int D>
struct GridForwardKernel {
  GridData k;
  ConstView1 theta;
  View2 xi;
  IView1 order;
  View3 F;
  bool add;  // add to F rather than overwrite it

  KOKKOS_INLINE_FUNCTION void operator()(int p) const {
    constexpr int NC = taylor_size(D, 2);
    const int o = order(p), nc = taylor_size(D, o), C = k.channels;
    double x[D];
    for (int a = 0; a < D; ++a) x[a] = xi(p, a);
    double acc[kMaxChannels][NC];
    for (int c = 0; c < C; ++c)
      for (int i = 0; i < NC; ++i) acc[c][i] = 0;
    for_each_channel_group<D>(k, x, o, [&](int c0, int c1, long long first, const double* phi) {
      for (int c = c0; c < c1; ++c) {
        const double w = theta(first + c);
        for (int i = 0; i < nc; ++i) acc[c][i] += w * phi[i];
      }
    });
    for (int c = 0; c < C; ++c)
      for (int i = 0; i < nc; ++i) F(p, c, i) = add ? F(p, c, i) + acc[c][i] : acc[c][i];
  }
};

/// Per point: s = Fbar(p, c) . phi, the derivative of point p's output with respect to every grid value
/// it touches, handed to sink(p, index, s). The reverse pass and the Jacobian differ only in the sink.
template <int D, class Sink>
struct GridAdjointKernel {
  GridData k;
  View2 xi;
  IView1 order;
  View3 Fbar;
  Sink sink;

  KOKKOS_INLINE_FUNCTION void operator()(int p) const {
    const int o = order(p), nc = taylor_size(D, o);
    double x[D];
    for (int a = 0; a < D; ++a) x[a] = xi(p, a);
    for_each_channel_group<D>(k, x, o, [&](int c0, int c1, long long first, const double* phi) {
      for (int c = c0; c < c1; ++c) {
        double s = 0;
        for (int i = 0; i < nc; ++i) s += Fbar(p, c, i) * phi[i];
        sink(p, first + c, s);
      }
    });
  }
};

/// Gradient sink: adds s to grad(index); atomic because several points share a control point.
struct GradientSink {
  View1 grad;
  KOKKOS_INLINE_FUNCTION void operator()(int, long long index, double s) const {
    Kokkos::atomic_add(&grad(index), s);
  }
};

/// Jacobian sink: adds s to J(p, index); one row per point, so no atomics.
struct JacobianSink {
  View2 J;
  KOKKOS_INLINE_FUNCTION void operator()(int p, long long index, double s) const { J(p, index) += s; }
};

}  // namespace pigx::detail
