#include "pigx/io/reference_grid.hpp"

#include "pigx/io/reference_reader.hpp"

namespace pigx::io {

TestGrid make_test_grid(const Pde& pde, const std::string& data_dir, const std::string& reference_file) {
  if (pde.has_exact()) return make_exact_grid(pde);
  const TestGridSpec spec = pde.test_grid();
  const std::string path = reference_file.empty() ? data_dir + "/" + spec.reference_file : reference_file;
  const ReferenceGrid ref = read_reference(path, spec.reference_axes, "u");
  TestGrid g;
  g.axis_names = ref.axis_names;
  g.axes = ref.axes;
  g.reference = ref.values;
  fill_grid_points(pde, g);
  return g;
}

}  // namespace pigx::io
