// Adam (Kingma & Ba, 2015) as a PETSc TAO type: after register_tao_adam(), `-tao_type adam` works like a
// built-in type. The first and second moments and the step counter persist across TaoSolve calls on the
// same Tao, so a driver may solve in chunks (and change the objective between them) without restarting Adam.
//
// Options (under the Tao's prefix): -tao_adam_learning_rate <1e-3>, -tao_adam_beta1 <0.9>,
// -tao_adam_beta2 <0.999>, -tao_adam_epsilon <1e-8>.
#pragma once

#include <petsctao.h>

namespace pigx {

/// Registers the TAO type "adam" (TaoRegister); safe to call more than once. Not collective.
PetscErrorCode register_tao_adam();

/// Sets Adam's learning rate from the next iteration on; no-op for other TAO types. Logically collective.
PetscErrorCode tao_adam_set_learning_rate(Tao tao, PetscReal lr);

/// Gets Adam's total steps over all TaoSolve calls on this Tao (bias-correction counter). Not collective.
PetscErrorCode tao_adam_get_total_steps(Tao tao, PetscInt* steps);

/// Gets Adam's moments (borrowed: null before the first TaoSetUp; do not destroy) and total steps. Errors
/// for a Tao of another type. Not collective.
PetscErrorCode tao_adam_get_state(Tao tao, Vec* m, Vec* v, PetscInt* steps);

/// Sets Adam's moments (copied from m and v, laid out like the Tao's solution, which must be set) and total
/// steps, e.g. to continue from a checkpoint; no-op for other types. Collective.
PetscErrorCode tao_adam_set_state(Tao tao, Vec m, Vec v, PetscInt steps);

/// Clears Adam's moments and step counter (e.g. on a restart); no-op for other types. Logically collective.
PetscErrorCode tao_adam_reset(Tao tao);

}  // namespace pigx
