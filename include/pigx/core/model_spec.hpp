// What a PIG model is (channels, Gaussians, covariance kind, MLP) and where each parameter
// lives in the flat parameter vector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "pigx/core/box.hpp"
#include "pigx/core/types.hpp"

namespace pigx {

/// Shape of a Gaussian's covariance: axis-aligned, or rotated (angle in 2D, unit quaternion in 3D).
enum class Covariance { Diagonal, Full };
/// Activation of the hidden MLP layers.
enum class Activation { Tanh, Sin };
/// Which features feed the MLP: Gaussians, multigrid B-spline features, or their channel-wise sum.
enum class EncoderKind { Gaussian, Multigrid, Both };

/// Largest number of multigrid levels.
constexpr int kMaxGridLevels = 12;
/// Largest number of multigrid parameters (all levels and channels).
constexpr long long kMaxGridParameters = 1LL << 27;

/// Parses "diagonal"/"full"; throws an input error naming `key` otherwise.
Covariance parse_covariance(const std::string& key, const std::string& value);
/// Parses "tanh"/"sin"; throws an input error naming `key` otherwise.
Activation parse_activation(const std::string& key, const std::string& value);
/// Parses "gaussian"/"multigrid"/"both"; throws an input error naming `key` otherwise.
EncoderKind parse_encoder(const std::string& key, const std::string& value);
/// Parses "diffusive"/"linear" into the wall layer's order q (2/1); throws an input error naming `key`.
int parse_wall_layer(const std::string& key, const std::string& value);
/// The config name of an encoder kind ("gaussian", "multigrid" or "both").
const char* encoder_name(EncoderKind kind);

/// User-facing description of a PIG model u(x) = MLP(F(x)).
struct ModelSpec {
  int dim = 2;                      ///< input dimension (space + time), 1..4
  int channels = 4;                 ///< feature channels k
  int gaussians_per_channel = 100;  ///< N Gaussians per channel
  Covariance covariance = Covariance::Diagonal;
  std::vector<int> hidden = {16};  ///< hidden layer widths
  Activation activation = Activation::Tanh;
  int outputs = 1;           ///< MLP outputs (components of a system)
  double sigma0 = 0.1;       ///< initial width on the model box
  double sigma_min = 1e-3;   ///< width floor on the model box: sigma = sigma_min + exp(s)
  double weight_std = 0.01;  ///< initial Gaussian weights ~ N(0, weight_std^2)
  double model_lo = 0.0;     ///< the physical domain is mapped onto [model_lo, model_hi]^dim
  double model_hi = 2.0;
  double truncation = 1e-8;  ///< a Gaussian is cut where it falls below this fraction of its peak
  /// Power p of the hard zero boundary factor: u = phi(x)^p MLP(F(x)) (boundary_factor.hpp); 0: off.
  double hard_boundary = 0.0;
  /// Growth c of the hard boundary's wall layer: g = (phi / sqrt(phi^2 + c^2 (t - t0)))^p; 0: g = phi^p.
  double hard_boundary_growth = 0.0;
  /// model.hard_boundary_layer: the layer's phi-width is c (t - t0)^(1/q); q = 2 diffusive, 1 linear.
  int hard_boundary_layer_order = 2;
  /// Decay rate lambda of the initial-value lift u = MLP + exp(-lambda (t - t0)) H(x, t), H the initial value
  /// carried forward (initial_lift.hpp); 0: off.
  double initial_lift = 0.0;
  /// Initial values of the trained PDE coefficients (inverse problems; empty: none), stored after the MLP.
  std::vector<double> coefficients;
  EncoderKind encoder = EncoderKind::Gaussian;  ///< features: Gaussians, multigrid, or both summed
  int grid_levels = 4;  ///< multigrid levels; level l has grid_cells * 2^l cells per axis
  /// Cells of the coarsest multigrid level: one count for every axis, or one per axis.
  std::vector<int> grid_cells = {4};
  double grid_init_std = 0.1;  ///< initial multigrid control values ~ N(0, grid_init_std^2)
  /// Channel c's grids shifted by c / channels of a cell along every axis, so that the channels' knots
  /// interleave instead of coinciding (false: all channels on the same grid).
  bool grid_staggered = false;
  /// Axes on which the model is periodic (the problem domain's; the multigrid wraps its control points).
  bool periodic[kMaxDim] = {false, false, false, false};

