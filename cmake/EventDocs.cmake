# The API reference: `cmake --build build --target docs` runs Doxygen
# (Debian's doxygen) over include/ and writes build/docs/html/index.html.
# With the tests on, the doxygen_undocumented test runs it over every public
# header with warnings for undocumented members enabled, and fails on any
# warning.
find_program(DOXYGEN_EXECUTABLE doxygen)


function(event_doxyfile out input html warn_log)
  set(DOXYGEN_INPUT "${input}")
  set(DOXYGEN_HTML ${html})
  # The check writes no HTML, but doxygen wants one output format.
  if(html)
    set(DOXYGEN_XML NO)
  else()
    set(DOXYGEN_XML YES)
  endif()
  set(DOXYGEN_WARN_AS_ERROR NO)
  set(DOXYGEN_WARN_LOGFILE "${warn_log}")
  set(DOXYGEN_OUTPUT_DIR "${CMAKE_BINARY_DIR}/docs")
  configure_file(${CMAKE_SOURCE_DIR}/docs/Doxyfile.in ${out} @ONLY)
endfunction()

if(DOXYGEN_EXECUTABLE)
  event_doxyfile(${CMAKE_BINARY_DIR}/docs/Doxyfile "\"${CMAKE_SOURCE_DIR}/include\"" YES
                 ${CMAKE_BINARY_DIR}/docs/warnings.log)
  add_custom_target(docs
      COMMAND ${DOXYGEN_EXECUTABLE} ${CMAKE_BINARY_DIR}/docs/Doxyfile
      COMMAND ${CMAKE_COMMAND} -E echo "API reference: ${CMAKE_BINARY_DIR}/docs/html/index.html"
      WORKING_DIRECTORY ${CMAKE_BINARY_DIR}/docs
      COMMENT "Doxygen: HTML reference of include/"
      VERBATIM)
  if(EVENT_BUILD_TESTS)
    event_doxyfile(${CMAKE_BINARY_DIR}/docs/Doxyfile.check "\"${CMAKE_SOURCE_DIR}/include\"" NO
                   ${CMAKE_BINARY_DIR}/docs/check-warnings.log)
    add_test(NAME doxygen_undocumented
             COMMAND ${CMAKE_COMMAND} -DDOXYGEN=${DOXYGEN_EXECUTABLE}
                     -DDOXYFILE=${CMAKE_BINARY_DIR}/docs/Doxyfile.check
                     -DLOG=${CMAKE_BINARY_DIR}/docs/check-warnings.log
                     -P ${CMAKE_SOURCE_DIR}/cmake/doxygen_check.cmake)
    set_tests_properties(doxygen_undocumented PROPERTIES LABELS style TIMEOUT 120)
  endif()
else()
  add_custom_target(docs
      COMMAND ${CMAKE_COMMAND} -E echo "docs: doxygen not found (apt-get install doxygen)"
      COMMAND ${CMAKE_COMMAND} -E false)
endif()
