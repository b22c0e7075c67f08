#include "pigx/core/cell_grid.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace pigx {

namespace {
constexpr double kMaxCells = 1 << 20;

void ensure_size(IView1& v, const char* label, int n) {
  if (static_cast<int>(v.extent(0)) < n)
    v = IView1(Kokkos::view_alloc(std::string(label), Kokkos::WithoutInitializing),
               static_cast<std::size_t>(n));
}

// Counts per cell (count functor), exclusive scan, then fill (cell functor): shared by both binnings.
template <class CountFn, class CellFn>
void build_lists(int ncells, int n, CountFn count_of, CellFn cell_of, CellLists& L) {
  ensure_size(L.offsets, "pigx::CellLists::offsets", ncells + 1);
  ensure_size(L.cursor, "pigx::CellLists::cursor", ncells);
  IView1 offsets = L.offsets, cursor = L.cursor;
  Kokkos::deep_copy(Kokkos::subview(cursor, std::make_pair(0, ncells)), 0);
  Kokkos::parallel_for(
      "pigx::CellLists::count", Range(0, n), KOKKOS_LAMBDA(int i) {
        const int m = count_of(i);
        for (int k = 0; k < m; ++k) Kokkos::atomic_add(&cursor(cell_of(i, k)), 1);
      });
  int total = 0;
  Kokkos::parallel_scan(
      "pigx::CellLists::scan", Range(0, ncells),
      KOKKOS_LAMBDA(int c, int& partial, bool final) {
        const int cnt = cursor(c);
        if (final) {
          offsets(c) = partial;
          cursor(c) = partial;
        }
        partial += cnt;
      },
      total);
  Kokkos::deep_copy(Kokkos::subview(offsets, ncells), total);
  ensure_size(L.items, "pigx::CellLists::items", std::max(total, 1));
  IView1 items = L.items;
  Kokkos::parallel_for(
      "pigx::CellLists::fill", Range(0, n), KOKKOS_LAMBDA(int i) {
        const int m = count_of(i);
        for (int k = 0; k < m; ++k) items(Kokkos::atomic_fetch_add(&cursor(cell_of(i, k)), 1)) = i;
      });
  L.nitems = total;
}
}  // namespace

CellGrid make_cell_grid(const Box& box, const double* cells_per_axis) {
  CellGrid g;
  g.dim = box.dim;
  double want[kMaxDim], total = 1;
  for (int d = 0; d < box.dim; ++d) {
    want[d] = std::clamp(std::floor(cells_per_axis[d]), 1.0, 1024.0);
    total *= want[d];
  }
  const double shrink = total > kMaxCells ? std::pow(kMaxCells / total, 1.0 / box.dim) : 1.0;
  g.ncells = 1;
  for (int d = 0; d < box.dim; ++d) {
    g.n[d] = std::max(1, static_cast<int>(want[d] * shrink));
    g.lo[d] = box.lo[d];
    g.inv_h[d] = g.n[d] / box.extent(d);
    g.periodic[d] = box.periodic[d];
    g.stride[d] = g.ncells;
    g.ncells *= g.n[d];
  }
  return g;
}

void bin_points(const CellGrid& grid, ConstView2 x, int n, CellLists& lists) {
  build_lists(
      grid.ncells, n, KOKKOS_LAMBDA(int) { return 1; },
      KOKKOS_LAMBDA(int i, int) {
        double p[kMaxDim];
        for (int d = 0; d < grid.dim; ++d) p[d] = x(i, d);
        return grid.cell_of(p);
      },
      lists);
}

void bin_ranges(const CellGrid& grid, const CellRanges& ranges, int n, CellLists& lists) {
  build_lists(
      grid.ncells, n, KOKKOS_LAMBDA(int i) { return range_count(grid, ranges, i); },
      KOKKOS_LAMBDA(int i, int k) { return range_cell(grid, ranges, i, k); }, lists);
}

}  // namespace pigx
