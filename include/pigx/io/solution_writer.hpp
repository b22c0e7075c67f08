// Writing a solution on the benchmark test grid as HDF5 plus an XDMF description that ParaView opens.
#pragma once

#include <mpi.h>

#include <string>
#include <vector>

namespace pigx::io {

/// A field on the benchmark test grid, already gathered on one process.
struct GridField {
  std::vector<std::string> coordinates;   ///< column names of points, e.g. {"x","y"} or {"x","y","t"}
  std::vector<std::vector<double>> axes;  ///< the grid's axis values, one vector per coordinate, same order
  std::vector<double> points;     ///< n x d row-major, n = product of axis sizes; LAST coordinate fastest
  std::vector<double> u;          ///< n values of the computed solution
  std::vector<double> reference;  ///< n values of the exact/reference solution (may be empty)
};

/// Writes <dir>/solution.h5 and <dir>/solution.xdmf atomically (write to a temporary name in dir, then
/// rename); creates dir if needed and throws pigx::Error (Runtime) on an inconsistent field or an I/O
/// failure, leaving no partial output. Not collective: call on one rank.
void write_solution(const std::string& dir, const GridField& field);

/// Collective over comm: the same files, with u (and the error) written by every rank for its own grid points
/// (`index` into the grid, values `u`) through one collective parallel-HDF5 write; `field` (without u) is
/// needed on rank 0 only, except its reference values, which every rank needs (or none). Rank 0 writes the
/// grid and commits the files atomically; a failure on any rank throws on every rank and leaves no output.
void write_solution_collective(MPI_Comm comm, const std::string& dir, GridField field,
                               const std::vector<long long>& index, const std::vector<double>& u);

/// Checks that field is self-consistent (names, sizes, points on the axes grid with the last coordinate
/// fastest) and throws pigx::Error (Runtime) naming the problem otherwise. Not collective.
void validate_grid_field(const GridField& field);

/// The XDMF 3 text describing field as stored in the HDF5 file named h5_name (relative to the .xdmf). Not
/// collective.
std::string solution_xdmf(const GridField& field, const std::string& h5_name);

}  // namespace pigx::io
