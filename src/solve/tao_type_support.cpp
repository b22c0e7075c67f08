#include "tao_type_support.hpp"

namespace pigx::tao_support {

PetscErrorCode create_ksp(Tao tao, const char* prefix, KSPType ksp_type, PCType pc_type) {
  PC pc;
  PetscFunctionBegin;
  PetscCall(KSPCreate(PetscObjectComm((PetscObject)tao), &tao->ksp));
  PetscCall(PetscObjectIncrementTabLevel((PetscObject)tao->ksp, (PetscObject)tao, 1));
  PetscCall(KSPSetOptionsPrefix(tao->ksp, prefix));
  PetscCall(KSPSetType(tao->ksp, ksp_type));
  PetscCall(KSPGetPC(tao->ksp, &pc));
  PetscCall(PCSetType(pc, pc_type));
  PetscFunctionReturn(0);
}

PetscErrorCode ksp_from_options(Tao tao, const char* prefix) {
  PetscFunctionBegin;
  PetscCall(KSPSetOptionsPrefix(tao->ksp, ((PetscObject)tao)->prefix));
  PetscCall(KSPAppendOptionsPrefix(tao->ksp, prefix));
  PetscCall(KSPSetFromOptions(tao->ksp));
  PetscFunctionReturn(0);
}

PetscErrorCode view_with_ksp(Tao tao, PetscViewer viewer, const char* line) {
  PetscBool isascii;
  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &isascii));
  if (isascii) {
    PetscCall(PetscViewerASCIIPrintf(viewer, "%s", line));
    PetscCall(PetscViewerASCIIPushTab(viewer));
    PetscCall(KSPView(tao->ksp, viewer));
    PetscCall(PetscViewerASCIIPopTab(viewer));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode column_norms(Mat J, std::vector<PetscReal>& norms) {
  PetscInt N;
  PetscFunctionBegin;
  PetscCall(MatGetSize(J, NULL, &N));
  norms.resize(N);
  PetscCall(MatGetColumnNorms(J, NORM_2, norms.data()));
  PetscFunctionReturn(0);
}

}  // namespace pigx::tao_support
