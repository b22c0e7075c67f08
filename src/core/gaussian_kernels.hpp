// Kernels of the Gaussian encoder, specialised on the input dimension D and on diagonal covariance so
// that the per-pair loops unroll. Private to gaussian_encoder.cpp.
#pragma once

#include "pigx/core/cell_grid.hpp"
#include "pigx/core/fast_exp.hpp"
#include "pigx/core/gaussian_encoder.hpp"
#include "pigx/core/gaussian_geometry.hpp"
#include "pigx/core/simd.hpp"
#include "pigx/core/taylor.hpp"
#include "pigx/core/types.hpp"

namespace pigx::detail {

/// Everything the pair kernels read; plain views and values, copied into the kernels.
struct EncoderData {
  CellGrid grid;
  Box box;  // model box (periodic axes marked)
  bool any_periodic;
  double qcut;
  int per_channel, channels;
  IView1 channel;  // channel of each Gaussian (avoids an integer division per pair)
  View2 mu, prec, half;
  View1 w;
  CellRanges ranges;
  IView1 goff, gitems, poff, pitems;
  View2 xi;
  IView1 order;
};

/// Writes v into out, or adds it when add.
KOKKOS_INLINE_FUNCTION void store(double& out, double v, bool add) {
  out = add ? out + v : v;
}

/// Calls f(dx) for x - mu and, on periodic axes, every periodic image within the Gaussian's extent.
template <int D, class Fn>
KOKKOS_INLINE_FUNCTION void for_each_image(const EncoderData& k, const double* x, const double* mu,
                                           const double* half, Fn&& f) {
  double base[D];
  for (int d = 0; d < D; ++d) base[d] = x[d] - mu[d];
  if (!k.any_periodic) {
    f(base);
    return;
  }
  int K[D], total = 1;
  for (int d = 0; d < D; ++d) {
    K[d] = 0;
    if (k.box.periodic[d]) {
      const double L = k.box.extent(d);
      base[d] -= L * math::round(base[d] / L);
      K[d] = static_cast<int>(half[d] / L) + 1;
    }
    total *= 2 * K[d] + 1;
  }
  for (int m = 0; m < total; ++m) {
    double dx[D];
    int r = m;
    for (int d = 0; d < D; ++d) {
      const int s = r % (2 * K[d] + 1) - K[d];
      r /= 2 * K[d] + 1;
      dx[d] = base[d] + s * k.box.extent(d);
    }
    f(dx);
  }
}

/// gv = P dx and q = dx . P dx for a full or diagonal precision P.
template <int D, bool Diag>
KOKKOS_INLINE_FUNCTION double quadratic(const double (&P)[D][D], const double* dx, double* gv) {
  double q = 0;
  for (int a = 0; a < D; ++a) {
    double s = 0;
    if (Diag) {
      s = P[a][a] * dx[a];
    } else {
      for (int b = 0; b < D; ++b) s += P[a][b] * dx[b];
    }
    gv[a] = s;
    q += dx[a] * s;
  }
  return q;
}

/// Loads Gaussian g's centre, half extent and precision (only its diagonal when Diag); returns its weight.
template <int D, bool Diag>
KOKKOS_INLINE_FUNCTION double load_gaussian(const EncoderData& k, int g, double* m, double* hw,
                                            double (&P)[D][D]) {
  for (int a = 0; a < D; ++a) {
    m[a] = k.mu(g, a);
    hw[a] = k.half(g, a);
    for (int b = 0; b < D; ++b) P[a][b] = (!Diag || a == b) ? k.prec(g, a * D + b) : 0.0;
  }
  return k.w(g);
}

/// Per point: sum of the Taylor data of every Gaussian within the cut-off, in model-box coordinates.
template <int D, bool Diag>
struct ForwardKernel {
  EncoderData k;
  View3 F;
  AffineMap map;
  bool add;  // add to F rather than overwrite it

