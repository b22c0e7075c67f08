// What pigx's TAO types (adam, gn, lsq) share: looking up a type's composed methods, the KSP a type owns,
// and column-norm scratch. Private to src/solve.
#pragma once

#include <petsc/private/taoimpl.h>

#include <vector>

namespace pigx::tao_support {

/// Finds the method `name` composed on tao; errors, naming `caller` and `type`, when tao is of another type.
template <class F>
PetscErrorCode query_method(Tao tao, const char* name, const char* caller, const char* type, F* fn) {
  PetscFunctionBegin;
  *fn = NULL;
  PetscCall(PetscObjectQueryFunction((PetscObject)tao, name, fn));
  PetscCheck(*fn, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "%s() needs a Tao of type %s, this one is of type %s",
             caller, type, ((PetscObject)tao)->type_name ? ((PetscObject)tao)->type_name : "(not set)");
  PetscFunctionReturn(0);
}

/// Creates tao->ksp with the options prefix `prefix`, Krylov method `ksp_type` and preconditioner `pc_type`.
PetscErrorCode create_ksp(Tao tao, const char* prefix, KSPType ksp_type, PCType pc_type);

/// Prefixes tao->ksp with the Tao's prefix followed by `prefix`, then reads its options.
PetscErrorCode ksp_from_options(Tao tao, const char* prefix);

/// Prints `line` and then the KSP, indented, when `viewer` is ASCII.
PetscErrorCode view_with_ksp(Tao tao, PetscViewer viewer, const char* line);

/// The 2-norms of all columns of J into `norms` (sized to the global column count; reuses its storage).
PetscErrorCode column_norms(Mat J, std::vector<PetscReal>& norms);

}  // namespace pigx::tao_support
