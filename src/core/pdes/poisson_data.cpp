// Poisson with host data: -(sum_d u_dd) = f on a box in 1, 2 or 3 dimensions, u = g on the boundary, with
// f and g given by the host (callbacks or grid values through the library API). f reaches the residual
// as per-point forcing values carried with the residual points.
#include "pigx/core/error.hpp"
#include "pigx/core/host_data_pde.hpp"
#include "pigx/core/pde.hpp"
#include "pigx/core/pde_list.hpp"

namespace pigx {
namespace {

template <int D>
struct PoissonDataEq {
  static constexpr int dim = D, outputs = 1, order = 2, equations = 1;
  static constexpr bool forced = true;

  template <class S>
  KOKKOS_INLINE_FUNCTION S residual(int, const double*, const double* f, const Taylor<S>& u) const {
    S laplacian = u.dd(0, 0);
    for (int d = 1; d < D; ++d) laplacian = laplacian + u.dd(d, d);
    return -laplacian - f[0];
  }
};

template <int D>
class PoissonData : public PdeAdaptor<PoissonDataEq<D>>, public HostDataPde {
 public:
  explicit PoissonData(std::string name) : name_(std::move(name)) {
    for (int d = 0; d < D; ++d) box_.lo[d] = -1, box_.hi[d] = 1;
  }
  std::string name() const override { return name_; }
  std::vector<std::string> coordinates() const override {
    const std::vector<std::string> all = {"x", "y", "z"};
    return {all.begin(), all.begin() + D};
  }
  Box domain() const override { return box_; }
  bool has_exact() const override { return static_cast<bool>(exact_); }
  void exact(const double* x, double* u) const override {
    PIGX_CHECK_INPUT(exact_, "problem '", name_, "' has no exact solution: set one through the library API");
    u[0] = exact_(x);
  }
  void boundary_value(const double* x, double* u) const override { u[0] = boundary_ ? boundary_(x) : 0.0; }
  void forcing(const double* x, double* f) const override { f[0] = source_ ? source_(x) : 0.0; }
  TestGridSpec test_grid() const override {
    PIGX_CHECK_INPUT(exact_, "problem '", name_,
                     "' takes its data from the library API (docs/library_api.md) and has no test grid "
                     "without an exact solution");
    return {std::vector<int>(D, D == 1 ? 1001 : (D == 2 ? 101 : 21)), "", {}};
  }

  void set_domain(const Box& box) override {
    PIGX_CHECK_INPUT(box.dim == D, "problem '", name_, "' is ", D, "-dimensional; the domain box has ",
                     box.dim, " dimensions");
    for (int d = 0; d < D; ++d)
      PIGX_CHECK_INPUT(box.lo[d] < box.hi[d] && box.hi[d] - box.lo[d] < 1e300, "domain of problem '", name_,
                       "': axis ", d, " has lo ", box.lo[d], " and hi ", box.hi[d], "; expected lo < hi");
    box_ = box;
    for (int d = 0; d < D; ++d) box_.periodic[d] = false;
  }
  void set_source(HostField f) override { source_ = std::move(f); }
  void set_boundary(HostField g) override { boundary_ = std::move(g); }
  void set_exact(HostField u) override { exact_ = std::move(u); }

 private:
  std::string name_;
  Box box_{D};
  HostField source_, boundary_, exact_;
};

}  // namespace

void register_poisson_data(PdeRegistry& r) {
  r.add("poisson_data_1d", [] { return std::make_unique<PoissonData<1>>("poisson_data_1d"); });
  r.add("poisson_data", [] { return std::make_unique<PoissonData<2>>("poisson_data"); });
  r.add("poisson_data_3d", [] { return std::make_unique<PoissonData<3>>("poisson_data_3d"); });
}

}  // namespace pigx
