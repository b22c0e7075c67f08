#include "pigx/solve/residual_jacobian.hpp"

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
  // Each column's block, its place in the block, and each block's offset in gram and in the row buffer.
  std::vector<PetscInt> block_of(N, -1), pos(N, 0), offset(nblocks + 1, 0);
  for (PetscInt b = 0; b < nblocks; ++b) {
    const PetscInt n = start[b + 1] - start[b];
    for (PetscInt k = 0; k < n; ++k) block_of[index[start[b] + k]] = b, pos[index[start[b] + k]] = k;
    offset[b + 1] = offset[b] + n * n;
  }
  std::vector<PetscReal> local(offset[nblocks], 0.0), buffer(start[nblocks], 0.0);
  std::vector<PetscInt> stamp(nblocks, -1), touched;
  for (long long i = 0; i < local_rows_; ++i) {
    touched.clear();
    for (long long k = rows_->row_begin[i]; k < rows_->row_begin[i + 1]; ++k) {
      const PetscInt b = block_of[rows_->column[k]];
      if (b < 0) continue;
      if (stamp[b] != i) stamp[b] = static_cast<PetscInt>(i), touched.push_back(b);
      buffer[start[b] + pos[rows_->column[k]]] = rows_->value[k];
    }
    // Rank-one update of every block the row touches, then clear its slice of the buffer.
    for (PetscInt b : touched) {
      const PetscInt n = start[b + 1] - start[b];
      PetscReal* v = &buffer[start[b]];
      PetscReal* G = &local[offset[b]];
      for (PetscInt c = 0; c < n; ++c)
        if (v[c] != 0)
          for (PetscInt r = 0; r < n; ++r) G[r + c * n] += v[r] * v[c];
      std::fill(v, v + n, 0.0);
    }
  }
  MPI_Comm comm;
  PetscCall(PetscObjectGetComm(reinterpret_cast<PetscObject>(J_), &comm));
  PetscCallMPI(MPI_Allreduce(local.data(), gram, static_cast<int>(local.size()), MPIU_REAL, MPI_SUM, comm));
  PetscFunctionReturn(0);
}

}  // namespace pigx
