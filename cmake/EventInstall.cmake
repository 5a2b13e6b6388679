# Installation: headers, the five libraries (with lib<name>.so links for
# -l<name>), pkg-config files and a CMake package (find_package(Libevent)).
include(CMakePackageConfigHelpers)

set(EVENT_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/libevent)
set(EVENT_COMPONENTS core extra pthreads)
if(EVENT_BUILD_OPENSSL)
  list(APPEND EVENT_COMPONENTS openssl)
endif()

install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")

# The rpcgen (.rpc -> C marshalling code), as libevent installs it.
install(PROGRAMS ${CMAKE_SOURCE_DIR}/tools/event_rpcgen.py DESTINATION ${CMAKE_INSTALL_BINDIR})

foreach(lib event ${EVENT_COMPONENTS})
  if(lib STREQUAL "event")
    set(target event)
  else()
    set(target event_${lib})
  endif()
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${lib})
  set_target_properties(${target}_static PROPERTIES EXPORT_NAME ${lib}_static)
  # libevent::openssl refers to OpenSSL's imported targets: it gets an
  # export file of its own, which LibeventConfig.cmake reads only after
  # finding OpenSSL, so that the other components need no OpenSSL at all.
  if(lib STREQUAL "openssl")
    set(export_set LibeventOpenSSLTargets)
  else()
    set(export_set LibeventTargets)
  endif()
  install(TARGETS ${target} EXPORT ${export_set}
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_SKIP)
  install(TARGETS ${target}_static EXPORT ${export_set}
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  # lib<name>.so -> lib<name>-2.1.so.7.0.1, as Debian lays it out.
  install(CODE "execute_process(COMMAND \${CMAKE_COMMAND} -E create_symlink
      lib${target}-${EVENT_ABI_RELEASE}.so.${EVENT_ABI_VERSION}
      \$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/lib${target}.so)")
endforeach()
# The "event" target is exported as libevent::event; the static archives
# need the shared libraries' link dependencies.  As in libevent's own
# package, linking libevent::extra, ::pthreads or ::openssl also links
# libevent::core (their users call the core API too).
foreach(target event_extra event_pthreads event_openssl)
  if(TARGET ${target})
    set_property(TARGET ${target} APPEND PROPERTY
                 INTERFACE_LINK_LIBRARIES $<INSTALL_INTERFACE:libevent::core>)
  endif()
endforeach()

# pkg-config: the prefix is written at install time, so that
# `cmake --install --prefix P` yields files that point into P.
foreach(pc libevent libevent_core libevent_extra libevent_pthreads libevent_openssl)
  if(pc STREQUAL "libevent_openssl" AND NOT EVENT_BUILD_OPENSSL)
    continue()
  endif()
  set(PC_PREFIX "@PC_PREFIX@")  # kept as a placeholder for the install step
  configure_file(${CMAKE_SOURCE_DIR}/cmake/pkgconfig/${pc}.pc.in
                 ${CMAKE_BINARY_DIR}/pkgconfig/${pc}.pc.in @ONLY)
  install(CODE "
    set(PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
    configure_file(\"${CMAKE_BINARY_DIR}/pkgconfig/${pc}.pc.in\"
                   \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig/${pc}.pc\" @ONLY)
    message(STATUS \"Installing: \$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig/${pc}.pc\")")
endforeach()

# CMake package: find_package(Libevent 2.1 REQUIRED COMPONENTS core extra)
install(EXPORT LibeventTargets NAMESPACE libevent:: DESTINATION ${EVENT_INSTALL_CMAKEDIR})
if(EVENT_BUILD_OPENSSL)
  install(EXPORT LibeventOpenSSLTargets NAMESPACE libevent:: DESTINATION ${EVENT_INSTALL_CMAKEDIR})
endif()
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/LibeventConfig.cmake.in
    ${CMAKE_BINARY_DIR}/LibeventConfig.cmake INSTALL_DESTINATION ${EVENT_INSTALL_CMAKEDIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/LibeventConfigVersion.cmake
    VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/LibeventConfig.cmake
              ${CMAKE_BINARY_DIR}/LibeventConfigVersion.cmake
        DESTINATION ${EVENT_INSTALL_CMAKEDIR})
