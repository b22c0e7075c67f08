# The inverse Helmholtz example end to end on 2 ranks: synthetic observations with 1% noise, k recovered from
# the wrong guess 2 to within 1% of the true 1, reported in summary.json; and observation files of the wrong
# shape refused with exit code 2 and a message naming the file and the dataset.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(gen ${SOURCE}/examples/inverse/make_helmholtz_observations.py)

# Fails unless `cmd` exits with 2 and its error names every fragment of the ;-list `fragments`.
function(expect_refused what fragments)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
  if(NOT rc EQUAL 2)
    message(FATAL_ERROR "${what}: exit code ${rc}, expected 2\n${o}${e}")
  endif()
  foreach(f IN LISTS fragments)
    string(FIND "${e}" "${f}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${what}: message does not contain '${f}':\n${e}")
    endif()
  endforeach()
  message("${what}: ${e}")
endfunction()

# Wrong shapes: /points with 3 columns, /values with the wrong length, and a non-finite value.
execute_process(COMMAND ${PYTHON} -c "
import h5py, numpy as np
with h5py.File('${WORK}/cols.h5', 'w') as f:
    f['points'] = np.zeros((5, 3)); f['values'] = np.zeros(5)
with h5py.File('${WORK}/len.h5', 'w') as f:
    f['points'] = np.zeros((5, 2)); f['values'] = np.zeros(4)
with h5py.File('${WORK}/nan.h5', 'w') as f:
    f['points'] = np.zeros((5, 2)); v = np.zeros(5); v[3] = np.nan; f['values'] = v
with h5py.File('${WORK}/outside.h5', 'w') as f:
    p = np.zeros((5, 2)); p[2, 1] = 1.5; f['points'] = p; f['values'] = np.zeros(5)
" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "could not write the test HDF5 files")
endif()
set(inv ${SOURCE}/examples/inverse_helmholtz.ini --output.dir=${WORK}/bad)
expect_refused("points of the wrong width" "cols.h5', dataset '/points' has shape [5, 3]: expected [n, 2]"
               ${SOLVE} ${inv} --data.file=${WORK}/cols.h5)
expect_refused("values of the wrong length" "len.h5', dataset '/values' has shape [4]: expected [5] or [5, 1]"
               ${SOLVE} ${inv} --data.file=${WORK}/len.h5)
expect_refused("non-finite value" "nan.h5', dataset '/values': row 3 is not finite" ${SOLVE} ${inv}
               --data.file=${WORK}/nan.h5)
expect_refused("point outside the domain" "outside.h5', dataset '/points': row 2 (0, 1.5) lies outside the domain"
               ${SOLVE} ${inv} --data.file=${WORK}/outside.h5)

# The example: 4,000 observations with 1% noise, k from 2 back to 1.
execute_process(COMMAND ${PYTHON} ${gen} ${WORK}/obs.h5 --n 4000 --noise 0.01 --seed 1 RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${gen} failed")
endif()
execute_process(COMMAND ${MPIEXEC} -n 2 ${SOLVE} ${SOURCE}/examples/inverse_helmholtz.ini
                        --data.file=${WORK}/obs.h5 --output.dir=${WORK}/run
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pigx-solve failed with exit code ${rc}")
endif()
file(READ ${WORK}/run/summary.json json)
string(JSON k GET "${json}" coefficients k)
string(JSON k0 GET "${json}" coefficients_initial k)
string(JSON rel GET "${json}" coefficients_rel_error k)
string(JSON n GET "${json}" data_points)
string(JSON noise GET "${json}" data_noise_std)
if(NOT n EQUAL 4000 OR NOT k0 EQUAL 2)
  message(FATAL_ERROR "summary.json: data_points ${n}, initial k ${k0}")
endif()
if(NOT rel LESS 0.01)
  message(FATAL_ERROR "recovered k = ${k}: relative error ${rel} is not below 1%")
endif()
message("inverse Helmholtz: k = ${k} (from ${k0}), relative error ${rel}, noise std ${noise}")
