# Installs pigx into a temporary prefix, builds examples/coupling against it with find_package(pigx) (and
# the C host once more through pkg-config's pigx.pc), runs it on 1 and 2 ranks and checks that it solves
# the same problem as pigx-solve: with the data as callbacks, the same seed and the same points, the final
# loss and the error at the host's nodes (= pigx-solve's test grid) agree with pigx-solve to round-off.
# Results agree bit for bit at equal rank counts; across rank counts round-off grows over the iterations,
# so each run is compared with pigx-solve on as many ranks. With the data as grid values (bilinear
# interpolation of f) only the error is compared, with a tolerance. Short stages keep the test quick.
set(prefix ${WORK}/prefix)
set(seed 3)
set(stages adam:100,lmvm:100:0)
file(REMOVE_RECURSE ${WORK})

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}${err}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

# The value of a "key value" line of a program's output.
function(value_of text key var)
  if(NOT text MATCHES "(^|\n)${key} ([^\n]+)")
    message(FATAL_ERROR "no '${key}' in output:\n${text}")
  endif()
  set(${var} ${CMAKE_MATCH_2} PARENT_SCOPE)
endfunction()

# Fails unless |a - b| <= tol * |b|.
function(expect_close what a b tol)
  execute_process(COMMAND awk "BEGIN { d = ${a} - ${b}; if (d < 0) d = -d; r = ${b}; if (r < 0) r = -r;
                                       exit !(d <= ${tol} * r) }" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what}: ${a} differs from ${b} by more than ${tol} relative")
  endif()
  message("${what}: ${a} vs ${b} (tolerance ${tol})")
endfunction()

run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix})
foreach(f bin/pigx-solve include/pigx/pigx.hpp include/pigx/pigx_c.h lib/cmake/pigx/pigxConfig.cmake
          lib/cmake/pigx/pigxConfigVersion.cmake lib/cmake/pigx/pigxTargets.cmake lib/pkgconfig/pigx.pc)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()

run("configure the example" ${CMAKE_COMMAND} -S ${SOURCE}/examples/coupling -B ${WORK}/build
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix})
run("build the example" ${CMAKE_COMMAND} --build ${WORK}/build)

# pkg-config's view of the same installation: compile and link the C host with its flags alone.
set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig)
run("pkg-config" pkg-config --cflags --libs pigx)
separate_arguments(pc_flags UNIX_COMMAND "${output}")
run("build the C example with pkg-config" ${CC} ${SOURCE}/examples/coupling/coupling_c.c ${pc_flags} -lm
    -o ${WORK}/coupling_c_pc)

foreach(np 1 2)
  run("pigx-solve on ${np} rank(s)" ${MPIEXEC} -n ${np} ${SOLVE} ${SOURCE}/tests/data/tiny_poisson.ini
      --train.seed=${seed} --train.stages=${stages} --output.dir=${WORK}/solve${np} --output.solution=false
      --output.progress_every=0)
  file(READ ${WORK}/solve${np}/summary.json json)
  string(JSON ref_loss GET "${json}" final_loss)
  string(JSON ref_err GET "${json}" rel_l2)
  message("pigx-solve on ${np} rank(s): final_loss ${ref_loss} rel_l2 ${ref_err}")
  run("coupling callback on ${np} rank(s)" ${MPIEXEC} -n ${np} ${WORK}/build/coupling callback ${seed} ${stages})
  message("${output}")
  value_of("${output}" final_loss loss)
  value_of("${output}" rel_l2 err)
  value_of("${output}" solver_rel_l2 solver_err)
  value_of("${output}" rel_l2_grad grad_err)
  value_of("${output}" rel_l2_laplacian lap_err)
  expect_close("callback np${np}: final loss" ${loss} ${ref_loss} ${TOL})
  expect_close("callback np${np}: error at the host's nodes" ${err} ${ref_err} ${TOL})
  expect_close("callback np${np}: pigx's own test error" ${solver_err} ${ref_err} ${TOL})
  # Derivatives read back through the API are those of a trained solution, not garbage.
  expect_close("callback np${np}: gradient error below 0.2" ${grad_err} 0.1 1)
  expect_close("callback np${np}: laplacian error below 0.2" ${lap_err} 0.1 1)
endforeach()

run("coupling grid on 2 ranks" ${MPIEXEC} -n 2 ${WORK}/build/coupling grid ${seed} ${stages})
message("${output}")
value_of("${output}" rel_l2 err)
# Interpolating f bilinearly changes it by about 1e-3 relative; the trained error stays near pigx-solve's.
expect_close("grid np2: error at the host's nodes" ${err} ${ref_err} 0.5)

# The C host (built with pkg-config's flags; CMake built the same source above) solves the same problem.
run("coupling_c" ${MPIEXEC} -n 2 ${WORK}/coupling_c_pc ${seed} ${stages})
message("${output}")
value_of("${output}" final_loss loss)
value_of("${output}" solver_rel_l2 err)
expect_close("C API np2: final loss" ${loss} ${ref_loss} ${TOL})
expect_close("C API np2: test error" ${err} ${ref_err} ${TOL})
