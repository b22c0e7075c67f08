#include "pigx/parallel/blas_kernel.hpp"

#include <dlfcn.h>
#include <strings.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace pigx {

namespace {
// Set in the restarted process only, so that it prints the note and never restarts again.
constexpr const char* restarted_variable = "PIGX_OPENBLAS_CORETYPE_SET";
}  // namespace

std::string openblas_kernel() {
  // Looked up at run time: the BLAS behind libblas.so.3 is chosen by Debian's alternatives, not at link time.
  using corename_function = char* (*)();
  auto corename = reinterpret_cast<corename_function>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  if (!corename) return "";
  const char* name = corename();
  return name ? name : "";
}

std::string openblas_coretype_to_force(const std::string& kernel, bool has_avx2, bool has_avx512) {
  if (strcasecmp(kernel.c_str(), "prescott") != 0) return "";
  if (has_avx512) return "SkylakeX";
  if (has_avx2) return "Haswell";
  return "";
}

std::string openblas_coretype_for_this_cpu() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
  return openblas_coretype_to_force(openblas_kernel(), avx2, avx512);
#else
  return "";
#endif
}

void restart_with_fast_blas_kernel(char** argv) {
  if (std::getenv("OPENBLAS_CORETYPE") || std::getenv(restarted_variable)) return;  // the user's choice wins
  const std::string coretype = openblas_coretype_for_this_cpu();
  if (coretype.empty()) return;
  setenv("OPENBLAS_CORETYPE", coretype.c_str(), 1);
  setenv(restarted_variable, coretype.c_str(), 1);
  // The resolved path, not /proc/self/exe itself, so that ps, top and pkill still see the program's name.
  std::vector<char> path(4096);
  const ssize_t n = readlink("/proc/self/exe", path.data(), path.size() - 1);
  if (n > 0) execv(path.data(), argv);
  // exec failed (no /proc): carry on with the slow kernels rather than not at all.
  unsetenv("OPENBLAS_CORETYPE");
  unsetenv(restarted_variable);
}

std::string fast_blas_kernel_note() {
  const char* coretype = std::getenv(restarted_variable);
  if (!coretype) return "";
  return std::string(
             "note: OpenBLAS did not recognise this CPU and chose its generic kernels; restarted with "
             "OPENBLAS_CORETYPE=") +
         coretype + " (set OPENBLAS_CORETYPE yourself to choose)";
}

}  // namespace pigx
