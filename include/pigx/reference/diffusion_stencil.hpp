// The conservative five-point stencil of div(u grad u) with face-averaged diffusivity, and its derivatives.
#pragma once

namespace pigx::reference {

/// div(u grad u) at node (i, j) of a uniform grid with spacing h: the sum over the four faces of
/// a_face (u_neighbour - u_centre) / h^2 with a_face = (u_centre + u_neighbour) / 2. Second-order accurate;
/// it equals the five-point Laplacian of u^2 / 2, so the discrete flux is conservative. u is indexed u[j][i].
inline double flux_divergence(const double* const* u, int i, int j, double h) {
  const double c = u[j][i];
  double sum = 0;
  for (const double n : {u[j][i + 1], u[j][i - 1], u[j + 1][i], u[j - 1][i]}) sum += 0.5 * (c + n) * (n - c);
  return sum / (h * h);
}

/// Derivative of flux_divergence at (i, j) with respect to u at the centre: -4 u_centre / h^2.
inline double flux_divergence_d_centre(const double* const* u, int i, int j, double h) {
  return -4 * u[j][i] / (h * h);
}

/// Derivative of flux_divergence at a node with respect to u at its neighbour value `neighbour`:
/// u_neighbour / h^2.
inline double flux_divergence_d_neighbour(double neighbour, double h) {
  return neighbour / (h * h);
}

}  // namespace pigx::reference
