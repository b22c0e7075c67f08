// The Jacobian of a global loss's residual vector as a PETSc MATSHELL: rows are each rank's residual rows
// (ResidualRows), columns the distributed parameter Vec. J v and J^T w apply the rows the kernels computed
// at the linearisation point, gathering / scattering only the parameter entries a rank's rows touch (a
// VecScatter, as MPIAIJ does for its off-process columns). J^T J is never formed.
#pragma once

#include <petscmat.h>

#include <vector>

#include "pigx/parallel/residual_rows.hpp"

namespace pigx {

/// MATSHELL of J with MatMult, MatMultTranspose and MatGetColumnNorms (NORM_2).
class ResidualJacobian {
 public:
  /// A Jacobian of `local_rows` rows on this rank over parameter Vecs laid out like x. Collective.
  ResidualJacobian(Vec x, long long local_rows);
  ~ResidualJacobian();
  ResidualJacobian(const ResidualJacobian&) = delete;
  ResidualJacobian& operator=(const ResidualJacobian&) = delete;

  /// Points the shell at `rows` (kept by reference until the next call; its row count must be the one given
  /// at construction) and rebuilds the scatter of the columns they touch. Collective.
  void set_rows(const ResidualRows& rows);
  /// The shell (owned by this object).
  Mat mat() const { return J_; }
  /// A residual Vec laid out like J's rows (the caller destroys it).
  Vec create_residual_vec() const;
  /// Copies the current rows' residuals into r.
  void copy_residuals(Vec r) const;

  /// MatMult: y = J x (used by the shell). Collective.
  PetscErrorCode mult(Vec x, Vec y);
  /// MatMultTranspose: y = J^T w (used by the shell). Collective.
  PetscErrorCode mult_transpose(Vec w, Vec y);
  /// MatGetColumnNorms with NORM_2 (used by the shell): norms of every column on every rank. Collective.
  PetscErrorCode column_norms(PetscInt type, PetscReal* norms);
  /// Diagonal blocks of J^T J on every rank: block b has the global indices index[start[b] .. start[b+1]-1]
  /// (blocks disjoint) and goes, full and column-major, to gram + sum over c < b of size_c^2. Collective.
  PetscErrorCode block_gram(PetscInt nblocks, const PetscInt* start, const PetscInt* index, PetscReal* gram);

 private:
  Mat J_ = nullptr;
  Vec x_like_ = nullptr;  // a parameter Vec (for the scatter's layout)
  Vec ghost_ = nullptr;   // the parameter entries this rank's rows touch
  VecScatter scatter_ = nullptr;
  const ResidualRows* rows_ = nullptr;
  long long local_rows_ = 0;
  std::vector<PetscInt> local_column_;  // per entry: index into ghost_
  std::vector<PetscInt> touched_;       // global index of each ghost entry
};

}  // namespace pigx
