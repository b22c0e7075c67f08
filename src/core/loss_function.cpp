#include "pigx/core/loss_function.hpp"

#include <algorithm>

#include "pigx/core/error.hpp"
#include "pigx/core/initial_lift.hpp"
#include "pigx/core/taylor.hpp"

namespace pigx {

namespace {
using HostUnmanaged1 =
    Kokkos::View<const double*, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
}

LossFunction::LossFunction(const Pde& pde, const ModelSpec& spec) : LossFunction(pde, spec, pde.domain()) {}

LossFunction::LossFunction(const Pde& pde, const ModelSpec& spec, const Box& domain)
    : pde_(pde),
      domain_(domain),
      spec_(spec),
      layout_(ParamLayout::from_spec(spec)),
      map_(make_affine_map(domain, spec.model_lo, spec.model_hi)),
      factor_(make_boundary_factor(pde.domain(), pde.time_axis(), spec.hard_boundary,
                                   spec.hard_boundary_growth, spec.hard_boundary_layer_order)),
      encoder_(make_encoders(spec, domain, map_)) {
  PIGX_CHECK_INPUT(spec.dim == pde.dim(), "model.dim = ", spec.dim, " does not match the input dimension ",
                   pde.dim(), " of problem '", pde.name(), "'");
  PIGX_CHECK_INPUT(spec.outputs == pde.outputs(), "model outputs ", spec.outputs, " do not match the ",
                   pde.outputs(), " components of problem '", pde.name(), "'");
  PIGX_CHECK_INPUT(layout_.ncoef == static_cast<int>(pde.trained_coefficients().size()), "the model holds ",
                   layout_.ncoef, " trained coefficients but problem '", pde.name(), "' trains ",
                   pde.trained_coefficients().size());
  PIGX_CHECK_INPUT(spec.hard_boundary == 0 || factor_.active(), "model.hard_boundary = ", spec.hard_boundary,
                   " needs a spatial axis that is not periodic; problem '", pde.name(), "' has none");
  PIGX_CHECK_INPUT(spec.hard_boundary_growth == 0 || pde.time_axis() >= 0,
                   "model.hard_boundary_growth = ", spec.hard_boundary_growth,
                   " needs a time axis; problem '", pde.name(), "' is stationary");
  PIGX_CHECK_INPUT(spec.initial_lift == 0 || has_initial_taylor(pde),
                   "model.initial_lift = ", spec.initial_lift,
                   " needs a time axis and the derivatives of the initial value; problem '", pde.name(),
                   "' does not provide them");
  theta_d_ = View1("pigx::LossFunction::theta", layout_.total);
  grad_d_ = View1("pigx::LossFunction::grad", layout_.total);
  mlp_grad_.resize(layout_.mlp_desc.size);
}

GaussianEncoder& LossFunction::gaussian_encoder() {
  for (int i = 0; i < encoder_.parts(); ++i)
    if (auto* g = dynamic_cast<GaussianEncoder*>(&encoder_.part(i))) return *g;
  throw Error(ErrorKind::Runtime,
              cat("the model has no Gaussian encoder (model.encoder = ", encoder_name(spec_.encoder), ")"));
}

PointBatch LossFunction::make_batch(const double* points, long long n, const std::vector<int>& orders) const {
  const int D = spec_.dim;
  PointBatch b;
  b.n = static_cast<int>(n);
  b.x = View2("pigx::PointBatch::x", n, D);
  b.xi = View2("pigx::PointBatch::xi", n, D);
  b.order = IView1("pigx::PointBatch::order", n);
  auto hx = Kokkos::create_mirror_view(b.x);
  auto hxi = Kokkos::create_mirror_view(b.xi);
  auto ho = Kokkos::create_mirror_view(b.order);
  for (long long i = 0; i < n; ++i) {
    for (int d = 0; d < D; ++d) {
      hx(i, d) = points[i * D + d];
      hxi(i, d) = map_.apply(d, points[i * D + d]);
    }
    ho(i) = orders[i];
  }
  Kokkos::deep_copy(b.x, hx);
  Kokkos::deep_copy(b.xi, hxi);
  Kokkos::deep_copy(b.order, ho);
  if (spec_.initial_lift > 0) {
    const int width = spec_.outputs * taylor_size(D, 2);
    b.lift = View2("pigx::PointBatch::lift", n, width);
    auto hl = Kokkos::create_mirror_view(b.lift);
    for (long long i = 0; i < n; ++i)
      initial_lift_taylor(pde_, spec_.initial_lift, points + i * D, &hl(i, 0));
    Kokkos::deep_copy(b.lift, hl);
  }
  return b;
}

int LossFunction::probe_width() const {
  return pigx::probe_width(spec_.outputs, taylor_size(spec_.dim, pde_.order()), pde_.equations());
}

void LossFunction::set_terms(std::vector<TermData> terms, TermData probes) {
  terms_ = std::move(terms);
  const int D = spec_.dim, O = spec_.outputs, E = pde_.equations();
  std::vector<double> pts, tgt, frc;
  std::vector<int> orders;
  begin_.clear();
  for (const auto& t : terms_) {
    begin_.push_back(static_cast<int>(orders.size()));
    const long long n = t.local_count(D);
    PIGX_CHECK(t.kind == TermKind::Residual || static_cast<long long>(t.targets.size()) == n * O, "term '",
               t.name, "' has ", t.targets.size(), " targets for ", n, " points");
    const bool forced = t.kind == TermKind::Residual && pde_.has_forcing();
    PIGX_CHECK(!forced || static_cast<long long>(t.forcing.size()) == n * E, "term '", t.name, "' has ",
               t.forcing.size(), " source values for ", n, " points of problem '", pde_.name(), "' (", E,
               " per point)");
    pts.insert(pts.end(), t.points.begin(), t.points.end());
    for (long long i = 0; i < n; ++i) {
      for (int e = 0; e < E; ++e) frc.push_back(forced ? t.forcing[i * E + e] : 0.0);
      orders.push_back(t.kind == TermKind::Residual ? pde_.order() : 0);
      for (int o = 0; o < O; ++o) tgt.push_back(t.kind == TermKind::Value ? t.targets[i * O + o] : 0.0);
    }
  }
  // Probes go last, read out at the PDE's order.
  probe_begin_ = static_cast<int>(orders.size());
  probe_count_ = probes.local_count(D);
  PIGX_CHECK(!pde_.has_forcing() || static_cast<long long>(probes.forcing.size()) == probe_count_ * E,
             "the probes have ", probes.forcing.size(), " source values for ", probe_count_, " points");
  pts.insert(pts.end(), probes.points.begin(), probes.points.end());
  for (long long i = 0; i < probe_count_; ++i) {
    for (int e = 0; e < E; ++e) frc.push_back(pde_.has_forcing() ? probes.forcing[i * E + e] : 0.0);
    orders.push_back(pde_.order());
    for (int o = 0; o < O; ++o) tgt.push_back(0.0);
  }
  const int W = probe_width();
  probe_out_ = View2("pigx::LossFunction::probe_out", probe_count_, W);
  probe_adjoint_ = View2("pigx::LossFunction::probe_adjoint", probe_count_, W);
  // The probe Jacobian batch: every probe point once per value, with that value's unit coefficient vector.
  std::vector<double> jpts;
  for (long long i = 0; i < probe_count_; ++i)
    for (int k = 0; k < W; ++k) jpts.insert(jpts.end(), &probes.points[i * D], &probes.points[i * D] + D);
  probe_jac_batch_ =
      make_batch(jpts.data(), probe_count_ * W, std::vector<int>(probe_count_ * W, pde_.order()));
  probe_jac_coef_ = View2("pigx::LossFunction::probe_jac_coef", probe_count_ * W, W);
  probe_jac_forcing_ = View2("pigx::LossFunction::probe_jac_forcing", probe_count_ * W, E);
  auto hc = Kokkos::create_mirror_view(probe_jac_coef_);
  auto hjf = Kokkos::create_mirror_view(probe_jac_forcing_);
  for (long long i = 0; i < probe_count_; ++i)
    for (int k = 0; k < W; ++k) {
      hc(i * W + k, k) = 1.0;
      for (int e = 0; e < E; ++e) hjf(i * W + k, e) = pde_.has_forcing() ? probes.forcing[i * E + e] : 0.0;
    }
  Kokkos::deep_copy(probe_jac_coef_, hc);
  Kokkos::deep_copy(probe_jac_forcing_, hjf);
  const long long n = static_cast<long long>(orders.size());
  batch_ = PointBatch();  // release the previous batch before the new one is allocated
  batch_ = make_batch(pts.data(), n, orders);
  targets_ = View2("pigx::LossFunction::targets", n, O);
  auto ht = Kokkos::create_mirror_view(targets_);
  for (long long i = 0; i < n * O; ++i) ht.data()[i] = tgt[i];
  Kokkos::deep_copy(targets_, ht);
  forcing_ = View2("pigx::LossFunction::forcing", n, E);
  auto hf = Kokkos::create_mirror_view(forcing_);
  for (long long i = 0; i < n * E; ++i) hf.data()[i] = frc[i];
  Kokkos::deep_copy(forcing_, hf);
  // Resampling keeps the point counts: reuse F and Fbar rather than hold a second, freshly zeroed pair
  // while the old one is released (that doubled the peak memory of runs that resample every iteration).
  const int nc = taylor_size(D, 2);
  if (static_cast<long long>(F_.extent(0)) != n || static_cast<int>(F_.extent(1)) != spec_.channels) {
    F_ = View3();
    Fbar_ = View3();
    F_ = View3("pigx::LossFunction::F", n, spec_.channels, nc);
    Fbar_ = View3("pigx::LossFunction::Fbar", n, spec_.channels, nc);
  }
}

HeadArgs LossFunction::head_args(std::size_t t, bool gradient) {
  const bool probe = t >= terms_.size();  // the probe segment
  HeadArgs a;
  a.mlp = layout_.mlp_desc;
  a.theta = theta_d_;
  a.mlp_offset = layout_.mlp;
  a.batch = batch_;
  a.F = F_;
  a.Fbar = Fbar_;
  a.targets = targets_;
  a.forcing = forcing_;
  a.begin = probe ? probe_begin_ : begin_[t];
  a.end = probe ? probe_begin_ + static_cast<int>(probe_count_)
                : begin_[t] + static_cast<int>(terms_[t].local_count(spec_.dim));
  a.dim = spec_.dim;
  a.outputs = spec_.outputs;
  a.order = probe || terms_[t].kind == TermKind::Residual ? pde_.order() : 0;
  a.scale = probe ? 1.0 : terms_[t].global_count > 0 ? terms_[t].weight / terms_[t].global_count : 0.0;
  a.gradient = gradient;
  a.ncoef = layout_.ncoef;
  for (int j = 0; j < layout_.ncoef; ++j) a.coefficients[j] = coef_values_[j];
  a.coef_offset = layout_.coefficients;
  a.coef_grad = coef_grad_.data();
  a.factor = factor_;
  if (!probe && terms_[t].kind == TermKind::Residual) {
    const int ta = pde_.time_axis();
    const Box box = pde_.domain();
    if (ta >= 0) a.time_weight = make_time_weight(ta, box.lo[ta], box.hi[ta], terms_[t].time_decay);
  }
  return a;
}

void LossFunction::residuals_and_jacobian(const double* theta, View1& r, View2& J) {
  PIGX_CHECK(pde_.equations() == 1 && spec_.outputs == 1,
             "the Jacobian needs one residual per point; problem '", pde_.name(), "' has ", pde_.equations(),
             " equations and ", spec_.outputs, " outputs");
  const int n = batch_.n;
  if (static_cast<int>(r.extent(0)) != n) r = View1("pigx::LossFunction::r", n);
  if (static_cast<int>(J.extent(0)) != n || J.extent(1) != layout_.total)
    J = View2("pigx::LossFunction::J", n, layout_.total);
  else
    Kokkos::deep_copy(J, 0.0);
  upload_theta(theta);
  encoder_.prepare(theta_d_, batch_);
  encoder_.forward(batch_, F_, false);
  for (std::size_t t = 0; t < terms_.size(); ++t) {
    const HeadArgs a = head_args(t, true);
    if (terms_[t].kind == TermKind::Residual)
      pde_.residual_jacobian_head(a, J, r);
    else
      run_jacobian_head(ValueResidual{targets_, spec_.outputs}, a, J, r);
  }
  zero_probe_adjoints();  // probe rows stay zero
  encoder_.jacobian(theta_d_, batch_, Fbar_, J);
}

void LossFunction::zero_probe_adjoints() {
  if (probe_count_ == 0) return;
  const auto rows = std::make_pair(static_cast<long long>(probe_begin_), probe_begin_ + probe_count_);
  Kokkos::deep_copy(Kokkos::subview(Fbar_, rows, Kokkos::ALL(), Kokkos::ALL()), 0.0);
}

HeadArgs LossFunction::probe_args(bool gradient) {
  return head_args(terms_.size(), gradient);
}

HeadArgs LossFunction::own_batch_args(const PointBatch& batch, View3 F, View2 forcing, bool gradient) {
  HeadArgs a = probe_args(gradient);
  a.batch = batch;
  a.F = F;
  a.forcing = forcing;
  a.begin = 0;
  a.end = batch.n;
  return a;
}

void LossFunction::probe_jacobian(const double* theta, View2& Jp) {
  const long long rows = probe_count_ * probe_width();
  if (static_cast<long long>(Jp.extent(0)) != rows || Jp.extent(1) != layout_.total)
    Jp = View2("pigx::LossFunction::Jp", rows, layout_.total);
  else
    Kokkos::deep_copy(Jp, 0.0);
  if (rows == 0) return;
  upload_theta(theta);
  const int nc = taylor_size(spec_.dim, 2);
  View3 F("pigx::LossFunction::F_probe", rows, spec_.channels, nc);
  View3 Fbar("pigx::LossFunction::Fbar_probe", rows, spec_.channels, nc);
  encoder_.prepare(theta_d_, probe_jac_batch_);
  encoder_.forward(probe_jac_batch_, F, false);
  HeadArgs a = own_batch_args(probe_jac_batch_, F, probe_jac_forcing_, true);
  a.Fbar = Fbar;
  pde_.probe_jacobian_head(a, probe_jac_coef_, Jp);
  encoder_.jacobian(theta_d_, probe_jac_batch_, Fbar, Jp);
}

void LossFunction::upload_theta(const double* theta) {
  Kokkos::deep_copy(theta_d_, HostUnmanaged1(theta, layout_.total));
  coef_values_.assign(theta + layout_.coefficients, theta + layout_.total);
}

double LossFunction::evaluate(const double* theta, double* grad, std::vector<double>& term_loss) {
  const double total = evaluate_forward(theta, grad != nullptr, term_loss, probe_values_);
  if (grad) evaluate_reverse({}, grad);
  return total;
}

double LossFunction::evaluate_forward(const double* theta, bool gradient, std::vector<double>& term_loss,
                                      std::vector<double>& probe_values) {
  upload_theta(theta);
  encoder_.prepare(theta_d_, batch_);
  encoder_.forward(batch_, F_, false);
  std::fill(mlp_grad_.begin(), mlp_grad_.end(), 0.0);
  coef_grad_.assign(layout_.ncoef, 0.0);
  term_loss.assign(terms_.size(), 0.0);
  double total = 0;
  for (std::size_t t = 0; t < terms_.size(); ++t) {
    const TermData& term = terms_[t];
    HeadArgs a = head_args(t, gradient);
    a.loss = &term_loss[t];
    a.mlp_grad = mlp_grad_.data();
    if (term.kind == TermKind::Residual)
      pde_.residual_head(a);
    else
      run_head(ValueResidual{targets_, spec_.outputs}, a);
    total += term_loss[t];
  }
  probe_values.assign(probe_count_ * probe_width(), 0.0);
  if (probe_count_ > 0) {
    pde_.probe_forward_head(probe_args(false), probe_out_);
    auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), probe_out_);
    std::copy(h.data(), h.data() + probe_values.size(), probe_values.begin());
  }
  return total;
}