  KOKKOS_INLINE_FUNCTION void operator()(int j, long long& npairs) const {
    constexpr int NC = taylor_size(D, 2);
    const int p = k.pitems(j);  // points visited cell by cell: neighbours share Gaussian lists
    const int o = k.order(p), nc = taylor_size(D, o);
    double x[D];
    for (int d = 0; d < D; ++d) x[d] = k.xi(p, d);
    double acc[kMaxChannels][NC];
    for (int c = 0; c < k.channels; ++c)
      for (int i = 0; i < NC; ++i) acc[c][i] = 0;
    const int cell = k.grid.cell_of(x);
    for (int jj = k.goff(cell); jj < k.goff(cell + 1); ++jj) {
      const int g = k.gitems(jj);
      double m[D], hw[D], P[D][D];
      const double wg = load_gaussian<D, Diag>(k, g, m, hw, P);
      double* f = acc[k.channel(g)];
      for_each_image<D>(k, x, m, hw, [&](const double* dx) {
        double gv[D];
        const double q = quadratic<D, Diag>(P, dx, gv);
        if (q > k.qcut) return;
        ++npairs;
        const double e = wg * math::exp(-0.5 * q);
        f[0] += e;
        if (o < 1) return;
        for (int a = 0; a < D; ++a) f[grad_index(a)] -= e * gv[a];
        if (o < 2) return;
        for (int a = 0; a < D; ++a)
          for (int b = a; b < D; ++b) f[hess_index(D, a, b)] += e * (gv[a] * gv[b] - P[a][b]);
      });
    }
    // Chain rule to physical coordinates: d/dx_a = scale_a d/dxi_a.
    for (int c = 0; c < k.channels; ++c) {
      store(F(p, c, 0), acc[c][0], add);
      if (o >= 1)
        for (int a = 0; a < D; ++a) store(F(p, c, grad_index(a)), map.scale[a] * acc[c][grad_index(a)], add);
      if (o >= 2)
        for (int a = 0; a < D; ++a)
          for (int b = a; b < D; ++b)
            store(F(p, c, hess_index(D, a, b)), map.scale[a] * map.scale[b] * acc[c][hess_index(D, a, b)],
                  add);
    }
    (void)nc;
  }
};

/// Number of precision rows in PackedGaussians.
KOKKOS_INLINE_FUNCTION constexpr int packed_precision_rows(int D, bool diag) {
  return diag ? D : D * (D + 1) / 2;
}

/// Per point: the Taylor data of every channel from the packed Gaussians of its cell, no periodic images.
template <int D, bool Diag>
struct PackedForwardKernel {
  EncoderData k;
  PackedGaussians pg;
  View3 F;
  AffineMap map;
  bool add;  // add to F rather than overwrite it

  static constexpr int kPrec = packed_precision_rows(D, Diag);
  static constexpr int NC = taylor_size(D, 2);

  // Position of precision entry (a, b) among the packed precision rows (upper triangle, or diagonal).
  KOKKOS_INLINE_FUNCTION static constexpr int upper(int a, int b) {
    return a > b ? upper(b, a) : (Diag ? a : a * D - a * (a - 1) / 2 + (b - a));
  }
  // Precision entry (a, b) of one pair from its packed entries (zero off the diagonal when Diag).
  KOKKOS_INLINE_FUNCTION static double P(const double* Pu, int a, int b) {
    return (Diag && a != b) ? 0.0 : Pu[upper(a, b)];
  }

