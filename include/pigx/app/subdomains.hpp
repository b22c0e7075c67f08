// domain.subdomains: how the domain is cut into subdomains (one count per axis).
#pragma once

#include <string>
#include <vector>

#include "pigx/core/pde.hpp"

namespace pigx {

/// Parses `domain.subdomains` for `pde`: "N" or "N1xN2x..." with one positive count per input axis of the
/// problem (pde.dim(), time included, in pde.coordinates() order; "1" alone means one subdomain). Returns
/// one count per axis. Throws an input pigx::Error naming the key, the value and what was expected for bad
/// syntax, a wrong number of axes, a cut periodic axis or more than 65536 subdomains. Not collective.
std::vector<int> parse_subdomains(const std::string& text, const Pde& pde);

}  // namespace pigx
