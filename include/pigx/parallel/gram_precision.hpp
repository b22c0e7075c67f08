// The precision Levenberg-Marquardt forms J^T J in.
#pragma once

namespace pigx {

/// Precision of the Gram matrix J^T J. Single precision halves the cost of the product and of its reduction
/// over the ranks; the damped system is then solved to double accuracy by conjugate gradients on exact
/// products J^T (J v), preconditioned by the single-precision matrix's Cholesky factor.
enum class GramPrecision { double_precision, single_precision };

}  // namespace pigx