  // Diagonal precision in 2D and 3D (every benchmark problem): the same sums as channel_sum, written with
  // plain scalars only. GCC vectorises this form reliably; the generic one depends on its unrolling.
  template <int Order>
  KOKKOS_INLINE_FUNCTION long long channel_sum_diag2(const double* xp, int begin, int end,
                                                     double* out) const {
    const double x0 = xp[0], x1 = xp[1], qcut = k.qcut;
    const double *m0 = &pg.field(0, 0), *m1 = &pg.field(1, 0), *p0 = &pg.field(2, 0), *p1 = &pg.field(3, 0);
    const double* weight = &pg.field(4, 0);
    double npairs = 0, v = 0, g0 = 0, g1 = 0, h00 = 0, h01 = 0, h11 = 0;
    PIGX_SIMD(reduction(+ : npairs, v, g0, g1, h00, h01, h11))
    for (int j = begin; j < end; ++j) {
      const double d0 = x0 - m0[j], d1 = x1 - m1[j], P0 = p0[j], P1 = p1[j], wj = weight[j];
      const double t0 = P0 * d0, t1 = P1 * d1, q = d0 * t0 + d1 * t1;
      const bool inside = q <= qcut;
      const double e = inside ? wj * math::exp_nonpositive(-0.5 * q) : 0.0;
      npairs += inside ? 1.0 : 0.0;
      v += e;
      if (Order >= 1) g0 -= e * t0, g1 -= e * t1;
      if (Order >= 2) h00 += e * (t0 * t0 - P0), h01 += e * (t0 * t1), h11 += e * (t1 * t1 - P1);
    }
    const double sums[] = {v, g0, g1, h00, h01, h11};
    for (int i = 0; i < taylor_size(2, Order); ++i) out[i] = sums[i];
    return static_cast<long long>(npairs);
  }

  template <int Order>
  KOKKOS_INLINE_FUNCTION long long channel_sum_diag3(const double* xp, int begin, int end,
                                                     double* out) const {
    const double x0 = xp[0], x1 = xp[1], x2 = xp[2], qcut = k.qcut;
    const double *m0 = &pg.field(0, 0), *m1 = &pg.field(1, 0), *m2 = &pg.field(2, 0);
    const double *p0 = &pg.field(3, 0), *p1 = &pg.field(4, 0), *p2 = &pg.field(5, 0),
                 *weight = &pg.field(6, 0);
    double npairs = 0, v = 0, g0 = 0, g1 = 0, g2 = 0, h00 = 0, h01 = 0, h02 = 0, h11 = 0, h12 = 0, h22 = 0;
    PIGX_SIMD(reduction(+ : npairs, v, g0, g1, g2, h00, h01, h02, h11, h12, h22))
    for (int j = begin; j < end; ++j) {
      const double d0 = x0 - m0[j], d1 = x1 - m1[j], d2 = x2 - m2[j];
      const double P0 = p0[j], P1 = p1[j], P2 = p2[j], wj = weight[j];
      const double t0 = P0 * d0, t1 = P1 * d1, t2 = P2 * d2, q = d0 * t0 + d1 * t1 + d2 * t2;
      const bool inside = q <= qcut;
      const double e = inside ? wj * math::exp_nonpositive(-0.5 * q) : 0.0;
      npairs += inside ? 1.0 : 0.0;
      v += e;
      if (Order >= 1) g0 -= e * t0, g1 -= e * t1, g2 -= e * t2;
      if (Order >= 2) {
        h00 += e * (t0 * t0 - P0), h01 += e * (t0 * t1), h02 += e * (t0 * t2);
        h11 += e * (t1 * t1 - P1), h12 += e * (t1 * t2), h22 += e * (t2 * t2 - P2);
      }
    }
    const double sums[] = {v, g0, g1, g2, h00, h01, h02, h11, h12, h22};
    for (int i = 0; i < taylor_size(3, Order); ++i) out[i] = sums[i];
    return static_cast<long long>(npairs);
  }

  // Dispatches to the scalar-only forms where they exist.
  template <int Order>
  KOKKOS_INLINE_FUNCTION long long segment_sum(const double* x, int begin, int end, double* out) const {
    if constexpr (Diag && D == 2) return channel_sum_diag2<Order>(x, begin, end, out);
    if constexpr (Diag && D == 3) return channel_sum_diag3<Order>(x, begin, end, out);
    return channel_sum<Order>(x, begin, end, out);
  }

