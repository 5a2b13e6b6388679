# cmake -DDOXYGEN=... -DDOXYFILE=... -DLOG=... -P doxygen_check.cmake
# Runs doxygen; fails when it exits non-zero or wrote any warning
# (an undocumented member, a bad @param, ...) to LOG.
file(REMOVE ${LOG})
execute_process(COMMAND ${DOXYGEN} ${DOXYFILE} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "doxygen failed (${rc})")
endif()
file(READ ${LOG} warnings)
if(NOT warnings STREQUAL "")
  message(FATAL_ERROR "doxygen warnings:\n${warnings}")
endif()
message(STATUS "doxygen: no warnings")
