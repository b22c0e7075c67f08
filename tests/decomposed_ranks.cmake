# The 2 x 2 decomposed Helmholtz problem (Adam, resampling, then Levenberg-Marquardt) on 1, 2 and 4 ranks:
# the same final loss and test error to 1e-10 relative (the sums run in subdomain order, so they agree
# bit for bit), and summary.json reports the layout and the interface traffic.
set(common ${SOURCE}/examples/helmholtz2d.ini --domain.subdomains=2x2 --model.gaussians=8
           --sampling.residual=512 --sampling.boundary=128 --interface.points=32 --interface.flux=true
           --train.stages=adam:30,lm:4:0 --sampling.resample_every=10 --output.progress_every=0)
foreach(np 1 2 4)
  file(REMOVE_RECURSE ${WORK}/np${np})
  execute_process(COMMAND ${MPIEXEC} -n ${np} ${SOLVE} ${common} --output.dir=${WORK}/np${np}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("${out}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pigx-solve on ${np} ranks failed with exit code ${rc}")
  endif()
  file(READ ${WORK}/np${np}/summary.json json)
  string(JSON layout GET "${json}" subdomains)
  string(JSON count GET "${json}" subdomain_count)
  string(JSON bytes GET "${json}" interface_bytes_per_iteration)
  string(JSON loss_${np} GET "${json}" final_loss)
  string(JSON err_${np} GET "${json}" rel_l2)
  if(NOT layout STREQUAL "2x2" OR NOT count EQUAL 4)
    message(FATAL_ERROR "${np} ranks: summary.json has subdomains ${layout} (${count})")
  endif()
  if(np GREATER 1 AND NOT bytes GREATER 0)
    message(FATAL_ERROR "${np} ranks: no interface bytes exchanged (${bytes})")
  endif()
  # The collectively written solution holds every rank's values: its error is the summary's.
  execute_process(COMMAND ${PYTHON} -c "import h5py, numpy as np, sys
f = h5py.File(sys.argv[1], 'r')
u, ref = f['u'][()], f['reference'][()]
e = np.linalg.norm(u - ref) / np.linalg.norm(ref)
sys.exit(0 if abs(e - float(sys.argv[2])) <= 1e-10 * e and np.allclose(f['error'][()], u - ref, rtol=0, atol=1e-14) else 1)"
                          ${WORK}/np${np}/solution.h5 ${err_${np}} RESULT_VARIABLE h5ok)
  if(NOT h5ok EQUAL 0)
    message(FATAL_ERROR "${np} ranks: solution.h5 does not reproduce rel_l2 ${err_${np}}")
  endif()
endforeach()
foreach(np 2 4)
  foreach(q loss err)
    set(a ${${q}_1})
    set(b ${${q}_${np}})
    execute_process(COMMAND ${PYTHON} -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); sys.exit(0 if abs(a-b) <= 1e-10*abs(a) else 1)" ${a} ${b}
                    RESULT_VARIABLE same)
    if(NOT same EQUAL 0)
      message(FATAL_ERROR "${q} on ${np} ranks (${b}) differs from 1 rank (${a}) by more than 1e-10 relative")
    endif()
  endforeach()
endforeach()
message("rank invariance: final loss ${loss_1}, rel_l2 ${err_1} on 1, 2 and 4 ranks")