  // Sums of one channel segment into out[taylor_size(D, Order)]; returns the pairs inside the cut-off.
  // Written for the vectoriser: every stream and coordinate is first copied into a local (loads through
  // member or caller pointers inside the loop stop GCC), every accumulator is its own scalar (array
  // reductions go through memory), and the pair count is a double (one vector type for all reductions).
  template <int Order>
  KOKKOS_INLINE_FUNCTION long long channel_sum(const double* xp, int begin, int end, double* out) const {
    double x[D];
    const double* mu[D];
    const double* prec[kPrec];
    for (int a = 0; a < D; ++a) x[a] = xp[a], mu[a] = &pg.field(a, 0);
    for (int i = 0; i < kPrec; ++i) prec[i] = &pg.field(D + i, 0);
    const double* weight = &pg.field(D + kPrec, 0);
    const double qcut = k.qcut;
    double npairs = 0, v = 0, g0 = 0, g1 = 0, g2 = 0, g3 = 0;
    double h0 = 0, h1 = 0, h2 = 0, h3 = 0, h4 = 0, h5 = 0, h6 = 0, h7 = 0, h8 = 0, h9 = 0;
    PIGX_SIMD(reduction(+ : npairs, v, g0, g1, g2, g3, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9))
    for (int j = begin; j < end; ++j) {
      double dx[D], gv[D], Pu[kPrec];
      PIGX_UNROLL
      for (int a = 0; a < D; ++a) dx[a] = x[a] - mu[a][j];
      PIGX_UNROLL
      for (int i = 0; i < kPrec; ++i) Pu[i] = prec[i][j];
      double q = 0;
      PIGX_UNROLL
      for (int a = 0; a < D; ++a) {
        double t = 0;
        if (Diag) {
          t = Pu[a] * dx[a];
        } else {
          PIGX_UNROLL
          for (int b = 0; b < D; ++b) t += Pu[upper(a, b)] * dx[b];
        }
        gv[a] = t;
        q += dx[a] * t;
      }
      const bool inside = q <= qcut;
      const double wj = weight[j];  // loaded unconditionally: a masked load is slow on some CPUs
      const double e = inside ? wj * math::exp_nonpositive(-0.5 * q) : 0.0;
      npairs += inside ? 1.0 : 0.0;
      v += e;
      if (Order >= 1) {
        // The index clamps only keep dead branches of small D in bounds; D is a constant.
        g0 -= e * gv[0];
        if (D > 1) g1 -= e * gv[D > 1 ? 1 : 0];
        if (D > 2) g2 -= e * gv[D > 2 ? 2 : 0];
        if (D > 3) g3 -= e * gv[D > 3 ? 3 : 0];
      }
      if (Order >= 2) {
        // Upper triangle in hess_index order, row by row: (0,0) (0,1) .. (0,D-1) (1,1) ...
        constexpr int i1 = D > 1 ? 1 : 0, i2 = D > 2 ? 2 : 0, i3 = D > 3 ? 3 : 0;
        h0 += e * (gv[0] * gv[0] - P(Pu, 0, 0));
        if (D > 1) h1 += e * (gv[0] * gv[i1] - P(Pu, 0, i1));
        if (D == 2) h2 += e * (gv[i1] * gv[i1] - P(Pu, i1, i1));
        if (D > 2) {
          h2 += e * (gv[0] * gv[i2] - P(Pu, 0, i2));
          if (D == 3) {
            h3 += e * (gv[i1] * gv[i1] - P(Pu, i1, i1));
            h4 += e * (gv[i1] * gv[i2] - P(Pu, i1, i2));
            h5 += e * (gv[i2] * gv[i2] - P(Pu, i2, i2));
          }
        }
        if (D > 3) {
          h3 += e * (gv[0] * gv[i3] - P(Pu, 0, i3));
          h4 += e * (gv[i1] * gv[i1] - P(Pu, i1, i1));
          h5 += e * (gv[i1] * gv[i2] - P(Pu, i1, i2));
          h6 += e * (gv[i1] * gv[i3] - P(Pu, i1, i3));
          h7 += e * (gv[i2] * gv[i2] - P(Pu, i2, i2));
          h8 += e * (gv[i2] * gv[i3] - P(Pu, i2, i3));
          h9 += e * (gv[i3] * gv[i3] - P(Pu, i3, i3));
        }
      }
    }
    const double sums[] = {v, g0, g1, g2, g3, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9};
    out[0] = v;
    if (Order >= 1)
      for (int a = 0; a < D; ++a) out[grad_index(a)] = sums[1 + a];
    if (Order >= 2)
      for (int i = 0; i < D * (D + 1) / 2; ++i) out[1 + D + i] = sums[5 + i];
    return static_cast<long long>(npairs);
  }

