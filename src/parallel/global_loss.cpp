#include "pigx/parallel/global_loss.hpp"

#include "pigx/core/error.hpp"

namespace pigx {

double GlobalLoss::unsupported() {
  throw Error(ErrorKind::Runtime, "this loss keeps no distributed Gauss-Newton data (distributed_gauss_newton())");
}

}  // namespace pigx
