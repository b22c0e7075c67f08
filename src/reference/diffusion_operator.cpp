// Residual and exact Jacobian of the conservative finite-difference discretisation (diffusion_stencil.hpp).
#include "diffusion_operator.hpp"

#include "pigx/reference/diffusion_stencil.hpp"

namespace pigx::reference::detail {
namespace {

/// True for a node on the boundary of the points x points grid. Not collective.
bool on_boundary(const DMDALocalInfo* info, int i, int j) {
  return i == 0 || j == 0 || i == info->mx - 1 || j == info->my - 1;
}

}  // namespace

PetscErrorCode diffusion_ifunction(DMDALocalInfo* info, PetscReal t, void* u_, void* udot_, void* f_,
                                   void* ctx_) {
  PetscFunctionBeginUser;
  const auto* ctx = static_cast<const OperatorContext*>(ctx_);
  const auto* const* u = static_cast<const PetscScalar* const*>(u_);
  const auto* const* udot = static_cast<const PetscScalar* const*>(udot_);
  auto** f = static_cast<PetscScalar**>(f_);
  const DiffusionProblem& p = *ctx->problem;
  const double h = ctx->h;
  for (int j = info->ys; j < info->ys + info->ym; ++j) {
    for (int i = info->xs; i < info->xs + info->xm; ++i) {
      if (on_boundary(info, i, j)) {
        f[j][i] = u[j][i];
        continue;
      }
      double rhs = p.alpha * flux_divergence(u, i, j, h);
      if (p.source) rhs += p.source(-1 + i * h, -1 + j * h, t);
      f[j][i] = udot[j][i] - rhs;
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode diffusion_ijacobian(DMDALocalInfo* info, PetscReal, void* u_, void*, PetscReal shift, Mat J,
                                   Mat P, void* ctx_) {
  PetscFunctionBeginUser;
  const auto* ctx = static_cast<const OperatorContext*>(ctx_);
  const auto* const* u = static_cast<const PetscScalar* const*>(u_);
  const double alpha = ctx->problem->alpha, h = ctx->h;
  for (int j = info->ys; j < info->ys + info->ym; ++j) {
    for (int i = info->xs; i < info->xs + info->xm; ++i) {
      MatStencil row{};
      row.i = i;
      row.j = j;
      if (on_boundary(info, i, j)) {
        const PetscScalar one = 1;
        PetscCall(MatSetValuesStencil(P, 1, &row, 1, &row, &one, INSERT_VALUES));
        continue;
      }
      MatStencil cols[5]{};
      PetscScalar v[5];
      const int di[5] = {0, 1, -1, 0, 0}, dj[5] = {0, 0, 0, 1, -1};
      v[0] = shift - alpha * flux_divergence_d_centre(u, i, j, h);
      cols[0].i = i;
      cols[0].j = j;
      for (int k = 1; k < 5; ++k) {
        cols[k].i = i + di[k];
        cols[k].j = j + dj[k];
        v[k] = -alpha * flux_divergence_d_neighbour(u[j + dj[k]][i + di[k]], h);
      }
      PetscCall(MatSetValuesStencil(P, 1, &row, 5, cols, v, INSERT_VALUES));
    }
  }
  PetscCall(MatAssemblyBegin(P, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(P, MAT_FINAL_ASSEMBLY));
  if (J != P) {
    PetscCall(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
  }
  PetscFunctionReturn(0);
}

}  // namespace pigx::reference::detail
