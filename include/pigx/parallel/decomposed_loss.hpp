// Domain decomposition: one model (encoder + MLP) per subdomain, subdomains dealt to ranks in contiguous
// blocks, neighbours coupled through interface conditions on their shared faces. Per evaluation only the
// owners of neighbouring subdomains exchange interface probe values (non-blocking point-to-point). Every
// sum over subdomains runs in subdomain order, so results do not depend on how subdomains sit on ranks.
#pragma once

#include <memory>

#include "pigx/core/collocation.hpp"
#include "pigx/core/interface_condition.hpp"
#include "pigx/core/loss_function.hpp"
#include "pigx/parallel/decomposition.hpp"
#include "pigx/parallel/global_loss.hpp"

namespace pigx {

/// Which interface conditions are on, their weights, and the interface points.
struct InterfaceSpec {
  std::vector<std::string> conditions{"average", "residual_continuity"};  ///< the XPINN default
  std::vector<double> weights{1.0, 1.0};
  long long points_per_face = 256;  ///< interface.points
  double step = 1e-3;               ///< interface.step: probe offset of residual_gradient, times the extent
};

/// Throws an input error for what a decomposed run of `pde` (layout as written in domain.subdomains) cannot
/// do: trained PDE coefficients, or an interface condition above the PDE's order. Not collective.
void check_decomposition_inputs(const Pde& pde, const InterfaceSpec& iface, const std::string& layout);

/// The loss of a decomposed problem. The global parameter vector is the subdomains' vectors in order.
class DecomposedLoss : public GlobalLoss {
 public:
  /// Builds this rank's subdomain models. Not collective. Throws an input error for a condition the PDE's
  /// order cannot support, or for trained PDE coefficients (one per subdomain would differ).
  DecomposedLoss(MPI_Comm comm, const Pde& pde, const ModelSpec& spec, const Decomposition& dec,
                 const SamplingSpec& sampling, const InterfaceSpec& iface);
  ~DecomposedLoss() override;

  MPI_Comm comm() const override { return comm_; }
  long long size() const override { return block_ * dec_.count(); }
  long long owned_size() const override { return block_ * nowned_; }
  long long view_begin() const override { return block_ * first_; }
  long long view_size() const override { return owned_size(); }
  double evaluate(const double* view, double* grad_view, std::vector<double>& term_loss) override;
  /// Draws round `round` (adaptive sampling is refused at configuration: one model per subdomain).
  void resample(std::uint64_t seed, std::uint64_t round, const double* theta) override;
  std::vector<std::string> term_names() const override { return names_; }
  double test_error(const double* view, const TestGrid& grid, std::vector<double>* u_root) override;
  long long evaluations() const override { return evaluations_; }
  double normal_equations(const double* theta, std::vector<double>& A, std::vector<double>& g) override;
  /// Rows of the owned subdomains' points and of the faces on which they are side A.
  void linearise(const double* theta, ResidualRows& rows) override;
  /// One block per subdomain model.
  std::vector<std::vector<long long>> parameter_blocks() const override;
  /// Every subdomain model's linear parameters, in subdomain order.
  std::vector<long long> linear_parameters() const override;
  /// Parameters of one subdomain model. Not collective.
  long long block() const { return block_; }
  /// Initial parameters of every subdomain (the full vector; subdomain s seeded from seed and s). Not
  /// collective.
  void initialise(std::uint64_t seed, std::vector<double>& theta) const;
  /// Bytes this rank sent to other ranks in the last evaluate(). Not collective.
  long long bytes_sent() const { return bytes_sent_; }
  /// This rank's grid points (indices into grid) and u there (first output), from its subdomains' models.
  void evaluate_grid(const double* view, const TestGrid& grid, std::vector<long long>& index,
                     std::vector<double>& u);
  /// The decomposition.
  const Decomposition& decomposition() const { return dec_; }

 private:
  struct Face;
  struct Active {
    std::unique_ptr<InterfaceCondition> condition;
    double weight;
    std::vector<int> slot;  // condition offset q -> probe slot
  };
  // Gauss-Newton blocks of one owned subdomain: J^T J of its rows (upper triangle), J^T r, r.r, and one
  // coupling block per face it computes (rows: its parameters, columns: the neighbour's).
  struct GnBlocks {
    std::vector<double> diag, g;
    double f = 0;
    std::vector<std::vector<double>> coupling;
  };
  // Residuals and Jacobian rows of every owned subdomain (host_*) and of its faces (Face::res, jac_own,
  // jac_remote, exchanged with the neighbours).
  void compute_rows(const double* theta);
  std::vector<GnBlocks> assemble_blocks(const double* theta);
  // Side A forms the coupling block of even faces, side B that of odd ones.
  static bool computes_coupling(const Face& F);
  void exchange_probes();
  void interface_terms(bool gradient, std::vector<double>& sub_terms);
  double gather_terms(const std::vector<double>& sub_terms, std::vector<double>& term_loss);
  // Every subdomain's `per_subdomain` values, in subdomain order, on every rank (this rank gives `mine`).
  std::vector<double> gather_subdomains(const std::vector<double>& mine, int per_subdomain) const;
  // Terms per subdomain: the collocation terms, then one per active interface condition.
  int term_count() const { return nterms_ + static_cast<int>(active_.size()); }

  MPI_Comm comm_;
  int rank_ = 0;
  const Pde& pde_;
  ModelSpec spec_;
  Decomposition dec_;
  SamplingSpec sampling_;
  InterfaceSpec iface_;
  ProbeLayout L_;
  long long block_ = 0;
  int first_ = 0, nowned_ = 0, nterms_ = 0;
  std::vector<double> offsets_;  // probe offsets along the normal (units of h)
  std::vector<Active> active_;
  std::vector<std::unique_ptr<LossFunction>> models_;  // owned subdomains
  std::vector<std::vector<Face>> faces_;               // per owned subdomain, its faces in face order
  std::vector<std::vector<double>> probes_, adjoint_;  // per owned subdomain
  std::vector<std::string> names_;
  long long evaluations_ = 0, bytes_sent_ = 0;
  long long face_points_total_ = 0;
  std::vector<View1> dev_r_;  // per owned subdomain, from compute_rows()
  std::vector<View2> dev_J_;
  std::vector<HostView1> host_r_;
  std::vector<HostView2> host_J_;
  std::vector<long long> host_rows_;  // its point rows (the probe rows after them are zero)  // interface
                                      // points over all faces (the conditions' mean)
};

}  // namespace pigx
