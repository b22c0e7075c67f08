// Kernels of the Gaussian encoder, specialised on the input dimension D and on diagonal covariance so
// that the per-pair loops unroll. Private to gaussian_encoder.cpp.
#pragma once

#include "pigx/core/cell_grid.hpp"
#include "pigx/core/gaussian_geometry.hpp"
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
      F(p, c, 0) = acc[c][0];
      if (o >= 1)
        for (int a = 0; a < D; ++a) F(p, c, grad_index(a)) = map.scale[a] * acc[c][grad_index(a)];
      if (o >= 2)
        for (int a = 0; a < D; ++a)
          for (int b = a; b < D; ++b)
            F(p, c, hess_index(D, a, b)) = map.scale[a] * map.scale[b] * acc[c][hess_index(D, a, b)];
    }
    (void)nc;
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
    for (int a = 0; a < D; ++a) grad(L.mu + g * D + a) = amu[a];
    grad(L.weight + g) = aw;
    GaussianShape s;
    gaussian_shape(L, sigma_min, theta.data(), g, s);
    double gs[kMaxDim], grot[4];
    precision_reverse(L, theta.data(), g, s, Pbar, gs, grot);
    for (int a = 0; a < D; ++a) grad(L.log_width + g * D + a) = gs[a];
    for (int r = 0; r < L.nrot; ++r) grad(L.rotation + g * L.nrot + r) = grot[r];
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
