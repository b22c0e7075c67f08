// An exp for the pair loops that the compiler can vectorise: libm's exp is an opaque call that stops
// SIMD code generation on the CPU. Accurate to a few ulp for arguments in [-708, 0] (the Gaussian pair
// kernels only ever pass -q/2 <= 0). On CUDA the native exp is faster and is used instead.
#pragma once

#include <cstdint>
#include <cstring>

#include "pigx/core/types.hpp"

namespace pigx::math {

/// Reinterprets the bits of a value (std::bit_cast before C++20); the builtin keeps loops vectorisable.
template <class To, class From>
KOKKOS_FORCEINLINE_FUNCTION To bit_cast(const From& from) {
  static_assert(sizeof(To) == sizeof(From), "bit_cast needs equal sizes");
#if defined(__GNUC__) && !defined(__CUDACC__)
  return __builtin_bit_cast(To, from);
#else
  To to;
  std::memcpy(&to, &from, sizeof to);
  return to;
#endif
}

/// exp(x) for x <= 0, branch-free so that loops vectorise. Larger x is clamped to 0 and x below -80 to -80:
/// exp(-80) = 1.8e-35 lies far below any cut-off, and the result times a Gaussian weight stays a normal
/// number (subnormal operands cost about a hundred cycles each on x86).
KOKKOS_FORCEINLINE_FUNCTION double exp_nonpositive(double x) {
#if defined(__CUDA_ARCH__) || defined(__HIP_DEVICE_COMPILE__)
  return ::exp(x);
#else
  x = x > 0.0 ? 0.0 : x;
  x = x < -80.0 ? -80.0 : x;
  // x = n ln2 + r with |r| <= ln2/2; n is recovered from the low mantissa bits of a shifted double.
  constexpr double kLog2e = 1.4426950408889634, kShift = 6755399441055744.0;  // 1.5 * 2^52
  constexpr double kLn2Hi = 6.93147180369123816490e-01, kLn2Lo = 1.90821492927058770002e-10;
  const double shifted = x * kLog2e + kShift;
  const double n = shifted - kShift;
  const double r = (x - n * kLn2Hi) - n * kLn2Lo;
  // Taylor polynomial of degree 13 (truncation below 1e-17 relative on |r| <= ln2/2), evaluated with
  // Estrin's scheme: depth 5 instead of Horner's 13 dependent FMAs, so the loop is not latency-bound.
  const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const double a0 = 1.0 + r, a1 = 1.0 / 2 + r * (1.0 / 6), a2 = 1.0 / 24 + r * (1.0 / 120);
  const double a3 = 1.0 / 720 + r * (1.0 / 5040), a4 = 1.0 / 40320 + r * (1.0 / 362880);
  const double a5 = 1.0 / 3628800 + r * (1.0 / 39916800), a6 = 1.0 / 479001600 + r * (1.0 / 6227020800.0);
  const double b0 = a0 + r2 * a1, b1 = a2 + r2 * a3, b2 = a4 + r2 * a5;
  const double c0 = b0 + r4 * b1, c1 = b2 + r4 * a6;
  const double p = c0 + r8 * c1;
  const std::int64_t scale_bits = (bit_cast<std::int64_t>(shifted) - 0x4338000000000000LL + 1023) << 52;
  return p * bit_cast<double>(scale_bits);  // p * 2^n
#endif
}

/// Floating-point operations in one exp_nonpositive call on the CPU (for the benchmarks' FLOP counts).
/// (An FMA counts as 2; the clamps are compares, not counted.)
constexpr int kExpFlops =
    2 /*shift*/ + 1 /*n*/ + 4 /*reduction*/ + 3 /*powers*/ + 26 /*Estrin*/ + 1 /*scale*/;

}  // namespace pigx::math
