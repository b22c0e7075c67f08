#include "pigx/core/multigrid_encoder.hpp"

#include <type_traits>

#include "multigrid_kernels.hpp"
#include "pigx/core/error.hpp"

namespace pigx {

namespace {
// Runs f(std::integral_constant<int, D>) for the runtime dimension.
template <class Fn>
void dispatch(int dim, Fn&& f) {
  switch (dim) {
    case 1:
      return f(std::integral_constant<int, 1>{});
    case 2:
      return f(std::integral_constant<int, 2>{});
    case 3:
      return f(std::integral_constant<int, 3>{});
    default:
      return f(std::integral_constant<int, 4>{});
  }
}
}  // namespace

MultigridEncoder::MultigridEncoder(const ModelSpec& spec, const Box& physical_domain, const AffineMap& map)
    : layout_(ParamLayout::from_spec(spec)), model_box_(mapped_box(physical_domain, map)), map_(map) {
  PIGX_CHECK(spec.has_grid(), "the multigrid encoder needs model.encoder = multigrid or both");
  for (int d = 0; d < spec.dim; ++d)
    PIGX_CHECK(spec.periodic[d] == physical_domain.periodic[d], "the model is ",
               spec.periodic[d] ? "" : "not ", "periodic along axis ", d, " but its domain is ",
               physical_domain.periodic[d] ? "" : "not ", "(ModelSpec::periodic must be the domain's)");
}

void MultigridEncoder::prepare(ConstView1 theta, const PointBatch&) {
  theta_ = theta;
}

namespace {
detail::GridData grid_data(const ParamLayout& L, const Box& box, const AffineMap& map) {
  detail::GridData k;
  k.g = L.grid_desc;
  k.box = box;
  k.map = map;
  k.begin = static_cast<long long>(L.grid);
  k.channels = L.grid_desc.channels;
  return k;
}
}  // namespace

void MultigridEncoder::forward(const PointBatch& batch, View3 F, bool add) const {
  const detail::GridData k = grid_data(layout_, model_box_, map_);
  dispatch(layout_.dim, [&](auto dim) {
    constexpr int D = decltype(dim)::value;
    Kokkos::parallel_for("pigx::MultigridEncoder::forward", Range(0, batch.n),
                         detail::GridForwardKernel<D>{k, theta_, batch.xi, batch.order, F, add});
  });
}

void MultigridEncoder::reverse(ConstView1, const PointBatch& batch, View3 Fbar, View1 grad) const {
  const detail::GridData k = grid_data(layout_, model_box_, map_);
  Kokkos::deep_copy(Kokkos::subview(grad, std::make_pair(layout_.grid, layout_.mlp)), 0.0);
  dispatch(layout_.dim, [&](auto dim) {
    constexpr int D = decltype(dim)::value;
    Kokkos::parallel_for(
        "pigx::MultigridEncoder::reverse", Range(0, batch.n),
        detail::GridAdjointKernel<D, detail::GradientSink>{k, batch.xi, batch.order, Fbar, {grad}});
  });
}

void MultigridEncoder::jacobian(ConstView1, const PointBatch& batch, View3 Fbar, View2 J) const {
  const detail::GridData k = grid_data(layout_, model_box_, map_);
  dispatch(layout_.dim, [&](auto dim) {
    constexpr int D = decltype(dim)::value;
    Kokkos::parallel_for(
        "pigx::MultigridEncoder::jacobian", Range(0, batch.n),
        detail::GridAdjointKernel<D, detail::JacobianSink>{k, batch.xi, batch.order, Fbar, {J}});
  });
}

}  // namespace pigx