void LossFunction::evaluate_reverse(const std::vector<double>& probe_adjoint, double* grad) {
  if (probe_count_ > 0) {
    if (probe_adjoint.empty()) {
      zero_probe_adjoints();
    } else {
      PIGX_CHECK(static_cast<long long>(probe_adjoint.size()) == probe_count_ * probe_width(), "got ",
                 probe_adjoint.size(), " probe adjoints for ", probe_count_, " probes of ", probe_width(),
                 " values");
      auto h = Kokkos::create_mirror_view(probe_adjoint_);
      std::copy(probe_adjoint.begin(), probe_adjoint.end(), h.data());
      Kokkos::deep_copy(probe_adjoint_, h);
      HeadArgs a = probe_args(true);
      a.mlp_grad = mlp_grad_.data();
      pde_.probe_reverse_head(a, probe_adjoint_);
    }
  }
  encoder_.reverse(theta_d_, batch_, Fbar_, grad_d_);
  auto hg = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), grad_d_);
  std::copy(hg.data(), hg.data() + layout_.mlp, grad);
  std::copy(mlp_grad_.begin(), mlp_grad_.end(), grad + layout_.mlp);
  std::copy(coef_grad_.begin(), coef_grad_.end(), grad + layout_.coefficients);
}

void LossFunction::point_residuals(const double* theta, const double* points, long long n,
                                   std::vector<double>& out) {
  const int D = spec_.dim, E = pde_.equations(), W = probe_width(), first = W - E;
  upload_theta(theta);
  out.assign(n * E, 0.0);
  const long long chunk = 1 << 16;
  for (long long s = 0; s < n; s += chunk) {
    const long long m = std::min(n, s + chunk) - s;
    PointBatch b = make_batch(points + s * D, m, std::vector<int>(m, pde_.order()));
    View3 F("pigx::LossFunction::F_residuals", m, spec_.channels, taylor_size(D, pde_.order()));
    View2 forcing("pigx::LossFunction::forcing_residuals", m, E);
    if (pde_.has_forcing()) {
      auto hf = Kokkos::create_mirror_view(forcing);
      for (long long i = 0; i < m; ++i) pde_.forcing(points + (s + i) * D, &hf(i, 0));
      Kokkos::deep_copy(forcing, hf);
    }
    View2 values("pigx::LossFunction::values_residuals", m, W);
    encoder_.prepare(theta_d_, b);
    encoder_.forward(b, F, false);
    // The probe head writes Taylor data, then the residuals: the residuals are the last E columns.
    pde_.probe_forward_head(own_batch_args(b, F, forcing, false), values);
    auto hv = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), values);
    for (long long i = 0; i < m; ++i)
      for (int e = 0; e < E; ++e) out[(s + i) * E + e] = hv(i, first + e);
  }
}

