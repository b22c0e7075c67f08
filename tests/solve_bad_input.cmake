# Every entry of docs/bad_inputs.md: pigx-solve stops with exit code 2, a message naming the key (or file),
# the value and what was expected, and writes nothing (no output directory, no summary.json, solution.h5 or
# temporary files anywhere under WORK).
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(ini ${SOURCE}/tests/data/tiny_poisson.ini)
set(out ${WORK}/out)

# Fails unless `text` contains every fragment of the list `fragments`.
function(expect_fragments what text fragments)
  foreach(f IN LISTS fragments)
    string(FIND "${text}" "${f}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${what}: message does not contain '${f}':\n${text}")
    endif()
  endforeach()
endfunction()

# Runs `COMMAND ...` and checks exit code 2, the message fragments (a ;-list) and that nothing was written.
# With PRECREATE set, the output directory exists (empty) beforehand and must stay empty.
function(expect_rejected what fragments)
  file(GLOB_RECURSE before LIST_DIRECTORIES true ${WORK}/*)
  if(PRECREATE)
    file(MAKE_DIRECTORY ${out})
  endif()
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
  if(NOT rc EQUAL 2)
    message(FATAL_ERROR "${what}: exit code ${rc}, expected 2\n${o}${e}")
  endif()
  expect_fragments("${what}" "${e}" "${fragments}")
  string(REGEX MATCHALL "pigx-solve: error:" lines "${e}")
  list(LENGTH lines n)
  if(NOT n EQUAL 1)
    message(FATAL_ERROR "${what}: the error was printed ${n} times, expected once:\n${e}")
  endif()
  if(PRECREATE)
    file(GLOB left ${out}/* ${out}/.*)
    if(left)
      message(FATAL_ERROR "${what}: files left in the output directory: ${left}")
    endif()
    file(REMOVE_RECURSE ${out})
  elseif(EXISTS ${out})
    message(FATAL_ERROR "${what}: output directory was created")
  endif()
  file(GLOB_RECURSE after LIST_DIRECTORIES true ${WORK}/*)
  if(NOT "${before}" STREQUAL "${after}")
    message(FATAL_ERROR "${what}: files were written:\nbefore ${before}\nafter ${after}")
  endif()
  message("${what}: ${e}")
endfunction()

# pigx-solve ARGS on one rank, output to ${out}.
macro(solve what fragments)
  expect_rejected("${what}" "${fragments}" ${SOLVE} ${ARGN} --output.dir=${out})
endmacro()

# 1. Malformed INI: the message names the file and the line.
file(WRITE ${WORK}/noeq.ini "[problem]\ntype = poisson\n[model]\ngaussians 40\n")
solve("INI line without '='" "noeq.ini', line 4;'gaussians 40' is not a key = value line" ${WORK}/noeq.ini)
file(WRITE ${WORK}/unterminated.ini "[problem]\ntype = poisson\n[model\ngaussians = 40\n")
solve("unterminated section" "unterminated.ini', line 3;unterminated section header '[model'"
      ${WORK}/unterminated.ini)
file(WRITE ${WORK}/twice.ini "[problem]\ntype = poisson\n[model]\ngaussians = 40\ngaussians = 50\n")
solve("key set twice" "twice.ini', line 5;'model.gaussians' is set again (first on line 4)" ${WORK}/twice.ini)
# 2. Unknown key, with the closest valid key.
solve("unknown key" "unknown key 'sampling.residal';did you mean 'sampling.residual'" ${ini}
      --sampling.residal=3)
# 4j. A hard zero boundary where the problem's boundary values are not zero (flow mixing's exact solution).
solve("hard boundary with boundary values not 0"
      "invalid value '1' for key 'model.hard_boundary': expected 0: problem 'flow_mixing' has boundary value"
      ${SOURCE}/examples/flow_mixing.ini --model.hard_boundary=1)
# 3. Wrong type: key, value and the expected type.
solve("wrong type" "invalid value 'many' for key 'model.gaussians': expected an integer" ${ini}
      --model.gaussians=many)
solve("wrong type (seed)" "invalid value 'abc' for key 'train.seed': expected an integer" ${ini}
      --train.seed=abc)
# 4. Out of range: key, value and the valid range.
solve("negative gaussians" "invalid value '-4' for key 'model.gaussians': expected a positive integer" ${ini}
      --model.gaussians=-4)
solve("negative seed" "invalid value '-1' for key 'train.seed': expected a seed >= 0" ${ini} --train.seed=-1)
solve("no residual points" "invalid value '0' for key 'sampling.residual': expected a count in 1..2147483647"
      ${ini} --sampling.residual=0)
solve("non-finite weight" "invalid value 'inf' for key 'loss.residual': expected a finite number" ${ini}
      --loss.residual=inf)
solve("unknown stage type" "train.stages" ${ini} --train.stages=sgd:10)
# 5. Reference data: missing, truncated, and a valid HDF5 file with the wrong shape.
file(WRITE ${WORK}/nd.ini "[problem]\ntype = nonlinear_diffusion\ndata_dir = ${WORK}/nowhere\n")
solve("missing reference data"
      "nowhere/nonlinear_diffusion_2d_reference.h5' does not exist;expected a complete HDF5 file with datasets /u, /t, /x, /y"
      ${WORK}/nd.ini)
set(refs ${SOURCE}/../shared/data)
if(EXISTS ${refs}/allen_cahn_1d_reference.h5)
  file(MAKE_DIRECTORY ${WORK}/truncated ${WORK}/wrongshape)
  execute_process(COMMAND head -c 65536 ${refs}/allen_cahn_1d_reference.h5
                  OUTPUT_FILE ${WORK}/truncated/allen_cahn_1d_reference.h5)
  set(PRECREATE ON)
  solve("truncated reference file"
        "truncated/allen_cahn_1d_reference.h5' failed;truncated or corrupt;expected a complete HDF5 file"
        ${SOURCE}/examples/allen_cahn.ini --problem.data_dir=${WORK}/truncated)
  # The Allen-Cahn file (u over t, x) where the nonlinear-diffusion file (u over t, x, y) should be.
  file(COPY_FILE ${refs}/allen_cahn_1d_reference.h5 ${WORK}/wrongshape/nonlinear_diffusion_2d_reference.h5)
  solve("reference of the wrong shape"
        "wrongshape/nonlinear_diffusion_2d_reference.h5', dataset '/u' has shape [201, 512]: expected a rank-3 array over the axes (t, x, y)"
        ${SOURCE}/examples/nonlinear_diffusion.ini --problem.data_dir=${WORK}/wrongshape)
  set(PRECREATE OFF)
else()
  message(WARNING "no reference data in ${refs}: truncated and wrong-shaped HDF5 cases skipped")
endif()
# problem.reference_file: missing, and set for a problem whose test reference is its exact solution.
solve("missing problem.reference_file"
      "reference file '${WORK}/nowhere/fd_801.h5' does not exist;expected a complete HDF5 file with datasets /u"
      ${WORK}/nd.ini --problem.data_dir=${SOURCE}/../shared/data --problem.reference_file=${WORK}/nowhere/fd_801.h5)
solve("problem.reference_file with an exact solution"
      "invalid value '${WORK}/fd.h5' for key 'problem.reference_file': expected nothing: problem 'poisson' has an exact solution"
      ${ini} --problem.reference_file=${WORK}/fd.h5)
# 6. Too few collocation points for the model (tiny_poisson: 4 channels x 40 Gaussians, 4 faces).
solve("too few residual points" "invalid value '100' for key 'sampling.residual': expected at least 160 points"
      ${ini} --sampling.residual=100)
solve("too few boundary points"
      "invalid value '3' for key 'sampling.boundary': expected 0 (no boundary term) or at least 4 points" ${ini}
      --sampling.boundary=3)
# 7. Domain decomposition: one count per axis, no cut periodic axis, conditions the PDE's order supports.
solve("subdomains: one count for two axes" "invalid value '4' for key 'domain.subdomains': expected 2 counts"
      ${ini} --domain.subdomains=4)
solve("subdomains: periodic axis cut"
      "invalid value '2x1' for key 'domain.subdomains': expected 1 along the periodic axis x"
      ${SOURCE}/examples/allen_cahn.ini --domain.subdomains=2x1)
solve("interface weight" "invalid value '-1' for key 'interface.flux_weight': expected a weight >= 0" ${ini}
      --domain.subdomains=2x1 --interface.flux_weight=-1)
solve("interface condition above the PDE order"
      "invalid value 'true' for key 'interface.second_normal': expected false for problem flow_mixing"
      ${SOURCE}/examples/flow_mixing.ini --domain.subdomains=1x1x2 --interface.second_normal=true)
solve("interface condition above the PDE order, --check"
      "invalid value 'true' for key 'interface.second_normal': expected false for problem flow_mixing"
      ${SOURCE}/examples/flow_mixing.ini --domain.subdomains=1x1x2 --interface.second_normal=true --check)
solve("trained coefficients with a decomposition, --check"
      "invalid value '2x1' for key 'domain.subdomains': expected 1 when PDE coefficients are trained"
      ${SOURCE}/examples/inverse_helmholtz.ini --domain.subdomains=2x1 --check)
solve("subdomains axis count" "invalid value '2x2x2' for key 'domain.subdomains': expected 2 counts" ${ini}
      --domain.subdomains=2x2x2)
# 8a. Inverse problems (docs/inverse_problems.md): coefficients and observation files. Shapes of real
# observation files are checked in tests/inverse_helmholtz.cmake, which can write HDF5 with h5py.
set(inv ${SOURCE}/examples/inverse_helmholtz.ini)
solve("untrainable coefficient"
      "invalid value 'a1' for key 'inverse.trainable': expected trainable coefficients of problem 'helmholtz': k"
      ${inv} --inverse.trainable=a1)
solve("no trainable coefficient" "expected nothing: problem 'poisson' has no trainable coefficient" ${ini}
      --inverse.trainable=k)
solve("initial guesses, wrong count"
      "invalid value '2,3' for key 'inverse.initial': expected 1 number(s), one per coefficient" ${inv}
      --inverse.initial=2,3)
file(WRITE ${WORK}/nodata.ini "[problem]\ntype = helmholtz\n[inverse]\ntrainable = k\n")
solve("coefficient without data" "inverse.trainable = k needs observations: set data.file" ${WORK}/nodata.ini)
solve("missing observation file"
      "observation file '${WORK}/none.h5' does not exist or is not a regular file;/points [n, 2] and /values"
      ${inv} --data.file=${WORK}/none.h5)
solve("observation file not HDF5" "observation file '${ini}' is not an HDF5 file" ${inv} --data.file=${ini})
if(EXISTS ${refs}/allen_cahn_1d_reference.h5)
  solve("observation file without /points"
        "observation file '${refs}/allen_cahn_1d_reference.h5', dataset '/points' does not exist" ${inv}
        --data.file=${refs}/allen_cahn_1d_reference.h5)
endif()
# 8. Unknown PDE: the valid names are listed.
solve("unknown problem" "navier_stokes;problem.type;helmholtz;poisson" ${ini} --problem.type=navier_stokes)
# 9. More MPI ranks than points of a term: printed once (rank 0), exit code 2 from every rank.
if(MPIEXEC)
  expect_rejected("too many ranks"
                  "invalid value '2' for key 'sampling.residual' on 3 MPI ranks: expected at least 3 points"
                  ${MPIEXEC} -n 3 ${SOLVE} ${ini} --model.channels=1 --model.gaussians=1 --sampling.residual=2
                  --output.dir=${out})
  # Every rank, not only the first, exits with 2 (each wrapper records its rank's code and exits 0, so
  # that mpiexec does not kill the others first).
  set(codes ${WORK}-rank-codes)
  file(REMOVE_RECURSE ${codes})
  file(MAKE_DIRECTORY ${codes})
  execute_process(COMMAND ${MPIEXEC} -n 3 sh -c "\"$0\" \"$@\"; echo $? > ${codes}/rank$OMPI_COMM_WORLD_RANK"
                          ${SOLVE} ${ini} --model.channels=1 --model.gaussians=1 --sampling.residual=2
                          --output.dir=${out} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  foreach(r 0 1 2)
    file(READ ${codes}/rank${r} code)
    string(STRIP "${code}" code)
    if(NOT code EQUAL 2)
      message(FATAL_ERROR "too many ranks: rank ${r} exited with '${code}', expected 2")
    endif()
  endforeach()
  file(REMOVE_RECURSE ${codes})
  message("too many ranks: every rank exited with 2")
  expect_rejected("more ranks than subdomains"
                  "invalid value '2x1' for key 'domain.subdomains' on 3 MPI ranks: expected at least 3 subdomains"
                  ${MPIEXEC} -n 3 ${SOLVE} ${ini} --domain.subdomains=2x1 --output.dir=${out})
endif()
# 10. Missing config file and an output directory that cannot be created.
solve("missing config" "invalid value '${WORK}/missing.ini' for key 'config file': expected a readable INI file"
      ${WORK}/missing.ini)
file(WRITE ${WORK}/afile "not a directory\n")
expect_rejected("output.dir under a file"
                "invalid value '${WORK}/afile/run' for key 'output.dir': expected a directory that can be created"
                ${SOLVE} ${ini} --output.dir=${WORK}/afile/run)
expect_rejected("output.dir is a file" "invalid value '${WORK}/afile' for key 'output.dir': expected a directory"
                ${SOLVE} ${ini} --output.dir=${WORK}/afile)
# Nobody, root included, may create a directory in /proc: the writability probe must say so up front.
expect_rejected("output.dir not writable"
                "invalid value '/proc/pigx-test-run' for key 'output.dir': expected a directory that can be created, but '/proc' is not writable"
                ${SOLVE} ${ini} --output.dir=/proc/pigx-test-run)

# --check accepts a valid run without training or writing anything.
execute_process(COMMAND ${SOLVE} ${ini} --check --output.dir=${out} RESULT_VARIABLE rc OUTPUT_VARIABLE o
                ERROR_VARIABLE e)
if(NOT rc EQUAL 0 OR EXISTS ${out})
  message(FATAL_ERROR "--check: exit code ${rc} (expected 0) or output written\n${o}${e}")
endif()
expect_fragments("--check" "${o}" "are valid;nothing trained or written")
