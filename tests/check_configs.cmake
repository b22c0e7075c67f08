# Every shipped config (examples/*.ini, tests/data/*.ini) passes `pigx-solve --check` as shipped: the
# configuration, its reference data and the rank count are valid; nothing is trained or written.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
file(GLOB configs ${SOURCE}/examples/*.ini ${SOURCE}/tests/data/*.ini)
foreach(ini ${configs})
  execute_process(COMMAND ${SOLVE} ${ini} --check WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc
                  OUTPUT_VARIABLE o ERROR_VARIABLE e)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${ini}: --check failed with exit code ${rc}\n${o}${e}")
  endif()
  message("${o}")
endforeach()
file(GLOB written ${WORK}/*)
if(written)
  message(FATAL_ERROR "--check wrote ${written}")
endif()
