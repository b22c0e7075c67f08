# pigx-reference end to end (docs/references.md): a 101 x 101 run on 1 and on 2 ranks gives the same
# answer to the time stepper's tolerance (compared with scripts/compare-reference), in the layout of the
# shipped reference and close to it; bad arguments exit with 2 naming the option and write nothing.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

# Runs `COMMAND ...`, expects exit code `code`; returns stdout + stderr in `out_var`.
function(run code out_var)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
  if(NOT rc EQUAL ${code})
    message(FATAL_ERROR "exit code ${rc}, expected ${code}: ${ARGN}\n${o}${e}")
  endif()
  set(${out_var} "${o}${e}" PARENT_SCOPE)
endfunction()

# Checks that `text` contains `fragment`.
function(expect_in what text fragment)
  string(FIND "${text}" "${fragment}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${what}: output lacks '${fragment}':\n${text}")
  endif()
endfunction()

# 1. Bad arguments (every message is checked in ReferenceOptions.*): exit 2, one message naming the option,
# the value and the expectation, printed once on 2 ranks; nothing written.
run(2 out ${MPIEXEC} -n 2 ${REFERENCE} --output=${WORK}/bad.h5 --points=100)
expect_in("--points=100" "${out}"
          "pigx-reference: error: invalid value '100' for option --points: expected an integer >= 101")
string(REGEX MATCHALL "pigx-reference: error:" lines "${out}")
list(LENGTH lines n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "the error was printed ${n} times, expected once:\n${out}")
endif()
run(2 out ${REFERENCE} --output=${WORK}/bad.h5 --rtol=0)
expect_in("--rtol=0" "${out}" "pigx-reference: error: invalid value '0' for option --rtol: expected a number")
file(GLOB left ${WORK}/*)
if(left)
  message(FATAL_ERROR "bad arguments wrote files: ${left}")
endif()
run(0 out ${REFERENCE} --help)
expect_in("--help" "${out}" "--points")

# 2. The same small run on 1 and 2 ranks (PETSc options pass through).
run(0 out1 ${MPIEXEC} -n 1 ${REFERENCE} --points 101 --output ${WORK}/np1.h5)
run(0 out2 ${MPIEXEC} -n 2 ${REFERENCE} --points=101 --output=${WORK}/np2.h5 -ts_max_reject 20)
expect_in("np2" "${out2}" "wrote ${WORK}/np2.h5")
file(GLOB written ${WORK}/*)
list(LENGTH written n)
if(NOT n EQUAL 2)
  message(FATAL_ERROR "expected exactly np1.h5 and np2.h5 (no temporary files), found: ${written}")
endif()
if(PYTHON)
  run(0 same ${PYTHON} ${SOURCE}/scripts/compare-reference ${WORK}/np2.h5 ${WORK}/np1.h5)
  string(REGEX MATCH "rel_l2 ([0-9.e+-]+)" _ "${same}")
  if(NOT CMAKE_MATCH_1 LESS 1e-7)
    message(FATAL_ERROR "1 and 2 ranks differ: ${same}")
  endif()
  message("1 vs 2 ranks: ${same}")
  set(shipped ${SOURCE}/../shared/data/nonlinear_diffusion_2d_reference.h5)
  if(EXISTS ${shipped})
    run(0 vs ${PYTHON} ${SOURCE}/scripts/compare-reference ${WORK}/np1.h5 ${shipped})
    string(REGEX MATCH "rel_l2 ([0-9.e+-]+)" _ "${vs}")
    if(NOT CMAKE_MATCH_1 LESS 2e-3)
      message(FATAL_ERROR "far from the shipped reference: ${vs}")
    endif()
    message("101 x 101 vs the shipped reference: ${vs}")
  endif()
endif()
