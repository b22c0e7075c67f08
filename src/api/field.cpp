#include "pigx/api/field.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "pigx/core/error.hpp"

namespace pigx {

namespace {
constexpr int kMaxGridDim = 4;

void check_grid(const GridField& g, const std::string& what) {
  const std::size_t D = g.axes.size();
  PIGX_CHECK_INPUT(D >= 1 && D <= kMaxGridDim, what, ": a grid needs 1 to ", kMaxGridDim, " axes, got ", D);
  std::size_t nodes = 1;
  for (std::size_t d = 0; d < D; ++d) {
    const auto& a = g.axes[d];
    PIGX_CHECK_INPUT(a.size() >= 2, what, ": axis ", d, " has ", a.size(), " nodes; expected at least 2");
    for (std::size_t i = 0; i < a.size(); ++i) {
      PIGX_CHECK_INPUT(std::isfinite(a[i]), what, ": axis ", d, " node ", i, " is not finite");
      PIGX_CHECK_INPUT(i == 0 || a[i] > a[i - 1], what, ": axis ", d, " is not strictly increasing at node ",
                       i);
    }
    nodes *= a.size();
  }
  PIGX_CHECK_INPUT(g.values.size() == nodes, what, ": ", g.values.size(), " values for a grid of ", nodes,
                   " nodes");
  for (std::size_t i = 0; i < nodes; ++i)
    PIGX_CHECK_INPUT(std::isfinite(g.values[i]), what, ": value ", i, " is not finite");
}
}  // namespace

Field interpolate(const GridField& grid, const std::string& what) {
  check_grid(grid, what);
  auto g = std::make_shared<const GridField>(grid);  // the interpolant owns its copy
  return [g](const double* x) {
    const int D = static_cast<int>(g->axes.size());
    std::size_t cell[kMaxGridDim];
    double t[kMaxGridDim];
    for (int d = 0; d < D; ++d) {
      const auto& a = g->axes[d];
      const std::size_t hi = std::upper_bound(a.begin(), a.end(), x[d]) - a.begin();
      cell[d] = std::min(std::max<std::size_t>(hi, 1), a.size() - 1) - 1;
      t[d] = std::clamp((x[d] - a[cell[d]]) / (a[cell[d] + 1] - a[cell[d]]), 0.0, 1.0);
    }
    double sum = 0;
    for (int corner = 0; corner < (1 << D); ++corner) {
      double w = 1;
      std::size_t index = 0;
      for (int d = 0; d < D; ++d) {
        const int up = (corner >> d) & 1;
        w *= up ? t[d] : 1 - t[d];
        index = index * g->axes[d].size() + cell[d] + up;
      }
      sum += w * g->values[index];
    }
    return sum;
  };
}

void check_grid_covers(const GridField& grid, const std::vector<double>& lo, const std::vector<double>& hi,
                       const std::string& what) {
  PIGX_CHECK_INPUT(grid.axes.size() == lo.size(), what, ": the grid has ", grid.axes.size(),
                   " axes; the problem has ", lo.size(), " coordinates");
  for (std::size_t d = 0; d < lo.size(); ++d) {
    const auto& a = grid.axes[d];
    const double slack = 1e-12 * (hi[d] - lo[d]);  // grids built by linspace may miss the ends by round-off
    PIGX_CHECK_INPUT(!a.empty() && a.front() <= lo[d] + slack && a.back() >= hi[d] - slack, what, ": axis ",
                     d, " spans [", a.empty() ? NAN : a.front(), ", ", a.empty() ? NAN : a.back(),
                     "] but the domain is [", lo[d], ", ", hi[d], "]");
  }
}

}  // namespace pigx
