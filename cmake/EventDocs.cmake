# The API reference: `cmake --build build --target docs` runs Doxygen
# (Debian's doxygen) over include/ and writes build/docs/html/index.html.
# With the tests on:
# - doxygen_undocumented runs it over every public header with warnings for
#   undocumented members and for undocumented parameters and return values
#   (WARN_NO_PARAMDOC) enabled, and fails on any warning.
find_program(DOXYGEN_EXECUTABLE doxygen)

# Every function must document each parameter (@param) and its return
# value (@return), in the docs target and in the test.
set(EVENT_DOCS_PARAMDOC YES)

function(event_doxyfile out input html warn_log paramdoc)
  set(DOXYGEN_INPUT "${input}")
  # The checks write HTML too (to a directory of their own): with XML
  # output only, doxygen 1.9 does not parse the detailed documentation
  # before checking it and reports every documented parameter as missing.
  set(DOXYGEN_HTML YES)
  set(DOXYGEN_XML NO)
  set(DOXYGEN_WARN_NO_PARAMDOC ${paramdoc})
  set(DOXYGEN_WARN_AS_ERROR NO)
  set(DOXYGEN_WARN_LOGFILE "${warn_log}")
  set(DOXYGEN_OUTPUT_DIR "${CMAKE_BINARY_DIR}/docs")
  if(NOT html)
    # Each check gets its own output so that ctest -j can run them together.
    get_filename_component(name ${out} NAME)
    set(DOXYGEN_OUTPUT_DIR "${CMAKE_BINARY_DIR}/docs/${name}.out")
  endif()
  configure_file(${CMAKE_SOURCE_DIR}/docs/Doxyfile.in ${out} @ONLY)
endfunction()

if(DOXYGEN_EXECUTABLE)
  event_doxyfile(${CMAKE_BINARY_DIR}/docs/Doxyfile "\"${CMAKE_SOURCE_DIR}/include\"" YES
                 ${CMAKE_BINARY_DIR}/docs/warnings.log ${EVENT_DOCS_PARAMDOC})
  add_custom_target(docs
      COMMAND ${DOXYGEN_EXECUTABLE} ${CMAKE_BINARY_DIR}/docs/Doxyfile
      COMMAND ${CMAKE_COMMAND} -E echo "API reference: ${CMAKE_BINARY_DIR}/docs/html/index.html"
      WORKING_DIRECTORY ${CMAKE_BINARY_DIR}/docs
      COMMENT "Doxygen: HTML reference of include/"
      VERBATIM)
  if(EVENT_BUILD_TESTS)
    event_doxyfile(${CMAKE_BINARY_DIR}/docs/Doxyfile.check "\"${CMAKE_SOURCE_DIR}/include\"" NO
                   ${CMAKE_BINARY_DIR}/docs/check-warnings.log ${EVENT_DOCS_PARAMDOC})
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
