// Spatial bins: a uniform grid over the model box, with lists of the points in each cell and of the
// Gaussians whose cut-off box overlaps each cell (LAMMPS-style binning, rebuilt when Gaussians move).
#pragma once

#include "pigx/core/box.hpp"
#include "pigx/core/types.hpp"

namespace pigx {

/// A uniform grid of cells over a box; plain data, usable in kernels.
struct CellGrid {
  int dim = 1;
  int n[kMaxDim] = {1, 1, 1, 1};
  int stride[kMaxDim] = {1, 1, 1, 1};
  double lo[kMaxDim] = {0, 0, 0, 0};
  double inv_h[kMaxDim] = {0, 0, 0, 0};
  bool periodic[kMaxDim] = {false, false, false, false};
  int ncells = 1;

  /// Cell index along axis d of coordinate x (wrapped on periodic axes, clamped otherwise).
  KOKKOS_INLINE_FUNCTION int axis_cell(int d, double x) const {
    const int i = static_cast<int>(math::floor((x - lo[d]) * inv_h[d]));
    if (periodic[d]) return ((i % n[d]) + n[d]) % n[d];
    return i < 0 ? 0 : (i >= n[d] ? n[d] - 1 : i);
  }
  /// Linear index of the cell holding point x.
  KOKKOS_INLINE_FUNCTION int cell_of(const double* x) const {
    int c = 0;
    for (int d = 0; d < dim; ++d) c += axis_cell(d, x[d]) * stride[d];
    return c;
  }
};

/// Makes a grid over `box` with about `cells_per_axis[d]` cells along axis d (at least 1, total capped).
CellGrid make_cell_grid(const Box& box, const double* cells_per_axis);

/// Compressed lists of items per cell: items of cell c are items(offsets(c) .. offsets(c+1)-1).
struct CellLists {
  IView1 offsets;  ///< ncells + 1
  IView1 items;
  IView1 cursor;   ///< scratch, ncells
  int nitems = 0;  ///< number of entries in items
};

/// Per-item range of cells along each axis: first cell and number of cells, [item][2*dim]; a count
/// of zero along any axis means the item touches no cell.
using CellRanges = Kokkos::View<int**, Kokkos::LayoutRight, MemSpace>;

/// Bins n points (rows of x) into the grid. Reuses the storage of `lists`.
void bin_points(const CellGrid& grid, ConstView2 x, int n, CellLists& lists);
/// Bins n items by their cell ranges (an item enters every cell of its range). Reuses storage.
void bin_ranges(const CellGrid& grid, const CellRanges& ranges, int n, CellLists& lists);

/// Number of cells in an item's range, and the linear index of its k-th cell.
KOKKOS_INLINE_FUNCTION int range_count(const CellGrid& g, const CellRanges& r, int i) {
  int count = 1;
  for (int d = 0; d < g.dim; ++d) count *= r(i, 2 * d + 1);
  return count;
}
/// Linear cell index of the k-th cell (mixed radix, first axis fastest) of item i's range.
KOKKOS_INLINE_FUNCTION int range_cell(const CellGrid& g, const CellRanges& r, int i, int k) {
  int c = 0;
  for (int d = 0; d < g.dim; ++d) {
    const int len = r(i, 2 * d + 1);
    int idx = r(i, 2 * d) + k % len;
    k /= len;
    if (g.periodic[d]) idx %= g.n[d];
    c += idx * g.stride[d];
  }
  return c;
}
/// Cell range along axis d of the interval [a, b] (wrapping on periodic axes).
KOKKOS_INLINE_FUNCTION void axis_range(const CellGrid& g, int d, double a, double b, int& first, int& count) {
  int i0 = static_cast<int>(math::floor((a - g.lo[d]) * g.inv_h[d]));
  int i1 = static_cast<int>(math::floor((b - g.lo[d]) * g.inv_h[d]));
  if (g.periodic[d]) {
    if (i1 - i0 + 1 >= g.n[d]) {
      first = 0, count = g.n[d];
    } else {
      first = ((i0 % g.n[d]) + g.n[d]) % g.n[d], count = i1 - i0 + 1;
    }
    return;
  }
  if (i1 < 0 || i0 >= g.n[d]) {
    first = 0, count = 0;
    return;
  }
  i0 = i0 < 0 ? 0 : i0;
  i1 = i1 >= g.n[d] ? g.n[d] - 1 : i1;
  first = i0, count = i1 - i0 + 1;
}

}  // namespace pigx
