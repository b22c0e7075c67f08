// Every Kokkos alias, compile-time limit and device math helper used by the pigx kernels.
#pragma once

#include <Kokkos_Core.hpp>
#include <cmath>
#include <cstdint>

namespace pigx {

/// Execution space of every pigx kernel (Kokkos' default: Serial, OpenMP or CUDA).
using ExecSpace = Kokkos::DefaultExecutionSpace;
/// Memory space matching ExecSpace.
using MemSpace = ExecSpace::memory_space;
/// Range policy over points or Gaussians.
using Range = Kokkos::RangePolicy<ExecSpace>;

using View1 = Kokkos::View<double*, MemSpace>;
using View2 = Kokkos::View<double**, Kokkos::LayoutRight, MemSpace>;
using View3 = Kokkos::View<double***, Kokkos::LayoutRight, MemSpace>;
using IView1 = Kokkos::View<int*, MemSpace>;
using ConstView1 = Kokkos::View<const double*, MemSpace>;
using ConstView2 = Kokkos::View<const double**, Kokkos::LayoutRight, MemSpace>;
using HostView1 = View1::HostMirror;
using HostView2 = View2::HostMirror;
using HostView3 = View3::HostMirror;

/// Largest input dimension (space plus time).
constexpr int kMaxDim = 4;
/// Number of Taylor components (value, gradient, Hessian upper triangle) at kMaxDim.
constexpr int kMaxComp = 1 + kMaxDim + kMaxDim * (kMaxDim + 1) / 2;
/// Largest number of feature channels.
constexpr int kMaxChannels = 16;
/// Largest width of an MLP layer (inputs, hidden units, outputs).
constexpr int kMaxWidth = 64;
/// Largest number of linear layers in the MLP (hidden layers + output layer).
constexpr int kMaxLayers = 5;
/// Largest number of MLP outputs (components of a PDE system).
constexpr int kMaxOutputs = 4;

/// Device-callable math that compiles against Kokkos 3.4 and 4.x alike.
namespace math {
KOKKOS_INLINE_FUNCTION double exp(double x) {
  return ::exp(x);
}
KOKKOS_INLINE_FUNCTION double log(double x) {
  return ::log(x);
}
KOKKOS_INLINE_FUNCTION double sqrt(double x) {
  return ::sqrt(x);
}
KOKKOS_INLINE_FUNCTION double sin(double x) {
  return ::sin(x);
}
KOKKOS_INLINE_FUNCTION double cos(double x) {
  return ::cos(x);
}
KOKKOS_INLINE_FUNCTION double tanh(double x) {
  return ::tanh(x);
}
KOKKOS_INLINE_FUNCTION double cosh(double x) {
  return ::cosh(x);
}
KOKKOS_INLINE_FUNCTION double fabs(double x) {
  return ::fabs(x);
}
KOKKOS_INLINE_FUNCTION double floor(double x) {
  return ::floor(x);
}
KOKKOS_INLINE_FUNCTION double round(double x) {
  return ::round(x);
}
KOKKOS_INLINE_FUNCTION double pow(double x, double y) {
  return ::pow(x, y);
}
KOKKOS_INLINE_FUNCTION double pi() {
  return 3.14159265358979323846;
}
}  // namespace math

}  // namespace pigx
