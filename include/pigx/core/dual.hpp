// Forward-mode dual numbers: a PDE residual written once as a template yields its exact
// linearisation with respect to the Taylor data, so adding a PDE touches no kernel.
#pragma once

#include "pigx/core/types.hpp"

namespace pigx {

/// A value with N directional derivatives; plain data, usable in kernels.
template <int N>
struct Dual {
  double v = 0;
  double g[N] = {};

  KOKKOS_INLINE_FUNCTION Dual() = default;
  /// A constant (all derivatives zero).
  KOKKOS_INLINE_FUNCTION Dual(double value) : v(value) {}  // NOLINT: implicit by design
};

/// Seeds variable i: value x with unit derivative in direction i.
template <int N>
KOKKOS_INLINE_FUNCTION Dual<N> make_variable(double x, int i) {
  Dual<N> r(x);
  r.g[i] = 1.0;
  return r;
}

/// Plain value of a double or a Dual.
KOKKOS_INLINE_FUNCTION double value_of(double x) {
  return x;
}
template <int N>
KOKKOS_INLINE_FUNCTION double value_of(const Dual<N>& x) {
  return x.v;
}

template <int N>
KOKKOS_INLINE_FUNCTION Dual<N> operator+(const Dual<N>& a, const Dual<N>& b) {
  Dual<N> r(a.v + b.v);
  for (int i = 0; i < N; ++i) r.g[i] = a.g[i] + b.g[i];
  return r;
}
template <int N>
KOKKOS_INLINE_FUNCTION Dual<N> operator-(const Dual<N>& a, const Dual<N>& b) {
  Dual<N> r(a.v - b.v);
  for (int i = 0; i < N; ++i) r.g[i] = a.g[i] - b.g[i];
  return r;
}
template <int N>
KOKKOS_INLINE_FUNCTION Dual<N> operator-(const Dual<N>& a) {
  Dual<N> r(-a.v);
  for (int i = 0; i < N; ++i) r.g[i] = -a.g[i];
  return r;
}
template <int N>
KOKKOS_INLINE_FUNCTION Dual<N> operator*(const Dual<N>& a, const Dual<N>& b) {
  Dual<N> r(a.v * b.v);
  for (int i = 0; i < N; ++i) r.g[i] = a.g[i] * b.v + a.v * b.g[i];
  return r;
}
template <int N>
KOKKOS_INLINE_FUNCTION Dual<N> operator/(const Dual<N>& a, const Dual<N>& b) {
  const double inv = 1.0 / b.v;
  Dual<N> r(a.v * inv);
  for (int i = 0; i < N; ++i) r.g[i] = (a.g[i] - r.v * b.g[i]) * inv;
  return r;
}
template <int N>
KOKKOS_INLINE_FUNCTION Dual<N> operator+(const Dual<N>& a, double b) {
  return a + Dual<N>(b);
}
template <int N>
KOKKOS_INLINE_FUNCTION Dual<N> operator+(double a, const Dual<N>& b) {
  return Dual<N>(a) + b;
}
template <int N>
KOKKOS_INLINE_FUNCTION Dual<N> operator-(const Dual<N>& a, double b) {
  return a - Dual<N>(b);
}
template <int N>
KOKKOS_INLINE_FUNCTION Dual<N> operator-(double a, const Dual<N>& b) {
  return Dual<N>(a) - b;
}
template <int N>
KOKKOS_INLINE_FUNCTION Dual<N> operator*(const Dual<N>& a, double b) {
  Dual<N> r(a.v * b);
  for (int i = 0; i < N; ++i) r.g[i] = a.g[i] * b;
  return r;
}
template <int N>
KOKKOS_INLINE_FUNCTION Dual<N> operator*(double a, const Dual<N>& b) {
  return b * a;
}
template <int N>
KOKKOS_INLINE_FUNCTION Dual<N> operator/(const Dual<N>& a, double b) {
  return a * (1.0 / b);
}

/// Chain rule for a scalar function with value f and derivative df at a.v.
template <int N>
KOKKOS_INLINE_FUNCTION Dual<N> chain(const Dual<N>& a, double f, double df) {
  Dual<N> r(f);
  for (int i = 0; i < N; ++i) r.g[i] = df * a.g[i];
  return r;
}

namespace math {
template <int N>
KOKKOS_INLINE_FUNCTION Dual<N> sin(const Dual<N>& a) {
  return chain(a, ::sin(a.v), ::cos(a.v));
}
template <int N>
KOKKOS_INLINE_FUNCTION Dual<N> cos(const Dual<N>& a) {
  return chain(a, ::cos(a.v), -::sin(a.v));
}
template <int N>
KOKKOS_INLINE_FUNCTION Dual<N> exp(const Dual<N>& a) {
  const double e = ::exp(a.v);
  return chain(a, e, e);
}
template <int N>
KOKKOS_INLINE_FUNCTION Dual<N> tanh(const Dual<N>& a) {
  const double t = ::tanh(a.v);
  return chain(a, t, 1.0 - t * t);
}
template <int N>
KOKKOS_INLINE_FUNCTION Dual<N> sqrt(const Dual<N>& a) {
  const double s = ::sqrt(a.v);
  return chain(a, s, 0.5 / s);
}
}  // namespace math

}  // namespace pigx
