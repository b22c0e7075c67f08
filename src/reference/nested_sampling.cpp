// Sampling the owned part of a fine DMDA field at the nodes of a nested coarse grid, reduced onto rank 0.
#include "pigx/reference/nested_sampling.hpp"

#include "pigx/core/error.hpp"
#include "pigx/parallel/mpi_check.hpp"

namespace pigx::reference {

bool nests(int points, int m) {
  return points >= 2 && m >= 2 && (points - 1) % (m - 1) == 0;
}

std::vector<double> sample_nested(MPI_Comm comm, const LocalField& field, int m) {
  PIGX_CHECK_INPUT(nests(field.points, m), "a grid of ", m, " points per axis is not nested in one of ",
                   field.points, " (", field.points - 1, " intervals are not a multiple of ", m - 1, ")");
  const int stride = (field.points - 1) / (m - 1);
  // Every node of the coarse grid is owned by exactly one rank; the others contribute exact zeros.
  std::vector<double> mine(static_cast<std::size_t>(m) * m, 0.0);
  for (int j = field.ys; j < field.ys + field.ym; ++j) {
    if (j % stride) continue;
    for (int i = field.xs; i < field.xs + field.xm; ++i)
      if (i % stride == 0) mine[static_cast<std::size_t>(i / stride) * m + j / stride] = field.value(i, j);
  }
  int rank;
  PIGX_MPI(MPI_Comm_rank(comm, &rank));
  std::vector<double> all(rank == 0 ? mine.size() : 0);
  PIGX_MPI(MPI_Reduce(mine.data(), rank == 0 ? all.data() : nullptr, static_cast<int>(mine.size()),
                      MPI_DOUBLE, MPI_SUM, 0, comm));
  return all;
}

}  // namespace pigx::reference
