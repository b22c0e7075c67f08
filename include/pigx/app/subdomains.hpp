// domain.subdomains: how the domain is cut into subdomains (one count per axis). Only validation exists
// yet: domain decomposition is a later issue, and this build accepts a single subdomain.
#pragma once

#include <string>
#include <vector>

#include "pigx/core/pde.hpp"

namespace pigx {

/// Parses `domain.subdomains` for `pde`: "N" or "N1xN2x..." with one positive count per input axis of the
/// problem (pde.dim(), time included, in pde.coordinates() order). Returns one count per axis. Throws an
/// input pigx::Error naming the key, the value and what was expected for bad syntax, a wrong number of
/// axes, or any count other than 1 (decomposition is not available in this build; this is the place to
/// accept more, and to check that the product does not exceed the rank count, once it is). Not collective.
std::vector<int> parse_subdomains(const std::string& text, const Pde& pde);

}  // namespace pigx