  KOKKOS_INLINE_FUNCTION void operator()(int j, long long& npairs) const {
    const int p = k.pitems(j);
    const int o = k.order(p);
    double x[D];
    for (int d = 0; d < D; ++d) x[d] = k.xi(p, d);
    const int cell = k.grid.cell_of(x);
    for (int c = 0; c < k.channels; ++c) {
      const int s = cell * (k.channels + 1) + c, begin = pg.segment(s), end = pg.segment(s + 1);
      double acc[NC];
      if (o == 0) {
        npairs += segment_sum<0>(x, begin, end, acc);
      } else if (o == 1) {
        npairs += segment_sum<1>(x, begin, end, acc);
      } else {
        npairs += segment_sum<2>(x, begin, end, acc);
      }
      // Chain rule to physical coordinates: d/dx_a = scale_a d/dxi_a.
      store(F(p, c, 0), acc[0], add);
      if (o >= 1)
        for (int a = 0; a < D; ++a) store(F(p, c, grad_index(a)), map.scale[a] * acc[grad_index(a)], add);
      if (o >= 2)
        for (int a = 0; a < D; ++a)
          for (int b = a; b < D; ++b)
            store(F(p, c, hess_index(D, a, b)), map.scale[a] * map.scale[b] * acc[hess_index(D, a, b)], add);
    }
  }
};

/// Per point: turns the adjoint of the physical Taylor data into the adjoint of the model-box data, with
/// off-diagonal Hessian entries halved so that the reverse kernel can use a full symmetric matrix.
template <int D>
struct AdjointToModelBox {
  View3 Fbar;
  IView1 order;
  AffineMap map;
  int channels;

