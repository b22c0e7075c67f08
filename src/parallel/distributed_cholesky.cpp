#include "pigx/parallel/distributed_cholesky.hpp"

#include <algorithm>

#include "blas.hpp"
#include "pigx/parallel/mpi_check.hpp"

namespace pigx {

namespace {

// Broadcasts rows [r0, r0 + rows) of columns [c0, c0 + cols) of the n x n column-major M from `root`.
void broadcast_block(MPI_Comm comm, int root, int rank, std::vector<double>& M, int n, int r0, int rows,
                     int c0, int cols, std::vector<double>& buffer) {
  buffer.resize(static_cast<std::size_t>(rows) * cols);
  if (rank == root)
    for (int c = 0; c < cols; ++c)
      std::copy_n(&M[r0 + static_cast<std::size_t>(c0 + c) * n], rows,
                  &buffer[static_cast<std::size_t>(c) * rows]);
  PIGX_MPI(MPI_Bcast(buffer.data(), static_cast<int>(buffer.size()), MPI_DOUBLE, root, comm));
  if (rank != root)
    for (int c = 0; c < cols; ++c)
      std::copy_n(&buffer[static_cast<std::size_t>(c) * rows], rows,
                  &M[r0 + static_cast<std::size_t>(c0 + c) * n]);
}

}  // namespace

int distributed_cholesky(MPI_Comm comm, int n, const std::vector<double>& A, const std::vector<double>& shift,
                         std::vector<double>& M, int block) {
  int rank, size;
  PIGX_MPI(MPI_Comm_rank(comm, &rank));
  PIGX_MPI(MPI_Comm_size(comm, &size));
  const int nblocks = (n + block - 1) / block;
  auto owner = [&](int j) { return j % size; };
  // Only the owned block columns are formed here; the others arrive factored from their owners.
  M.resize(static_cast<std::size_t>(n) * n);
  for (int j = 0; j < nblocks; ++j) {
    if (owner(j) != rank) continue;
    for (int c = j * block; c < std::min(n, (j + 1) * block); ++c) {
      std::copy_n(&A[static_cast<std::size_t>(c) * n], c + 1, &M[static_cast<std::size_t>(c) * n]);
      M[c + static_cast<std::size_t>(c) * n] += shift[c];
    }
  }
  std::vector<double> buffer;
  const double one = 1.0, minus_one = -1.0;
  for (int k = 0; k < nblocks; ++k) {
    const int k0 = k * block, kb = std::min(block, n - k0);
    double* Mkk = &M[k0 + static_cast<std::size_t>(k0) * n];
    // The diagonal block (up to date on its owner) is factored there and sent to every rank.
    int info = 0;
    if (rank == owner(k)) dpotrf_("U", &kb, Mkk, &n, &info);
    PIGX_MPI(MPI_Bcast(&info, 1, MPI_INT, owner(k), comm));
    if (info != 0) return k0 + info;
    if (size > 1) broadcast_block(comm, owner(k), rank, M, n, k0, kb, k0, kb, buffer);
    // Row panel U(k, j) = U_kk^-T M(k, j) by the owner of each block column j > k, then sent to every rank.
    for (int j = k + 1; j < nblocks; ++j) {
      const int j0 = j * block, jb = std::min(block, n - j0);
      if (rank == owner(j))
        dtrsm_("L", "U", "T", "N", &kb, &jb, &one, Mkk, &n, &M[k0 + static_cast<std::size_t>(j0) * n], &n);
    }
    for (int j = k + 1; j < nblocks && size > 1; ++j) {  // after every solve, so the ranks work in parallel
      const int j0 = j * block, jb = std::min(block, n - j0);
      broadcast_block(comm, owner(j), rank, M, n, k0, kb, j0, jb, buffer);
    }
    // Trailing update of this rank's block columns: M(k+1..j, j) -= U(k, k+1..j)^T U(k, j).
    for (int j = k + 1; j < nblocks; ++j) {
      if (rank != owner(j)) continue;
      const int j0 = j * block, jb = std::min(block, n - j0), rows = j0 + jb - (k0 + kb);
      dgemm_("T", "N", &rows, &jb, &kb, &minus_one, &M[k0 + static_cast<std::size_t>(k0 + kb) * n], &n,
             &M[k0 + static_cast<std::size_t>(j0) * n], &n, &one,
             &M[(k0 + kb) + static_cast<std::size_t>(j0) * n], &n);
    }
  }
  return 0;
}

}  // namespace pigx
