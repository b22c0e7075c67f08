#include "pigx/parallel/distributed_cholesky.hpp"

#include <algorithm>

#include "blas.hpp"
#include "pigx/parallel/mpi_check.hpp"

namespace pigx {

int distributed_cholesky(MPI_Comm comm, int n, const std::vector<double>& A, const std::vector<double>& shift,
                         std::vector<double>& M, int block) {
  int rank, size;
  PIGX_MPI(MPI_Comm_rank(comm, &rank));
  PIGX_MPI(MPI_Comm_size(comm, &size));
  const int nblocks = (n + block - 1) / block;
  // Block columns are dealt back and forth (0 1 .. p-1 p-1 .. 1 0 0 1 ..): the trailing updates, whose cost
  // grows with the column, then stay balanced step by step.
  auto owner = [&](int j) { return (j / size) % 2 == 0 ? j % size : size - 1 - j % size; };
  auto start = [&](int j) { return j * block; };
  auto width = [&](int j) { return std::min(block, n - j * block); };
  auto at = [&](int row, int col) { return &M[row + static_cast<std::size_t>(col) * n]; };
  // Only the owned block columns are formed here; the others arrive factored from their owners.
  M.resize(static_cast<std::size_t>(n) * n);
  for (int j = 0; j < nblocks; ++j) {
    if (owner(j) != rank) continue;
    for (int c = start(j); c < start(j) + width(j); ++c) {
      std::copy_n(&A[static_cast<std::size_t>(c) * n], c + 1, at(0, c));
      *at(c, c) += shift[c];
    }
  }
  // Diagonal block k: factored by its owner as soon as its column is up to date (one step ahead), sent
  // with the factorisation's info by a non-blocking broadcast that the others wait for at step k.
  std::vector<double> diag;
  MPI_Request diag_request = MPI_REQUEST_NULL;
  auto post_diagonal = [&](int k) {
    const int k0 = start(k), kb = width(k);
    diag.assign(static_cast<std::size_t>(kb) * kb + 1, 0.0);
    if (rank == owner(k)) {
      int info = 0;
      dpotrf_("U", &kb, at(k0, k0), &n, &info);
      for (int c = 0; c < kb; ++c) std::copy_n(at(k0, k0 + c), kb, &diag[static_cast<std::size_t>(c) * kb]);
      diag.back() = info;
    }
    PIGX_MPI(
        MPI_Ibcast(diag.data(), static_cast<int>(diag.size()), MPI_DOUBLE, owner(k), comm, &diag_request));
  };
  std::vector<double> mine, all;
  std::vector<int> counts(size), displs(size);
  const double one = 1.0, minus_one = -1.0;
  post_diagonal(0);
  for (int k = 0; k < nblocks; ++k) {
    const int k0 = start(k), kb = width(k);
    PIGX_MPI(MPI_Wait(&diag_request, MPI_STATUS_IGNORE));
    if (rank != owner(k))
      for (int c = 0; c < kb; ++c) std::copy_n(&diag[static_cast<std::size_t>(c) * kb], kb, at(k0, k0 + c));
    const int info = static_cast<int>(diag.back());
    if (info != 0) return k0 + info;
    // Row panel U(k, j) = U_kk^-T M(k, j) by the owner of each block column j > k; one all-gather shares it.
    mine.clear();
    std::fill(counts.begin(), counts.end(), 0);
    for (int j = k + 1; j < nblocks; ++j) {
      counts[owner(j)] += kb * width(j);
      if (rank != owner(j)) continue;
      const int jb = width(j);
      dtrsm_("L", "U", "T", "N", &kb, &jb, &one, at(k0, k0), &n, at(k0, start(j)), &n);
      for (int c = start(j); c < start(j) + jb; ++c) mine.insert(mine.end(), at(k0, c), at(k0, c) + kb);
    }
    if (size > 1 && k + 1 < nblocks) {
      for (int r = 1; r < size; ++r) displs[r] = displs[r - 1] + counts[r - 1];
      all.resize(static_cast<std::size_t>(displs[size - 1]) + counts[size - 1]);
      PIGX_MPI(MPI_Allgatherv(mine.data(), static_cast<int>(mine.size()), MPI_DOUBLE, all.data(),
                              counts.data(), displs.data(), MPI_DOUBLE, comm));
      std::vector<int> cursor(displs);
      for (int j = k + 1; j < nblocks; ++j) {
        const int r = owner(j);
        for (int c = start(j); c < start(j) + width(j); ++c, cursor[r] += kb)
          if (r != rank) std::copy_n(&all[cursor[r]], kb, at(k0, c));
      }
    }
    if (k + 1 == nblocks) break;
    // Trailing update of this rank's block columns: M(k+1..j, j) -= U(k, k+1..j)^T U(k, j); the owner of
    // block k + 1 updates it first and factors its diagonal block before the rest.
    if (rank != owner(k + 1)) post_diagonal(k + 1);
    for (int j = k + 1; j < nblocks; ++j) {
      if (rank != owner(j)) continue;
      const int j0 = start(j), jb = width(j), rows = j0 + jb - (k0 + kb);
      dgemm_("T", "N", &rows, &jb, &kb, &minus_one, at(k0, k0 + kb), &n, at(k0, j0), &n, &one,
             at(k0 + kb, j0), &n);
      if (j == k + 1) post_diagonal(k + 1);
    }
  }
  return 0;
}

}  // namespace pigx
