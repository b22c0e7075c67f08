// A dense Cholesky factorisation whose work is spread over the ranks that all hold the matrix, with a
// result that does not depend on the number of ranks.
#pragma once

#include <mpi.h>

#include <vector>

namespace pigx {

/// Collective: factors M = A + diag(shift), A symmetric n x n (column-major, upper triangle read; identical
/// on every rank) and M positive definite, as M = U^T U into U (resized to n x n), blocked by `block`
/// columns. Block columns are dealt to the ranks back and forth (0 1 .. p-1 p-1 .. 0 0 1 ..) and each is
/// formed and updated by its rank only, with the same BLAS calls whatever rank that is, so U is bitwise the
/// same on any number of ranks; every rank holds all of U (upper triangle) on return. Returns LAPACK's info
/// of the first failing diagonal block (0: success, > 0: not positive definite), the same on every rank.
int distributed_cholesky(MPI_Comm comm, int n, const std::vector<double>& A, const std::vector<double>& shift,
                         std::vector<double>& U, int block = 128);

}  // namespace pigx
