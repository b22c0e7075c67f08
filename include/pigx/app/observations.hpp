// The data term of a run: observations read from data.file, checked against the problem.
#pragma once

#include "pigx/app/run_config.hpp"

namespace pigx {

/// Reads c.data_file (when set) into c.sampling.data and c.data_noise_std, checking shapes and that every
/// point lies in the problem's domain; refuses trained coefficients without observations. Throws an input
/// pigx::Error naming the file, the dataset and the row. Not collective (every rank reads the whole file).
void load_observations(RunConfig& c);

}  // namespace pigx
