// Registration functions of the built-in interface conditions, one per file in src/core/interfaces/.
#pragma once

namespace pigx {

class InterfaceRegistry;

/// Adds "solution": u_A - u_B.
void register_solution_continuity(InterfaceRegistry& r);
/// Adds "average": u_A - (u_A + u_B)/2 and u_B - (u_A + u_B)/2 (XPINN).
void register_average_solution(InterfaceRegistry& r);
/// Adds "residual": the PDE residual of both models on the interface.
void register_interface_residual(InterfaceRegistry& r);
/// Adds "residual_continuity": R_A - R_B (XPINN).
void register_residual_continuity(InterfaceRegistry& r);
/// Adds "flux": normal derivative continuity.
void register_flux_continuity(InterfaceRegistry& r);
/// Adds "second_normal": second normal derivative continuity.
void register_second_normal_continuity(InterfaceRegistry& r);
/// Adds "residual_gradient": continuity of the residual's normal derivative.
void register_residual_gradient(InterfaceRegistry& r);
/// Adds "tangential": first tangential derivative continuity.
void register_tangential_continuity(InterfaceRegistry& r);
/// Adds "second_tangential": second tangential derivative continuity.
void register_second_tangential_continuity(InterfaceRegistry& r);

}  // namespace pigx