  KOKKOS_INLINE_FUNCTION void operator()(int p) const {
    const int o = order(p);
    for (int c = 0; c < channels; ++c) {
      if (o >= 1)
        for (int a = 0; a < D; ++a) Fbar(p, c, grad_index(a)) *= map.scale[a];
      if (o >= 2)
        for (int a = 0; a < D; ++a)
          for (int b = a; b < D; ++b)
            Fbar(p, c, hess_index(D, a, b)) *= map.scale[a] * map.scale[b] * (a == b ? 1.0 : 0.5);
    }
  }
};

/// One pair's contribution to the adjoints of a Gaussian: d/dw (per unit weight), d/dmu and d/dP (both
/// including the weight), for the adjoint Fbar(p, ch, :) of the point's Taylor data (model-box form).
template <int D>
struct PairAdjoint {
  double dw;
  double dmu[D];
  double dP[D][D];
};

/// Computes PairAdjoint for displacement dx, gv = P dx, e = exp(-q/2), point order o.
template <int D, bool Diag>
KOKKOS_INLINE_FUNCTION void pair_adjoint(const double (&P)[D][D], const double* dx, const double* gv,
                                         double e, double wg, int o, const View3& Fbar, int p, int ch,
                                         PairAdjoint<D>& r) {
  double B = Fbar(p, ch, 0);
  double gb[D], hg[D], Hb[D][D];
  for (int a = 0; a < D; ++a) {
    gb[a] = 0, hg[a] = 0;
    for (int b = 0; b < D; ++b) Hb[a][b] = 0;
  }
  if (o >= 1)
    for (int a = 0; a < D; ++a) {
      gb[a] = Fbar(p, ch, grad_index(a));
      B -= gb[a] * gv[a];
    }
  if (o >= 2) {
    for (int a = 0; a < D; ++a)
      for (int b = 0; b < D; ++b) Hb[a][b] = Fbar(p, ch, hess_index(D, a, b));
    for (int a = 0; a < D; ++a) {
      double s = 0;
      for (int b = 0; b < D; ++b) {
        s += Hb[a][b] * gv[b];
        if (!Diag || a == b) B -= Hb[a][b] * P[a][b];
      }
      hg[a] = s;
      B += gv[a] * s;
    }
  }
  r.dw = e * B;
  const double we = wg * e;
  for (int a = 0; a < D; ++a) {
    double s = 0;
    if (Diag) {
      s = P[a][a] * (2 * hg[a] - gb[a]);
    } else {
      for (int b = 0; b < D; ++b) s += P[a][b] * (2 * hg[b] - gb[b]);
    }
    r.dmu[a] = -we * (s - B * gv[a]);
    for (int b = 0; b < D; ++b)
      r.dP[a][b] = we * (-0.5 * B * dx[a] * dx[b] - 0.5 * (gb[a] * dx[b] + dx[a] * gb[b]) +
                         (hg[a] * dx[b] + dx[a] * hg[b]) - Hb[a][b]);
  }
}

/// Calls f(p, dx, gv, e) for every point p (and periodic image) within Gaussian g's cut-off.
template <int D, bool Diag, class Fn>
KOKKOS_INLINE_FUNCTION void for_each_point(const EncoderData& k, int g, const double* m, const double* hw,
                                           const double (&P)[D][D], Fn&& f) {
  const int ncell = range_count(k.grid, k.ranges, g);
  for (int kc = 0; kc < ncell; ++kc) {
    const int c = range_cell(k.grid, k.ranges, g, kc);
    for (int jj = k.poff(c); jj < k.poff(c + 1); ++jj) {
      const int p = k.pitems(jj);
      double xp[D];
      for (int a = 0; a < D; ++a) xp[a] = k.xi(p, a);
      for_each_image<D>(k, xp, m, hw, [&](const double* dx) {
        double gv[D];
        const double q = quadratic<D, Diag>(P, dx, gv);
        if (q > k.qcut) return;
        f(p, dx, gv, math::exp(-0.5 * q));
      });
    }
  }
}

/// Writes Gaussian g's gradient from its accumulated adjoints: mean, weight, and through the precision
/// adjoint Pbar to its log-widths and rotation.
KOKKOS_INLINE_FUNCTION void write_gaussian_gradient(const ParamLayout& L, double sigma_min,
                                                    const ConstView1& theta, int g, const double* amu,
                                                    double aw, const double (&Pbar)[kMaxDim][kMaxDim],
                                                    const View1& grad) {
  const int D = L.dim;
  for (int a = 0; a < D; ++a) grad(L.mu + g * D + a) = amu[a];
  grad(L.weight + g) = aw;
  GaussianShape s;
  gaussian_shape(L, sigma_min, theta.data(), g, s);
  double gs[kMaxDim], grot[4];
  precision_reverse(L, theta.data(), g, s, Pbar, gs, grot);
  for (int a = 0; a < D; ++a) grad(L.log_width + g * D + a) = gs[a];
  for (int r = 0; r < L.nrot; ++r) grad(L.rotation + g * L.nrot + r) = grot[r];
}

/// Per Gaussian: gradient of sum_p Fbar(p) . F(p) with respect to its mean, weight and precision,
/// then through the precision to its log-widths and rotation.
template <int D, bool Diag>
struct ReverseKernel {
  EncoderData k;
  View3 Fbar;  // model-box adjoints (AdjointToModelBox applied)
  View1 grad;
  ConstView1 theta;
  ParamLayout L;
  double sigma_min;

  KOKKOS_INLINE_FUNCTION void operator()(int g) const {
    const int ch = k.channel(g);
    double P[D][D], m[D], hw[D];
    const double wg = load_gaussian<D, Diag>(k, g, m, hw, P);
    double amu[D], Pbar[kMaxDim][kMaxDim], aw = 0;
    for (int a = 0; a < D; ++a) {
      amu[a] = 0;
      for (int b = 0; b < D; ++b) Pbar[a][b] = 0;
    }
    for_each_point<D, Diag>(k, g, m, hw, P, [&](int p, const double* dx, const double* gv, double e) {
      PairAdjoint<D> r;
      pair_adjoint<D, Diag>(P, dx, gv, e, wg, k.order(p), Fbar, p, ch, r);
      aw += r.dw;
      for (int a = 0; a < D; ++a) {
        amu[a] += r.dmu[a];
        for (int b = 0; b < D; ++b) Pbar[a][b] += r.dP[a][b];
      }
    });
    write_gaussian_gradient(L, sigma_min, theta, g, amu, aw, Pbar, grad);
  }
};

/// Per Gaussian, diagonal precision, D = 2 or 3, no periodic axes: the same gradient as ReverseKernel from
/// points packed per cell (structure of arrays, model-box adjoints of every channel, points with derivative
/// data first, then value-only points), so that the pair loops vectorise.
template <int D>
struct PackedReverseKernel {
  EncoderData k;
  PackedPoints pp;
  View1 grad;
  ConstView1 theta;
  ParamLayout L;
  double sigma_min;