void LossFunction::evaluate_u(const double* theta, const double* points, long long n, int order,
                              std::vector<double>& out) {
  const int D = spec_.dim, O = spec_.outputs, K = spec_.channels, nc = taylor_size(D, order);
  upload_theta(theta);
  out.assign(n * O * nc, 0.0);
  const long long chunk = 1 << 16;
  const MlpDesc m = layout_.mlp_desc;
  for (long long s = 0; s < n; s += chunk) {
    const long long e = std::min(n, s + chunk);
    PointBatch b = make_batch(points + s * D, e - s, std::vector<int>(e - s, order));
    View3 F("pigx::LossFunction::F_eval", e - s, K, nc);
    View2 U("pigx::LossFunction::U_eval", e - s, O * nc);
    encoder_.prepare(theta_d_, b);
    encoder_.forward(b, F, false);
    const View1 th = theta_d_;
    const std::size_t off = layout_.mlp;
    const BoundaryFactor factor = factor_;
    const View2 bx = b.x;
    Kokkos::parallel_for(
        "pigx::LossFunction::evaluate_u", Range(0, b.n), KOKKOS_LAMBDA(int p) {
          double Fp[kMaxChannels * kMaxComp], Up[kMaxOutputs * kMaxComp];
          for (int c = 0; c < K; ++c)
            for (int j = 0; j < nc; ++j) Fp[c * nc + j] = F(p, c, j);
          MlpScratch scratch;
          mlp_forward(m, th.data() + off, D, order, Fp, scratch, Up);
          double x[kMaxDim];
          for (int d = 0; d < D; ++d) x[d] = bx(p, d);
          output_from_network(factor, b, p, x, D, order, O, Up);
          for (int j = 0; j < O * nc; ++j) U(p, j) = Up[j];
        });
    auto hU = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), U);
    std::copy(hU.data(), hU.data() + (e - s) * O * nc, out.begin() + s * O * nc);
  }
}

}  // namespace pigx
