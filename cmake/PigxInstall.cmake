# cmake --install: libraries, public headers, pigx-solve, pigx-metalic, pigx-reference, the CMake package
# (find_package(pigx) gives pigx::pigx and the per-layer targets pigx::core ...) and pkg-config's pigx.pc.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(PIGX_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/pigx)
set_target_properties(pigx_core PROPERTIES EXPORT_NAME core)
if(NOT PIGX_CORE_ONLY)
  set_target_properties(pigx_parallel PROPERTIES EXPORT_NAME parallel)
  set_target_properties(pigx_io PROPERTIES EXPORT_NAME io)
  set_target_properties(pigx_solve PROPERTIES EXPORT_NAME solve)
  set_target_properties(pigx_app PROPERTIES EXPORT_NAME app)
  set_target_properties(pigx_api PROPERTIES EXPORT_NAME pigx)
  install(TARGETS pigx-solve pigx-metalic pigx-reference RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

install(TARGETS ${PIGX_INSTALL_TARGETS} EXPORT pigxTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/pigx DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT pigxTargets NAMESPACE pigx:: DESTINATION ${PIGX_CMAKE_DIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/pigxConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/pigxConfig.cmake INSTALL_DESTINATION ${PIGX_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/pigxConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/pigxConfig.cmake ${PROJECT_BINARY_DIR}/pigxConfigVersion.cmake
        DESTINATION ${PIGX_CMAKE_DIR})

# pkg-config: the libraries are static, so Libs lists every dependency pigx links.
if(NOT PIGX_CORE_ONLY)
  set(PIGX_PC_CFLAGS "")
  foreach(dir ${Kokkos_INCLUDE_DIRS} ${HDF5_C_INCLUDE_DIRS} ${MPI_CXX_INCLUDE_DIRS})
    string(APPEND PIGX_PC_CFLAGS " -I${dir}")
  endforeach()
  set(PIGX_PC_LIBS "")
  foreach(lib ${Kokkos_LIBRARIES})
    string(APPEND PIGX_PC_LIBS " -l${lib}")
  endforeach()
  foreach(lib ${Boost_PROGRAM_OPTIONS_LIBRARY_RELEASE} ${HDF5_C_LIBRARIES} ${LAPACK_LIBRARIES}
              ${MPI_CXX_LIBRARIES})
    string(APPEND PIGX_PC_LIBS " ${lib}")
  endforeach()
  configure_file(${PROJECT_SOURCE_DIR}/cmake/pigx.pc.in ${PROJECT_BINARY_DIR}/pigx.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/pigx.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endif()
