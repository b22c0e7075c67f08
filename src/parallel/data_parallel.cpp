#include "pigx/parallel/data_parallel.hpp"

#include <cmath>

#include "pigx/core/sampler.hpp"
#include "pigx/core/taylor.hpp"
#include "pigx/parallel/mpi_check.hpp"

namespace pigx {

DataParallelLoss::DataParallelLoss(MPI_Comm comm, LossFunction& loss) : comm_(comm), loss_(loss) {
  local_grad_.resize(loss.layout().total);
}

double DataParallelLoss::evaluate(const double* theta, double* grad, std::vector<double>& term_loss) {
  ++evaluations_;
  loss_.evaluate(theta, grad ? local_grad_.data() : nullptr, term_loss);
  const std::size_t nt = term_loss.size(), ng = grad ? local_grad_.size() : 0;
  // One reduction carries the term values and the gradient.
  buffer_.resize(nt + ng);
  std::copy(term_loss.begin(), term_loss.end(), buffer_.begin());
  if (grad) std::copy(local_grad_.begin(), local_grad_.end(), buffer_.begin() + nt);
  PIGX_MPI(MPI_Allreduce(MPI_IN_PLACE, buffer_.data(), static_cast<int>(buffer_.size()), MPI_DOUBLE, MPI_SUM,
                         comm_));
  double total = 0;
  for (std::size_t t = 0; t < nt; ++t) total += term_loss[t] = buffer_[t];
  if (grad) std::copy(buffer_.begin() + nt, buffer_.end(), grad);
  return total;
}

double test_error(MPI_Comm comm, LossFunction& loss, const double* theta, const TestGrid& grid,
                  std::vector<double>* u_root) {
  int rank, size;
  PIGX_MPI(MPI_Comm_rank(comm, &rank));
  PIGX_MPI(MPI_Comm_size(comm, &size));
  const int D = loss.pde().dim(), O = loss.pde().outputs();
  long long b, e;
  split_range(grid.size(), rank, size, b, e);
  std::vector<double> U;
  loss.evaluate_u(theta, grid.points.data() + b * D, e - b, 0, U);
  std::vector<double> u(e - b);
  double sums[2] = {0, 0};
  for (long long i = 0; i < e - b; ++i) {
    u[i] = U[i * O];
    const double r = grid.reference[b + i];
    sums[0] += (u[i] - r) * (u[i] - r);
    sums[1] += r * r;
  }
  PIGX_MPI(MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, comm));
  if (u_root) {
    std::vector<int> counts(size), displs(size);
    for (int r = 0; r < size; ++r) {
      long long rb, re;
      split_range(grid.size(), r, size, rb, re);
      counts[r] = static_cast<int>(re - rb);
      displs[r] = static_cast<int>(rb);
    }
    u_root->assign(rank == 0 ? grid.size() : 0, 0.0);
    PIGX_MPI(MPI_Gatherv(u.data(), static_cast<int>(u.size()), MPI_DOUBLE, u_root->data(), counts.data(),
                         displs.data(), MPI_DOUBLE, 0, comm));
  }
  return std::sqrt(sums[0] / sums[1]);
}

}  // namespace pigx
