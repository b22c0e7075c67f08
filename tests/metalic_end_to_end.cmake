# pigx-metalic end to end on 2 ranks (2 groups of 1 rank): a tiny Helmholtz family on 2x1 subdomains, two
# bandit rounds of a few Adam steps, then the comparison at two test contexts; checks metalic.json and the
# trainings' summaries, and that bad input exits 2 and writes nothing.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(tiny --model.gaussians=20 --sampling.residual=512 --sampling.boundary=128 --sampling.resample_every=0
         --train.stages=adam:20 --output.solution=false --output.progress_every=0 --domain.subdomains=2x1
         --interface.points=16)
set(bandit --metalic.parameter=a1 --metalic.range=1:6 --metalic.rounds=2 --metalic.groups=2
           --metalic.conditions=solution,average,residual_continuity,flux --metalic.test=1.5,4.5
           --metalic.seed=1)

# Bad input: 3 groups on 2 ranks; exit 2, the message names the key, nothing written.
execute_process(COMMAND ${MPIEXEC} -n 2 ${METALIC} ${SOURCE}/examples/helmholtz2d.ini ${tiny} ${bandit}
                        --metalic.groups=3 --metalic.out=${WORK}/bad
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "metalic.groups")
  message(FATAL_ERROR "bad metalic.groups: exit ${rc} (expected 2)\n${out}${err}")
endif()
if(EXISTS ${WORK}/bad)
  message(FATAL_ERROR "bad input wrote ${WORK}/bad")
endif()

execute_process(COMMAND ${MPIEXEC} -n 2 ${METALIC} ${SOURCE}/examples/helmholtz2d.ini ${tiny} ${bandit}
                        --metalic.out=${WORK}/run
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pigx-metalic failed with exit code ${rc}")
endif()
file(READ ${WORK}/run/metalic.json json)
string(JSON complete GET "${json}" complete)
string(JSON trials LENGTH "${json}" trials)
string(JSON tests LENGTH "${json}" tests)
if(NOT complete OR NOT trials EQUAL 4 OR NOT tests EQUAL 2)
  message(FATAL_ERROR "metalic.json: complete ${complete}, ${trials} trials (expected 4), ${tests} tests (2)")
endif()
math(EXPR last "${trials} - 1")
foreach(i RANGE ${last})
  string(JSON dir GET "${json}" trials ${i} output_dir)
  string(JSON err GET "${json}" trials ${i} rel_l2)
  if(NOT EXISTS ${dir}/summary.json OR err STREQUAL "null")
    message(FATAL_ERROR "trial ${i}: no ${dir}/summary.json or no error (rel_l2 ${err})")
  endif()
endforeach()
foreach(i 0 1)
  string(JSON chosen GET "${json}" tests ${i} chosen_rel_l2)
  string(JSON fixed GET "${json}" tests ${i} default_rel_l2)
  if(chosen STREQUAL "null" OR fixed STREQUAL "null")
    message(FATAL_ERROR "test ${i}: chosen ${chosen}, default ${fixed}")
  endif()
endforeach()
if(NOT out MATCHES "\\| problem.a1 \\| chosen mask \\|")
  message(FATAL_ERROR "no Markdown table in the output")
endif()
message("metalic end-to-end: ${trials} trials, ${tests} tests")
