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

# 1. Bad arguments: exit 2, one message naming the option, the value and the expectation; nothing written.
foreach(case
    "--points=100|invalid value '100' for option --points: expected an integer >= 101 with (points - 1) a multiple of 100"
    "--points=abc|invalid value 'abc' for option --points"
    "--rtol=0|invalid value '0' for option --rtol: expected a number in (0, 0.1]"
    "--atol=nan|invalid value 'nan' for option --atol"
    "--dt0=1|invalid value '1' for option --dt0: expected a time step in (0, 0.01]"
    "--output=${WORK}/dir/|invalid value '${WORK}/dir/' for option --output: expected a file name"
    "--pionts=401|unknown option '--pionts': expected one of --points, --rtol"
    "--points|the required argument for option '--points' is missing")
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 arg)
  list(GET parts 1 fragment)
  set(output --output=${WORK}/bad.h5)
  if(arg MATCHES "^--output")
    set(output)
  endif()
  # The first case on 2 ranks (the message is printed once), the others as singletons (faster).
  set(launcher)
  if(NOT checked_two_ranks)
    set(launcher ${MPIEXEC} -n 2)
    set(checked_two_ranks ON)
  endif()
  run(2 out ${launcher} ${REFERENCE} ${output} ${arg})
  expect_in("${arg}" "${out}" "pigx-reference: error: ${fragment}")
  string(REGEX MATCHALL "pigx-reference: error:" lines "${out}")
  list(LENGTH lines n)
  if(NOT n EQUAL 1)
    message(FATAL_ERROR "${arg}: the error was printed ${n} times, expected once:\n${out}")
  endif()
endforeach()
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