  /// Throws an input error (naming the model.* key) if the spec is inconsistent.
  void validate() const;
  /// Throws an input error if more coefficients are trained than the kernels hold (part of validate()).
  void validate_coefficients() const;
  /// Number of rotation parameters per Gaussian (0 diagonal, 1 angle in 2D, 4 quaternion in 3D).
  int rotation_params() const;
  /// Whether the model has Gaussian features.
  bool has_gaussians() const { return encoder != EncoderKind::Multigrid; }
  /// Whether the model has multigrid features.
  bool has_grid() const { return encoder != EncoderKind::Gaussian; }
  /// Cells of the coarsest multigrid level along axis d.
  int grid_cells_along(int d) const { return grid_cells.size() == 1 ? grid_cells[0] : grid_cells[d]; }
  /// Total number of Gaussians over all channels (0 without Gaussian features).
  int num_gaussians() const { return has_gaussians() ? channels * gaussians_per_channel : 0; }
};

/// Offsets of the MLP's weights and biases relative to the start of the MLP block; plain data for kernels.
struct MlpDesc {
  int layers = 0;                  ///< number of linear layers
  int width[kMaxLayers + 1] = {};  ///< width[0] = channels, width[layers] = outputs
  int w_off[kMaxLayers] = {};      ///< W of layer l is width[l+1] x width[l], row-major
  int b_off[kMaxLayers] = {};
  int activation = 0;  ///< 0 tanh, 1 sin
  int size = 0;        ///< number of MLP parameters
};

/// Where each multigrid level's control values start relative to the start of the grid block; plain data
/// for kernels. Level l holds ctrl[l][0] x ... x ctrl[l][dim-1] control points (row-major), each with
/// `channels` values (channel fastest).
struct GridDesc {
  int levels = 0;                           ///< 0 without multigrid features
  int channels = 0;                         ///< values per control point
  int cells[kMaxGridLevels][kMaxDim] = {};  ///< cells of level l along each axis
  int ctrl[kMaxGridLevels][kMaxDim] = {};   ///< control points per axis: cells + 3, or cells if periodic
  long long off[kMaxGridLevels] = {};       ///< first value of level l
  long long size = 0;                       ///< number of multigrid parameters
  bool staggered = false;                   ///< channel c's grids shifted by c / channels of a cell
};

/// A named contiguous range of the parameter vector.
struct ParamGroup {
  std::string name;
  std::size_t begin, end;
};

/// Positions of every parameter group in the flat vector, group-major:
/// [mu (G x dim) | s (G x dim) | rotation (G x nrot) | w (G) | grid | MLP | trained PDE coefficients].
struct ParamLayout {
  int dim = 0, gaussians = 0, per_channel = 0, nrot = 0, ncoef = 0;
  std::size_t mu = 0, log_width = 0, rotation = 0, weight = 0, grid = 0, mlp = 0, coefficients = 0, total = 0;
  MlpDesc mlp_desc;
  GridDesc grid_desc;

  /// Computes the layout of a validated spec.
  static ParamLayout from_spec(const ModelSpec& spec);
  /// Non-empty parameter groups, for tests and reports.
  std::vector<ParamGroup> groups() const;
};

/// The parameters u is linear in when the others are fixed, shifted by `offset`: the last MLP layer (weights
/// and bias); with no hidden layer (a linear MLP), the feature amplitudes (Gaussian weights) and the output
/// bias instead, which holds more of the model.
std::vector<long long> linear_parameters(const ParamLayout& layout, long long offset = 0);

/// Fills theta (resized to layout.total) with the reference initialisation: mu uniform in the model box,
/// widths sigma0, identity rotations, weights N(0, weight_std^2), multigrid values N(0, grid_init_std^2),
/// Glorot-uniform MLP weights, zero biases, and the trained PDE coefficients at spec.coefficients.
void initialise_parameters(const ModelSpec& spec, const ParamLayout& layout, const Box& model_box,
                           std::uint64_t seed, std::vector<double>& theta);

}  // namespace pigx
