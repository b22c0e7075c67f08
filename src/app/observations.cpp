#include "pigx/app/observations.hpp"

#include <sstream>

#include "pigx/core/error.hpp"
#include "pigx/io/observation_reader.hpp"

namespace pigx {

void load_observations(RunConfig& c) {
  const Pde& pde = *c.pde;
  if (c.data_file.empty()) {
    PIGX_CHECK_INPUT(pde.trained_coefficients().empty(),
                     "inverse.trainable = ", c.effective["inverse.trainable"],
                     " needs observations: set data.file (an HDF5 file with /points and /values)");
    return;
  }
  const int D = pde.dim();
  io::Observations obs = io::read_observations(c.data_file, D, pde.outputs());
  const Box box = pde.domain();
  for (long long i = 0; i < obs.count; ++i)
    for (int d = 0; d < D; ++d) {
      const double x = obs.points[i * D + d], tol = 1e-12 * box.extent(d);
      if (x >= box.lo[d] - tol && x <= box.hi[d] + tol) continue;
      std::ostringstream row;
      row.precision(17);
      for (int k = 0; k < D; ++k) row << (k ? ", " : "") << obs.points[i * D + k];
      throw Error(ErrorKind::Input,
                  cat("observation file '", c.data_file, "', dataset '/points': row ", i, " (", row.str(),
                      ") lies outside the domain of problem '", pde.name(), "' (coordinate ",
                      pde.coordinates()[d], " in [", box.lo[d], ", ", box.hi[d], "])"));
    }
  c.sampling.data.points = std::move(obs.points);
  c.sampling.data.values = std::move(obs.values);
  c.sampling.data.count = obs.count;
  c.data_noise_std = obs.noise_std;
}

}  // namespace pigx
