#include "pigx/core/test_grid.hpp"

#include <algorithm>

#include "pigx/core/error.hpp"

namespace pigx {

void fill_grid_points(const Pde& pde, TestGrid& g) {
  const auto names = pde.coordinates();
  const int D = pde.dim();
  PIGX_CHECK_INPUT(static_cast<int>(g.axis_names.size()) == D, "test grid of problem '", pde.name(), "' has ",
                   g.axis_names.size(), " axes; expected ", D);
  g.axis_coordinate.clear();
  for (const auto& a : g.axis_names) {
    auto it = std::find(names.begin(), names.begin() + D, a);
    PIGX_CHECK_INPUT(it != names.begin() + D, "test grid axis '", a, "' is not a coordinate of problem '",
                     pde.name(), "'");
    g.axis_coordinate.push_back(static_cast<int>(it - names.begin()));
  }
  long long n = 1;
  for (const auto& ax : g.axes) n *= static_cast<long long>(ax.size());
  g.points.resize(n * D);
  std::vector<long long> idx(D, 0);
  for (long long i = 0; i < n; ++i) {
    long long r = i;
    for (int k = D - 1; k >= 0; --k) {
      idx[k] = r % static_cast<long long>(g.axes[k].size());
      r /= static_cast<long long>(g.axes[k].size());
    }
    for (int k = 0; k < D; ++k) g.points[i * D + g.axis_coordinate[k]] = g.axes[k][idx[k]];
  }
}

TestGrid make_exact_grid(const Pde& pde) {
  PIGX_CHECK(pde.has_exact(), "problem '", pde.name(), "' has no exact solution");
  const TestGridSpec spec = pde.test_grid();
  const Box box = pde.domain();
  const auto names = pde.coordinates();
  TestGrid g;
  for (int d = 0; d < pde.dim(); ++d) {
    g.axis_names.push_back(names[d]);
    std::vector<double> ax(spec.counts[d]);
    for (int i = 0; i < spec.counts[d]; ++i)
      ax[i] = spec.counts[d] == 1 ? box.lo[d] : box.lo[d] + box.extent(d) * i / (spec.counts[d] - 1);
    g.axes.push_back(ax);
  }
  fill_grid_points(pde, g);
  const int D = pde.dim(), O = pde.outputs();
  std::vector<double> u(O);
  g.reference.resize(g.points.size() / D);
  for (std::size_t i = 0; i < g.reference.size(); ++i) {
    pde.exact(&g.points[i * D], u.data());
    g.reference[i] = u[0];
  }
  return g;
}

}  // namespace pigx
