# The API reference: `cmake --build build --target docs` runs Doxygen
# (Debian's doxygen) over include/ and writes build/docs/html/index.html.
# With the tests on:
# - doxygen_undocumented runs it over every public header with warnings for
#   undocumented members enabled, and fails on any warning;
# - doxygen_paramdoc runs it over the headers listed in
#   EVENT_DOCS_PARAMDOC_HEADERS with WARN_NO_PARAMDOC on as well, so every
#   parameter and return value of those headers must be documented.  When
#   every header is in the list, WARN_NO_PARAMDOC can be turned on for the
#   whole tree (EVENT_DOCS_PARAMDOC_ALL) and this list dropped.
find_program(DOXYGEN_EXECUTABLE doxygen)

# Headers (relative to include/) whose every function documents each
# parameter (@param) and its return value (@return).
set(EVENT_DOCS_PARAMDOC_HEADERS
    event2/event.h
    event2/bufferevent.h
    event2/buffer.h
    event2/util.h
    event2/thread.h
    event2/event_compat.h
    event2/event_struct.h
    event2/buffer_compat.h
    event2/bufferevent_struct.h
    event2/bufferevent_compat.h
    event2/visibility.h
    event2/event-config.h
    event.h
)
# YES: WARN_NO_PARAMDOC for the whole tree (the docs target and
# doxygen_undocumented), and the list above is no longer needed.  Turn it on
# once every public header documents every parameter and return value.
set(EVENT_DOCS_PARAMDOC_ALL NO)

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
                 ${CMAKE_BINARY_DIR}/docs/warnings.log ${EVENT_DOCS_PARAMDOC_ALL})
  add_custom_target(docs
      COMMAND ${DOXYGEN_EXECUTABLE} ${CMAKE_BINARY_DIR}/docs/Doxyfile
      COMMAND ${CMAKE_COMMAND} -E echo "API reference: ${CMAKE_BINARY_DIR}/docs/html/index.html"
      WORKING_DIRECTORY ${CMAKE_BINARY_DIR}/docs
      COMMENT "Doxygen: HTML reference of include/"
      VERBATIM)
  if(EVENT_BUILD_TESTS)
    event_doxyfile(${CMAKE_BINARY_DIR}/docs/Doxyfile.check "\"${CMAKE_SOURCE_DIR}/include\"" NO
                   ${CMAKE_BINARY_DIR}/docs/check-warnings.log ${EVENT_DOCS_PARAMDOC_ALL})
    add_test(NAME doxygen_undocumented
             COMMAND ${CMAKE_COMMAND} -DDOXYGEN=${DOXYGEN_EXECUTABLE}
                     -DDOXYFILE=${CMAKE_BINARY_DIR}/docs/Doxyfile.check
                     -DLOG=${CMAKE_BINARY_DIR}/docs/check-warnings.log
                     -P ${CMAKE_SOURCE_DIR}/cmake/doxygen_check.cmake)
    set_tests_properties(doxygen_undocumented PROPERTIES LABELS style TIMEOUT 120)
    if(EVENT_DOCS_PARAMDOC_HEADERS AND NOT EVENT_DOCS_PARAMDOC_ALL)
      set(input "")
      foreach(h IN LISTS EVENT_DOCS_PARAMDOC_HEADERS)
        string(APPEND input " \"${CMAKE_SOURCE_DIR}/include/${h}\"")
      endforeach()
      event_doxyfile(${CMAKE_BINARY_DIR}/docs/Doxyfile.paramdoc "${input}" NO
                     ${CMAKE_BINARY_DIR}/docs/paramdoc-warnings.log YES)
      add_test(NAME doxygen_paramdoc
               COMMAND ${CMAKE_COMMAND} -DDOXYGEN=${DOXYGEN_EXECUTABLE}
                       -DDOXYFILE=${CMAKE_BINARY_DIR}/docs/Doxyfile.paramdoc
                       -DLOG=${CMAKE_BINARY_DIR}/docs/paramdoc-warnings.log
                       -P ${CMAKE_SOURCE_DIR}/cmake/doxygen_check.cmake)
      set_tests_properties(doxygen_paramdoc PROPERTIES LABELS style TIMEOUT 120)
    endif()
  endif()
else()
  add_custom_target(docs
      COMMAND ${CMAKE_COMMAND} -E echo "docs: doxygen not found (apt-get install doxygen)"
      COMMAND ${CMAKE_COMMAND} -E false)
endif()
