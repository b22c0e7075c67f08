#include "pigx/solve/residual_jacobian.hpp"

// petscblaslapack.h needs petscsys.h first.
// clang-format off
#include <petscsys.h>
#include <petscblaslapack.h>
// clang-format on

#include <algorithm>
#include <cmath>

#include "pigx/core/error.hpp"
#include "pigx/solve/petsc_check.hpp"

namespace pigx {

namespace {

ResidualJacobian* self(Mat A) {
  void* ctx = nullptr;
  PetscCallAbort(PETSC_COMM_SELF, MatShellGetContext(A, &ctx));
  return static_cast<ResidualJacobian*>(ctx);
}

PetscErrorCode shell_mult(Mat A, Vec x, Vec y) {
  return self(A)->mult(x, y);
}

PetscErrorCode shell_mult_transpose(Mat A, Vec w, Vec y) {
  return self(A)->mult_transpose(w, y);
}

PetscErrorCode shell_column_norms(Mat A, PetscInt type, PetscReal* norms) {
  return self(A)->column_norms(type, norms);
}

PetscErrorCode shell_block_gram(Mat A, PetscInt nblocks, const PetscInt* start, const PetscInt* index,
                                PetscReal* gram) {
  return self(A)->block_gram(nblocks, start, index, gram);
}

}  // namespace

ResidualJacobian::ResidualJacobian(Vec x, long long local_rows) : local_rows_(local_rows) {
  MPI_Comm comm;
  PetscInt n, N;
  PIGX_PETSC(PetscObjectGetComm(reinterpret_cast<PetscObject>(x), &comm));
  PIGX_PETSC(VecGetLocalSize(x, &n));
  PIGX_PETSC(VecGetSize(x, &N));
  PIGX_PETSC(VecDuplicate(x, &x_like_));
  PIGX_PETSC(MatCreateShell(comm, static_cast<PetscInt>(local_rows), n, PETSC_DETERMINE, N, this, &J_));
  PIGX_PETSC(MatShellSetOperation(J_, MATOP_MULT, reinterpret_cast<void (*)(void)>(shell_mult)));
  PIGX_PETSC(
      MatShellSetOperation(J_, MATOP_MULT_TRANSPOSE, reinterpret_cast<void (*)(void)>(shell_mult_transpose)));
  PIGX_PETSC(
      MatShellSetOperation(J_, MATOP_GET_COLUMN_NORMS, reinterpret_cast<void (*)(void)>(shell_column_norms)));
  PIGX_PETSC(
      PetscObjectComposeFunction(reinterpret_cast<PetscObject>(J_), "PigxMatBlockGram_C", shell_block_gram));
}

ResidualJacobian::~ResidualJacobian() {
  VecScatterDestroy(&scatter_);
  VecDestroy(&ghost_);
  VecDestroy(&x_like_);
  MatDestroy(&J_);
}

void ResidualJacobian::set_rows(const ResidualRows& rows) {
  PIGX_CHECK(rows.rows() == local_rows_, "the Jacobian was made for ", local_rows_, " rows, got ",
             rows.rows());
  rows_ = &rows;
  PetscInt N;
  PIGX_PETSC(VecGetSize(x_like_, &N));
  // Columns the rows touch, in increasing order, and each entry's place among them.
  std::vector<PetscInt> slot(N, -1);
  for (long long c : rows.column) slot[c] = 0;
  touched_.clear();
  for (PetscInt c = 0; c < N; ++c)
    if (slot[c] == 0) slot[c] = static_cast<PetscInt>(touched_.size()), touched_.push_back(c);
  local_column_.resize(rows.column.size());
  for (std::size_t k = 0; k < rows.column.size(); ++k) local_column_[k] = slot[rows.column[k]];
  PIGX_PETSC(VecScatterDestroy(&scatter_));
  PIGX_PETSC(VecDestroy(&ghost_));
  PIGX_PETSC(VecCreateSeq(PETSC_COMM_SELF, static_cast<PetscInt>(touched_.size()), &ghost_));
  IS from;
  PIGX_PETSC(ISCreateGeneral(PETSC_COMM_SELF, static_cast<PetscInt>(touched_.size()), touched_.data(),
                             PETSC_USE_POINTER, &from));
  PIGX_PETSC(VecScatterCreate(x_like_, from, ghost_, nullptr, &scatter_));
  PIGX_PETSC(ISDestroy(&from));
}

Vec ResidualJacobian::create_residual_vec() const {
  Vec r;
  PIGX_PETSC(MatCreateVecs(J_, nullptr, &r));
  return r;
}

void ResidualJacobian::copy_residuals(Vec r) const {
  PetscScalar* a;
  PIGX_PETSC(VecGetArray(r, &a));
  std::copy(rows_->r.begin(), rows_->r.end(), a);
  PIGX_PETSC(VecRestoreArray(r, &a));
}

PetscErrorCode ResidualJacobian::mult(Vec x, Vec y) {
  PetscFunctionBeginUser;
  PetscCheck(rows_, PETSC_COMM_SELF, PETSC_ERR_ORDER, "ResidualJacobian: set_rows() was not called");
  PetscCall(VecScatterBegin(scatter_, x, ghost_, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(scatter_, x, ghost_, INSERT_VALUES, SCATTER_FORWARD));
  const PetscScalar* g;
  PetscScalar* out;
  PetscCall(VecGetArrayRead(ghost_, &g));
  PetscCall(VecGetArray(y, &out));
  const long long* begin = rows_->row_begin.data();
  const double* v = rows_->value.data();
  const PetscInt* col = local_column_.data();
  for (long long i = 0; i < local_rows_; ++i) {
    double s = 0;
    for (long long k = begin[i]; k < begin[i + 1]; ++k) s += v[k] * g[col[k]];
    out[i] = s;
  }
  PetscCall(VecRestoreArray(y, &out));
  PetscCall(VecRestoreArrayRead(ghost_, &g));
  PetscFunctionReturn(0);
}

PetscErrorCode ResidualJacobian::mult_transpose(Vec w, Vec y) {
  PetscFunctionBeginUser;
  PetscCheck(rows_, PETSC_COMM_SELF, PETSC_ERR_ORDER, "ResidualJacobian: set_rows() was not called");
  const PetscScalar* in;
  PetscScalar* g;
  PetscCall(VecSet(ghost_, 0.0));
  PetscCall(VecGetArrayRead(w, &in));
  PetscCall(VecGetArray(ghost_, &g));
  const long long* begin = rows_->row_begin.data();
  const double* v = rows_->value.data();
  const PetscInt* col = local_column_.data();
  for (long long i = 0; i < local_rows_; ++i)
    for (long long k = begin[i]; k < begin[i + 1]; ++k) g[col[k]] += v[k] * in[i];
  PetscCall(VecRestoreArray(ghost_, &g));
  PetscCall(VecRestoreArrayRead(w, &in));
  PetscCall(VecSet(y, 0.0));
  PetscCall(VecScatterBegin(scatter_, ghost_, y, ADD_VALUES, SCATTER_REVERSE));
  PetscCall(VecScatterEnd(scatter_, ghost_, y, ADD_VALUES, SCATTER_REVERSE));
  PetscFunctionReturn(0);
}

PetscErrorCode ResidualJacobian::column_norms(PetscInt type, PetscReal* norms) {
  PetscFunctionBeginUser;
  PetscCheck(rows_, PETSC_COMM_SELF, PETSC_ERR_ORDER, "ResidualJacobian: set_rows() was not called");
  PetscCheck(type == NORM_2, PETSC_COMM_SELF, PETSC_ERR_SUP, "ResidualJacobian: only NORM_2 column norms");
  PetscInt N;
  PetscCall(VecGetSize(x_like_, &N));
  std::vector<PetscReal> sq(N, 0.0);
  for (std::size_t k = 0; k < rows_->value.size(); ++k)
    sq[rows_->column[k]] += rows_->value[k] * rows_->value[k];
  MPI_Comm comm;
  PetscCall(PetscObjectGetComm(reinterpret_cast<PetscObject>(J_), &comm));
  PetscCallMPI(MPI_Allreduce(sq.data(), norms, static_cast<int>(N), MPIU_REAL, MPI_SUM, comm));
  for (PetscInt c = 0; c < N; ++c) norms[c] = std::sqrt(norms[c]);
  PetscFunctionReturn(0);
}

PetscErrorCode ResidualJacobian::block_gram(PetscInt nblocks, const PetscInt* start, const PetscInt* index,
                                            PetscReal* gram) {
  PetscFunctionBeginUser;
  PetscCheck(rows_, PETSC_COMM_SELF, PETSC_ERR_ORDER, "ResidualJacobian: set_rows() was not called");
  PetscInt N;
  PetscCall(VecGetSize(x_like_, &N));
  // Each column's block and place in it, each block's offset in gram, and the rows touching each block.
  std::vector<PetscInt> block_of(N, -1), pos(N, 0), offset(nblocks + 1, 0), stamp(nblocks, -1);
  for (PetscInt b = 0; b < nblocks; ++b) {
    const PetscInt n = start[b + 1] - start[b];
    for (PetscInt k = 0; k < n; ++k) block_of[index[start[b] + k]] = b, pos[index[start[b] + k]] = k;
    offset[b + 1] = offset[b] + n * n;
  }
  std::vector<std::vector<long long>> touching(nblocks);
  for (long long i = 0; i < local_rows_; ++i)
    for (long long k = rows_->row_begin[i]; k < rows_->row_begin[i + 1]; ++k) {
      const PetscInt b = block_of[rows_->column[k]];
      if (b >= 0 && stamp[b] != i) stamp[b] = static_cast<PetscInt>(i), touching[b].push_back(i);
    }
  // Per block: its rows' entries as a dense matrix V (n x rows, column-major), then V V^T by syrk.
  std::vector<PetscReal> local(offset[nblocks], 0.0), V;
  for (PetscInt b = 0; b < nblocks; ++b) {
    PetscBLASInt n = static_cast<PetscBLASInt>(start[b + 1] - start[b]);
    PetscBLASInt m = static_cast<PetscBLASInt>(touching[b].size());
    if (m == 0) continue;
    V.assign(static_cast<std::size_t>(n) * m, 0.0);
    for (PetscBLASInt j = 0; j < m; ++j) {
      const long long i = touching[b][j];
      for (long long k = rows_->row_begin[i]; k < rows_->row_begin[i + 1]; ++k)
        if (block_of[rows_->column[k]] == b)
          V[pos[rows_->column[k]] + static_cast<std::size_t>(j) * n] = rows_->value[k];
    }
    PetscReal* G = &local[offset[b]];
    const PetscReal one = 1.0, zero = 0.0;
    BLASsyrk_("U", "N", &n, &m, &one, V.data(), &n, &zero, G, &n);
    for (PetscBLASInt c = 0; c < n; ++c)
      for (PetscBLASInt r = c + 1; r < n; ++r) G[r + c * n] = G[c + r * n];  // the lower triangle too
  }
  MPI_Comm comm;
  PetscCall(PetscObjectGetComm(reinterpret_cast<PetscObject>(J_), &comm));
  PetscCallMPI(MPI_Allreduce(local.data(), gram, static_cast<int>(local.size()), MPIU_REAL, MPI_SUM, comm));
  PetscFunctionReturn(0);
}

}  // namespace pigx
