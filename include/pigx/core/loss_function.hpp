// The training loss on this rank's points: sum over terms of weight * mean squared residual, with its
// exact gradient. Reductions over ranks belong to the parallel layer.
#pragma once

#include <string>
#include <vector>

#include "pigx/core/boundary_factor.hpp"
#include "pigx/core/gaussian_encoder.hpp"
#include "pigx/core/model_spec.hpp"
#include "pigx/core/pde.hpp"

namespace pigx {

/// What a term's residual is: the PDE, or the solution minus given values (boundary, initial, data).
enum class TermKind { Residual, Value };

/// One loss term's points held by this rank.
struct TermData {
  std::string name;
  TermKind kind = TermKind::Residual;
  double weight = 1.0;
  long long global_count = 0;   ///< points of this term over all ranks (the mean divides by it)
  std::vector<double> points;   ///< local points, row-major [n][dim], physical coordinates
  std::vector<double> targets;  ///< Value terms: [n][outputs]
  std::vector<double> forcing;  ///< Residual terms of PDEs with has_forcing(): [n][equations]
  /// Residual terms: each point weighs n exp(-time_decay (t - t0)), mean 1 over the time axis (TimeWeight).
  double time_decay = 0;
  /// Number of local points.
  long long local_count(int dim) const { return static_cast<long long>(points.size()) / dim; }
};

/// Model u = MLP(F(x)) for one PDE and the loss over a set of terms. Not collective.
class LossFunction {
 public:
  /// Creates the model for `pde` (kept by reference) with a validated spec, on the PDE's whole domain.
  LossFunction(const Pde& pde, const ModelSpec& spec);
  /// Creates the model on `domain` (a subdomain of the PDE's domain); the model box is its image.
  LossFunction(const Pde& pde, const ModelSpec& spec, const Box& domain);

  /// Parameter layout of the model.
  const ParamLayout& layout() const { return layout_; }
  /// Map from the physical domain onto the model box.
  const AffineMap& map() const { return map_; }
  /// The model box (the physical domain after the map).
  Box model_box() const { return mapped_box(domain_, map_); }
  /// The physical domain of this model.
  const Box& domain() const { return domain_; }
  /// The encoders (model.encoder) whose features are summed.
  EncoderSum& encoders() { return encoder_; }
  /// The Gaussian encoder (e.g. to switch culling off in tests); throws if the model has no Gaussians.
  GaussianEncoder& gaussian_encoder();
  /// The PDE.
  const Pde& pde() const { return pde_; }

  /// Replaces the terms and the probe points and uploads them (host -> device, once per resampling). Probes
  /// (interface conditions) are read out at the PDE's order: `probes.points`, and `probes.forcing` for PDEs
  /// with forcing; their kind, weight and targets are ignored.
  void set_terms(std::vector<TermData> terms, TermData probes = {});
  /// Number of probe points.
  long long probe_count() const { return probe_count_; }
  /// Values per probe point: Taylor data of the outputs at the PDE's order, then the residuals.
  int probe_width() const;
  /// The current terms.
  const std::vector<TermData>& terms() const { return terms_; }

  /// This rank's loss at theta (host array); term_loss gets each term's share; grad (host, size
  /// layout().total) gets the gradient when non-null.
  double evaluate(const double* theta, double* grad, std::vector<double>& term_loss);

  /// First half of an evaluation with probes: the terms' loss (term_loss as in evaluate()) and the probe
  /// values [probe_count()][probe_width()] at theta. `gradient` prepares evaluate_reverse().
  double evaluate_forward(const double* theta, bool gradient, std::vector<double>& term_loss,
                          std::vector<double>& probe_values);
  /// Second half: the gradient of the terms' loss plus sum_(p,k) adjoint(p,k) v_k(p) into grad (host,
  /// layout().total). An empty adjoint means zero.
  void evaluate_reverse(const std::vector<double>& probe_adjoint, double* grad);
  /// Jacobian of every probe value: row p * probe_width() + k of Jp is d v_k(p) / d theta.
  void probe_jacobian(const double* theta, View2& Jp);

  /// Residuals and Jacobian of this rank's points at theta: r(p) = sqrt(weight / global count) times the
  /// point's residual (so the loss is the global sum of r^2) and J(p, k) = d r(p) / d theta_k (trained PDE
  /// coefficients included), one row per local point in term order, then zero rows for the probe points.
  /// Needs one residual equation per point. J and r are resized as needed.
  void residuals_and_jacobian(const double* theta, View1& r, View2& J);

  /// Copies n host points (row-major, physical) with their derivative orders into a batch in the kernels'
  /// layout (physical and model-box coordinates on the device).
  PointBatch make_batch(const double* points, long long n, const std::vector<int>& orders) const;

  /// PDE residuals of the model at theta at n host points (physical, row-major): out [n][equations]. The
  /// terms are left as they are.
  void point_residuals(const double* theta, const double* points, long long n, std::vector<double>& out);

  /// Taylor data of u up to `order` at n host points: out [n][outputs][taylor_size(dim, order)].
  void evaluate_u(const double* theta, const double* points, long long n, int order,
                  std::vector<double>& out);

 private:
  void upload_theta(const double* theta);
  HeadArgs head_args(std::size_t term, bool gradient);

  void zero_probe_adjoints();
  HeadArgs probe_args(bool gradient);
  // Probe-head arguments for every point of a batch of its own (not the terms' batch).
  HeadArgs own_batch_args(const PointBatch& batch, View3 F, View2 forcing, bool gradient);

  const Pde& pde_;
  Box domain_;
  ModelSpec spec_;
  ParamLayout layout_;
  AffineMap map_;
  BoundaryFactor factor_;  ///< hard zero boundary (model.hard_boundary), inactive by default
  EncoderSum encoder_;
  std::vector<TermData> terms_;
  std::vector<int> begin_;  // first batch row of each term
  PointBatch batch_;
  View2 targets_;
  View2 forcing_;  // [n_batch][equations], zero outside residual terms of forced PDEs
  View3 F_, Fbar_;
  int probe_begin_ = 0;  // first batch row of the probes
  long long probe_count_ = 0;
  View2 probe_out_, probe_adjoint_;
  std::vector<double> probe_values_;  // scratch of evaluate()
  PointBatch probe_jac_batch_;        // each probe point probe_width() times, for probe_jacobian()
  View2 probe_jac_coef_, probe_jac_forcing_;
  View1 theta_d_, grad_d_;
  std::vector<double> mlp_grad_;
  std::vector<double> coef_values_;  // trained PDE coefficients at the last upload_theta
  std::vector<double> coef_grad_;
};

}  // namespace pigx