  static_assert(D == 2 || D == 3, "packed reverse kernel: D = 2 or 3");
  static constexpr int NC = taylor_size(D, 2);

  KOKKOS_INLINE_FUNCTION void operator()(int g) const {
    const int ch = k.channel(g), base = D + ch * NC;
    const double m0 = k.mu(g, 0), m1 = k.mu(g, 1), m2 = D == 3 ? k.mu(g, D - 1) : 0.0;
    const double P0 = k.prec(g, 0), P1 = k.prec(g, D + 1), P2 = D == 3 ? k.prec(g, D * D - 1) : 0.0;
    const double wg = k.w(g), qcut = k.qcut;
    const double *x0 = &pp.full(0, 0), *x1 = &pp.full(1, 0), *x2 = &pp.full(D - 1, 0);
    const double* F0 = &pp.full(base, 0);
    const double *G0 = &pp.full(base + 1, 0), *G1 = &pp.full(base + 2, 0), *G2 = &pp.full(base + D, 0);
    const double *v0 = &pp.value(0, 0), *v1 = &pp.value(1, 0), *v2 = &pp.value(D - 1, 0);
    const double* V0 = &pp.value(D + ch, 0);
    // Hessian rows in hess_index order; D = 2: 00 01 11, D = 3: 00 01 02 11 12 22 (off-diagonals halved).
    const double* H00 = &pp.full(base + 1 + D, 0);
    const double* H01 = &pp.full(base + 2 + D, 0);
    const double* H02 = &pp.full(base + (D == 3 ? 3 + D : 2 + D), 0);
    const double* H11 = &pp.full(base + (D == 3 ? 4 + D : 3 + D), 0);
    const double* H12 = &pp.full(base + (D == 3 ? 5 + D : 3 + D), 0);
    const double* H22 = &pp.full(base + (D == 3 ? 6 + D : 3 + D), 0);
    double aw = 0, a0 = 0, a1 = 0, a2 = 0, p0 = 0, p1 = 0, p2 = 0;  // sums of e * (...)
    const int ncell = range_count(k.grid, k.ranges, g);
    for (int kc = 0; kc < ncell; ++kc) {
      const int c = range_cell(k.grid, k.ranges, g, kc);
      const int s0 = pp.segment(4 * c), s1 = pp.segment(4 * c + 1);
      const int v_begin = pp.segment(4 * c + 2), v_end = pp.segment(4 * c + 3);
      // Points with derivative data: B = Fbar . d(Taylor data)/dG, then mean and precision adjoints.
      PIGX_SIMD(reduction(+ : aw, a0, a1, a2, p0, p1, p2))
      for (int j = s0; j < s1; ++j) {
        const double d0 = x0[j] - m0, d1 = x1[j] - m1, d2 = D == 3 ? x2[j] - m2 : 0.0;
        const double t0 = P0 * d0, t1 = P1 * d1, t2 = P2 * d2;
        const double q = d0 * t0 + d1 * t1 + d2 * t2;
        const double e = q <= qcut ? math::exp_nonpositive(-0.5 * q) : 0.0;
        const double g0 = G0[j], g1 = G1[j], g2 = D == 3 ? G2[j] : 0.0;
        const double h00 = H00[j], h01 = H01[j], h11 = H11[j];
        const double h02 = D == 3 ? H02[j] : 0.0, h12 = D == 3 ? H12[j] : 0.0, h22 = D == 3 ? H22[j] : 0.0;
        const double hg0 = h00 * t0 + h01 * t1 + h02 * t2;
        const double hg1 = h01 * t0 + h11 * t1 + h12 * t2;
        const double hg2 = h02 * t0 + h12 * t1 + h22 * t2;
        const double B = F0[j] - (g0 * t0 + g1 * t1 + g2 * t2) + (t0 * hg0 + t1 * hg1 + t2 * hg2) -
                         (h00 * P0 + h11 * P1 + h22 * P2);
        aw += e * B;
        a0 += e * (P0 * (2 * hg0 - g0) - B * t0);
        a1 += e * (P1 * (2 * hg1 - g1) - B * t1);
        p0 += e * (d0 * (2 * hg0 - g0 - 0.5 * B * d0) - h00);
        p1 += e * (d1 * (2 * hg1 - g1 - 0.5 * B * d1) - h11);
        if (D == 3) {
          a2 += e * (P2 * (2 * hg2 - g2) - B * t2);
          p2 += e * (d2 * (2 * hg2 - g2 - 0.5 * B * d2) - h22);
        }
      }
      // Value-only points: B = Fbar_0.
      PIGX_SIMD(reduction(+ : aw, a0, a1, a2, p0, p1, p2))
      for (int j = v_begin; j < v_end; ++j) {
        const double d0 = v0[j] - m0, d1 = v1[j] - m1, d2 = D == 3 ? v2[j] - m2 : 0.0;
        const double t0 = P0 * d0, t1 = P1 * d1, t2 = P2 * d2;
        const double q = d0 * t0 + d1 * t1 + d2 * t2;
        const double eB = q <= qcut ? math::exp_nonpositive(-0.5 * q) * V0[j] : 0.0;
        aw += eB;
        a0 -= eB * t0;
        a1 -= eB * t1;
        p0 -= 0.5 * eB * d0 * d0;
        p1 -= 0.5 * eB * d1 * d1;
        if (D == 3) {
          a2 -= eB * t2;
          p2 -= 0.5 * eB * d2 * d2;
        }
      }
    }
    const double amu[3] = {-wg * a0, -wg * a1, -wg * a2};
    double Pbar[kMaxDim][kMaxDim] = {};
    Pbar[0][0] = wg * p0, Pbar[1][1] = wg * p1;
    if (D == 3) Pbar[2][2] = wg * p2;
    write_gaussian_gradient(L, sigma_min, theta, g, amu, aw, Pbar, grad);
  }
};

/// Per Gaussian: the columns of its parameters in the Jacobian of the point residuals, J(p, column); row p
/// of J receives d r_p / d theta for the adjoint seed Fbar(p) = d r_p / d F(p).
template <int D, bool Diag>
struct JacobianKernel {
  EncoderData k;
  View3 Fbar;
  View2 J;
  ConstView1 theta;
  ParamLayout L;
  double sigma_min;

