#include "pigx/core/model_spec.hpp"

#include <cmath>
#include <random>

#include "pigx/core/coefficient.hpp"
#include "pigx/core/error.hpp"

namespace pigx {

Covariance parse_covariance(const std::string& key, const std::string& value) {
  if (value == "diagonal") return Covariance::Diagonal;
  if (value == "full") return Covariance::Full;
  throw_input_error(key, value, "one of: diagonal, full");
}

Activation parse_activation(const std::string& key, const std::string& value) {
  if (value == "tanh") return Activation::Tanh;
  if (value == "sin") return Activation::Sin;
  throw_input_error(key, value, "one of: tanh, sin");
}

int parse_wall_layer(const std::string& key, const std::string& value) {
  if (value == "diffusive") return 2;
  if (value == "linear") return 1;
  throw_input_error(key, value, "one of: diffusive, linear");
}

EncoderKind parse_encoder(const std::string& key, const std::string& value) {
  if (value == "gaussian") return EncoderKind::Gaussian;
  if (value == "multigrid") return EncoderKind::Multigrid;
  if (value == "both") return EncoderKind::Both;
  throw_input_error(key, value, "one of: gaussian, multigrid, both");
}

const char* encoder_name(EncoderKind kind) {
  return kind == EncoderKind::Gaussian ? "gaussian" : (kind == EncoderKind::Multigrid ? "multigrid" : "both");
}

namespace {
// "4" or "32,8".
std::string join(const std::vector<int>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s;
}

// Control points per axis of every level and where each level starts; `levels` stays 0 without a grid.
// Returns false when the count exceeds kMaxGridParameters.
bool fill_grid_desc(const ModelSpec& spec, GridDesc& g) {
  if (!spec.has_grid()) return true;
  g.levels = spec.grid_levels;
  g.channels = spec.channels;
  g.staggered = spec.grid_staggered;
  long long off = 0;
  for (int l = 0; l < g.levels; ++l) {
    long long n = spec.channels;
    for (int d = 0; d < spec.dim; ++d) {
      g.cells[l][d] = spec.grid_cells_along(d) << l;
      g.ctrl[l][d] = spec.periodic[d] ? g.cells[l][d] : g.cells[l][d] + 3;
      n *= g.ctrl[l][d];
      if (n > kMaxGridParameters) return false;
    }
    g.off[l] = off;
    off += n;
    if (off > kMaxGridParameters) return false;
  }
  g.size = off;
  return true;
}
}  // namespace

void ModelSpec::validate() const {
  if (dim < 1 || dim > kMaxDim) throw_input_error("model.dim", std::to_string(dim), "1..4");
  if (channels < 1 || channels > kMaxChannels)
    throw_input_error("model.channels", std::to_string(channels), "an integer in 1..16");
  if (gaussians_per_channel < 1)
    throw_input_error("model.gaussians", std::to_string(gaussians_per_channel), "a positive integer");
  if (covariance == Covariance::Full && (dim < 2 || dim > 3))
    throw_input_error("model.covariance", "full",
                      cat("diagonal for input dimension ", dim, " (full covariance exists in 2D and 3D)"));
  if (static_cast<int>(hidden.size()) + 1 > kMaxLayers)
    throw_input_error("model.hidden", std::to_string(hidden.size()) + " layers", "at most 4 hidden layers");
  for (int h : hidden)
    if (h < 1 || h > kMaxWidth) throw_input_error("model.hidden", std::to_string(h), "widths in 1..64");
  if (outputs < 1 || outputs > kMaxOutputs)
    throw_input_error("model.outputs", std::to_string(outputs), "1..4");
  if (!(sigma_min >= 0)) throw_input_error("model.sigma_min", std::to_string(sigma_min), "a value >= 0");
  if (!(sigma0 > sigma_min))
    throw_input_error("model.sigma0", std::to_string(sigma0), cat("a value > model.sigma_min = ", sigma_min));
  if (!(weight_std >= 0)) throw_input_error("model.weight_std", std::to_string(weight_std), "a value >= 0");
  if (!(model_hi > model_lo)) throw_input_error("model.box", cat(model_lo, ",", model_hi), "lo < hi");
  if (!(truncation > 0 && truncation < 1))
    throw_input_error("model.truncation", std::to_string(truncation), "a value in (0, 1)");
  if (!(hard_boundary >= 0 && hard_boundary <= 2))
    throw_input_error("model.hard_boundary", std::to_string(hard_boundary),
                      "a power in [0, 2] (0: off, 1: distance factor, 0.5: square-root wall layer)");
  if (!(hard_boundary_growth >= 0 && hard_boundary_growth < 1e300))
    throw_input_error("model.hard_boundary_growth", std::to_string(hard_boundary_growth), "a value >= 0");
  if (hard_boundary_growth > 0 && hard_boundary == 0)
    throw_input_error("model.hard_boundary_growth", std::to_string(hard_boundary_growth),
                      "0 without a hard boundary (model.hard_boundary = 0)");
  if (hard_boundary_layer_order != 1 && hard_boundary_layer_order != 2)
    throw_input_error("model.hard_boundary_layer", std::to_string(hard_boundary_layer_order),
                      "order 2 (diffusive) or 1 (linear)");
  if (hard_boundary_layer_order == 1 && hard_boundary_growth == 0)
    throw_input_error("model.hard_boundary_layer", "linear",
                      "diffusive without a growing wall layer (model.hard_boundary_growth = 0)");
  if (!(initial_lift >= 0 && initial_lift < 1e300))
    throw_input_error("model.initial_lift", std::to_string(initial_lift), "a decay rate >= 0 (0: off)");
  if (initial_lift > 0 && hard_boundary > 0)
    throw_input_error("model.initial_lift", std::to_string(initial_lift),
                      "0 with a hard boundary (model.hard_boundary > 0): the lift is not 0 on the walls");
  if (!has_grid()) return validate_coefficients();
  if (grid_levels < 1 || grid_levels > kMaxGridLevels)
    throw_input_error("model.grid_levels", std::to_string(grid_levels),
                      cat("an integer in 1..", kMaxGridLevels));
  const std::string cells = join(grid_cells);
  if (grid_cells.size() != 1 && static_cast<int>(grid_cells.size()) != dim)
    throw_input_error("model.grid_cells", cells,
                      cat("one cell count for every axis or ", dim, " (one per axis)"));
  for (int n : grid_cells)
    if (n < 1 || (static_cast<long long>(n) << (grid_levels - 1)) > (1 << 20))
      throw_input_error("model.grid_cells", cells,
                        cat("positive cell counts with model.grid_cells x 2^(model.grid_levels - 1) <= 2^20 "
                            "(model.grid_levels = ",
                            grid_levels, ")"));
  if (!(grid_init_std >= 0))
    throw_input_error("model.grid_init_std", std::to_string(grid_init_std), "a value >= 0");
  GridDesc g;
  if (!fill_grid_desc(*this, g))
    throw_input_error("model.grid_levels", std::to_string(grid_levels),
                      cat("at most ", kMaxGridParameters, " multigrid parameters in ", dim,
                          " dimensions (model.grid_cells = ", cells, ", model.channels = ", channels,
                          "); use fewer levels or cells"));
  validate_coefficients();
}

void ModelSpec::validate_coefficients() const {
  if (coefficients.size() > static_cast<std::size_t>(kMaxCoefficients))
    throw_input_error("inverse.trainable", cat(coefficients.size(), " coefficients"),
                      cat("at most ", kMaxCoefficients, " trained coefficients"));
}

int ModelSpec::rotation_params() const {
  if (covariance == Covariance::Diagonal) return 0;
  return dim == 2 ? 1 : 4;
}

ParamLayout ParamLayout::from_spec(const ModelSpec& spec) {
  spec.validate();
  ParamLayout L;
  L.dim = spec.dim;
  L.gaussians = spec.num_gaussians();
  L.per_channel = spec.gaussians_per_channel;
  L.nrot = spec.rotation_params();
  const std::size_t G = L.gaussians;
  L.mu = 0;
  L.log_width = L.mu + G * spec.dim;
  L.rotation = L.log_width + G * spec.dim;
  L.weight = L.rotation + G * L.nrot;
  L.grid = L.weight + G;
  fill_grid_desc(spec, L.grid_desc);
  L.mlp = L.grid + static_cast<std::size_t>(L.grid_desc.size);
  MlpDesc& m = L.mlp_desc;
  m.layers = static_cast<int>(spec.hidden.size()) + 1;
  m.width[0] = spec.channels;
  for (std::size_t i = 0; i < spec.hidden.size(); ++i) m.width[i + 1] = spec.hidden[i];
  m.width[m.layers] = spec.outputs;
  m.activation = spec.activation == Activation::Tanh ? 0 : 1;
  int off = 0;
  for (int l = 0; l < m.layers; ++l) {
    m.w_off[l] = off;
    off += m.width[l + 1] * m.width[l];
    m.b_off[l] = off;
    off += m.width[l + 1];
  }
  m.size = off;
  L.coefficients = L.mlp + off;
  L.ncoef = static_cast<int>(spec.coefficients.size());
  L.total = L.coefficients + L.ncoef;
  return L;
}

std::vector<long long> linear_parameters(const ParamLayout& L, long long offset) {
  const MlpDesc& m = L.mlp_desc;
  const int last = m.layers - 1;
  std::vector<long long> out;
  if (m.layers == 1) {
    for (std::size_t i = L.weight; i < L.mlp; ++i) out.push_back(offset + static_cast<long long>(i));
  } else {
    for (int k = 0; k < m.width[last + 1] * m.width[last]; ++k)
      out.push_back(offset + static_cast<long long>(L.mlp) + m.w_off[last] + k);
  }
  for (int k = 0; k < m.width[last + 1]; ++k)
    out.push_back(offset + static_cast<long long>(L.mlp) + m.b_off[last] + k);
  return out;
}

std::vector<ParamGroup> ParamLayout::groups() const {
  std::vector<ParamGroup> g = {{"mu", mu, log_width},
                               {"log_width", log_width, rotation},
                               {"rotation", rotation, weight},
                               {"weight", weight, grid},
                               {"grid", grid, mlp},
                               {"mlp", mlp, coefficients},
                               {"coefficients", coefficients, total}};
  std::vector<ParamGroup> out;
  for (auto& x : g)
    if (x.end > x.begin) out.push_back(x);
  return out;
}

void initialise_parameters(const ModelSpec& spec, const ParamLayout& L, const Box& box, std::uint64_t seed,
                           std::vector<double>& theta) {
  theta.assign(L.total, 0.0);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  const int D = spec.dim;
  for (int g = 0; g < L.gaussians; ++g)
    for (int d = 0; d < D; ++d) theta[L.mu + g * D + d] = box.lo[d] + box.extent(d) * unit(rng);
  const double s0 = std::log(spec.sigma0 - spec.sigma_min);
  for (int i = 0; i < L.gaussians * D; ++i) theta[L.log_width + i] = s0;
  for (int g = 0; g < L.gaussians; ++g)
    if (L.nrot == 4) theta[L.rotation + 4 * g] = 1.0;  // identity quaternion (1, 0, 0, 0)
  for (int g = 0; g < L.gaussians; ++g) theta[L.weight + g] = spec.weight_std * normal(rng);
  for (std::size_t i = L.grid; i < L.mlp; ++i) theta[i] = spec.grid_init_std * normal(rng);
  const MlpDesc& m = L.mlp_desc;
  for (int l = 0; l < m.layers; ++l) {
    const double a = std::sqrt(6.0 / (m.width[l] + m.width[l + 1]));
    for (int i = 0; i < m.width[l + 1] * m.width[l]; ++i)
      theta[L.mlp + m.w_off[l] + i] = a * (2 * unit(rng) - 1);
  }
  for (int j = 0; j < L.ncoef; ++j) theta[L.coefficients + j] = spec.coefficients[j];
}

}  // namespace pigx
