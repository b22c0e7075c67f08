// Checks of a run as a whole: collocation counts against the model and the rank count, and the output
// directory. See docs/bad_inputs.md.
#include <unistd.h>

#include <climits>
#include <filesystem>

#include "pigx/app/validate.hpp"
#include "pigx/core/error.hpp"
#include "pigx/core/sampler.hpp"

namespace pigx {

namespace {

// Whether a directory may be created in `dir`: access(2) says yes to root everywhere, so a probe directory
// is made and removed again (nothing is left behind). Catches read-only and pseudo file systems too.
bool can_create_in(const std::filesystem::path& dir) {
  std::string probe = (dir / ".pigx-probe-XXXXXX").string();
  if (access(dir.c_str(), W_OK | X_OK) != 0 || mkdtemp(probe.data()) == nullptr) return false;
  rmdir(probe.c_str());
  return true;
}

// Names of the boundary faces of a problem, e.g. "x = -1, x = 1, y = -1, y = 1".
std::string face_list(const Pde& pde) {
  const Box box = pde.domain();
  const auto names = pde.coordinates();
  std::string s;
  for (int d = 0; d < box.dim; ++d)
    if (d != pde.time_axis() && !box.periodic[d])
      s += cat(s.empty() ? "" : ", ", names[d], " = ", box.lo[d], ", ", names[d], " = ", box.hi[d]);
  return s;
}

bool has_boundary_term(const RunConfig& c) {
  return c.sampling.boundary > 0 && boundary_faces(c.pde->domain(), c.pde->time_axis()) > 0;
}

bool has_initial_term(const RunConfig& c) {
  return c.sampling.initial > 0 && c.pde->time_axis() >= 0;
}

}  // namespace

void check_collocation_counts(const RunConfig& c) {
  const SamplingSpec& s = c.sampling;
  const long long gaussians = c.model.num_gaussians();
  PIGX_CHECK_INPUT(s.residual >= gaussians, "invalid value '", s.residual,
                   "' for key 'sampling.residual': expected at least ", gaussians,
                   " points, one per Gaussian weight (model.channels ", c.model.channels,
                   " x model.gaussians ", c.model.gaussians_per_channel,
                   "); fewer leave the weights underdetermined");
  const int faces = boundary_faces(c.pde->domain(), c.pde->time_axis());
  PIGX_CHECK_INPUT(s.boundary == 0 || faces == 0 || s.boundary >= faces, "invalid value '", s.boundary,
                   "' for key 'sampling.boundary': expected 0 (no boundary term) or at least ", faces,
                   " points, one per boundary face of ", c.problem, " (", face_list(*c.pde), ")");
}

void check_rank_count(const RunConfig& c, int ranks) {
  long long subdomains = 1;
  for (int n : c.subdomains) subdomains *= n;
  if (subdomains > 1) {
    // A decomposed run deals whole subdomains to ranks.
    PIGX_CHECK_INPUT(subdomains >= ranks, "invalid value '", c.effective.at("domain.subdomains"),
                     "' for key 'domain.subdomains' on ", ranks, " MPI ranks: expected at least ", ranks,
                     " subdomains, one or more per rank; use at most ", subdomains, " ranks");
    return;
  }
  auto need = [&](bool drawn, const char* key, const char* term, long long count) {
    PIGX_CHECK_INPUT(!drawn || count >= ranks, "invalid value '", count, "' for key '", key, "' on ", ranks,
                     " MPI ranks: expected at least ", ranks, " points, one per rank (", ranks - count,
                     " rank(s) would get no ", term, " points); use at most ", count,
                     " ranks or more points");
  };
  need(true, "sampling.residual", "residual", c.sampling.residual);
  need(has_boundary_term(c), "sampling.boundary", "boundary", c.sampling.boundary);
  need(has_initial_term(c), "sampling.initial", "initial-condition", c.sampling.initial);
}

void check_output_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path target = fs::absolute(dir, ec);
  if (fs::exists(target, ec)) {
    if (!fs::is_directory(target, ec)) throw_input_error("output.dir", dir, "a directory, not a file");
    if (!can_create_in(target)) throw_input_error("output.dir", dir, "a writable directory");
    return;
  }
  // The nearest existing ancestor must be a writable directory, so that the directory can be created.
  fs::path p = target.parent_path();
  while (!p.empty() && !fs::exists(p, ec) && p != p.parent_path()) p = p.parent_path();
  if (!fs::is_directory(p, ec))
    throw_input_error("output.dir", dir,
                      cat("a directory that can be created, but '", p.string(), "' is not a directory"));
  if (!can_create_in(p))
    throw_input_error("output.dir", dir,
                      cat("a directory that can be created, but '", p.string(), "' is not writable"));
}

}  // namespace pigx