  KOKKOS_INLINE_FUNCTION void operator()(int g) const {
    const int ch = k.channel(g);
    double P[D][D], m[D], hw[D];
    const double wg = load_gaussian<D, Diag>(k, g, m, hw, P);
    GaussianShape s;
    gaussian_shape(L, sigma_min, theta.data(), g, s);
    for_each_point<D, Diag>(k, g, m, hw, P, [&](int p, const double* dx, const double* gv, double e) {
      PairAdjoint<D> r;
      pair_adjoint<D, Diag>(P, dx, gv, e, wg, k.order(p), Fbar, p, ch, r);
      double Pbar[kMaxDim][kMaxDim], gs[kMaxDim], grot[4];
      for (int a = 0; a < D; ++a)
        for (int b = 0; b < D; ++b) Pbar[a][b] = r.dP[a][b];
      precision_reverse(L, theta.data(), g, s, Pbar, gs, grot);
      // Periodic images of one Gaussian add up in the same entries.
      J(p, L.weight + g) += r.dw;
      for (int a = 0; a < D; ++a) {
        J(p, L.mu + g * D + a) += r.dmu[a];
        J(p, L.log_width + g * D + a) += gs[a];
      }
      for (int q = 0; q < L.nrot; ++q) J(p, L.rotation + g * L.nrot + q) += grot[q];
    });
  }
};

}  // namespace pigx::detail
