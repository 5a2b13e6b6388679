# Compiler settings shared by every library target, and the helper that
# turns a set of object libraries into a shared + static library pair with
# libevent's file names.

# Internals: C++20 without exceptions or RTTI, and nothing that needs
# libstdc++ at run time (checked by linking with the C driver and -z defs).
set(EVENT_INTERNAL_CXX_FLAGS -fno-exceptions -fno-rtti -fno-threadsafe-statics
    -fno-asynchronous-unwind-tables -Wall -Wextra -Wno-missing-field-initializers)
set(EVENT_INTERNAL_C_FLAGS -Wall -Wextra)

set(EVENT_SANITIZER_FLAGS "")
if(EVENT_BUILD_FUZZ)
  # Coverage for libFuzzer plus ASan+UBSan; only the static archives and the
  # fuzz targets are built in such a tree (scripts/fuzz).
  set(EVENT_SANITIZER_FLAGS -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
      -fno-sanitize-recover=undefined -fno-sanitize=vptr,function)
elseif(EVENT_SANITIZE)
  set(EVENT_SANITIZER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer
      -fno-sanitize-recover=undefined
      # The libraries are built without RTTI, so UBSan cannot check vptrs.
      -fno-sanitize=vptr)
elseif(EVENT_TSAN)
  set(EVENT_SANITIZER_FLAGS -fsanitize=thread)
endif()
add_compile_options(${EVENT_SANITIZER_FLAGS})
add_link_options(${EVENT_SANITIZER_FLAGS})

# event_add_module(<name> DIRS <dir>...): one object library of every .cpp/.c
# below the given src/ directories.
function(event_add_module name)
  cmake_parse_arguments(M "" "" "DIRS" ${ARGN})
  set(sources "")
  foreach(dir IN LISTS M_DIRS)
    file(GLOB_RECURSE found CONFIGURE_DEPENDS
         ${CMAKE_SOURCE_DIR}/src/${dir}/*.cpp ${CMAKE_SOURCE_DIR}/src/${dir}/*.c)
    list(APPEND sources ${found})
  endforeach()
  if(NOT sources)
    # An empty module still yields an (empty) library with the right name.
    set(stub ${CMAKE_BINARY_DIR}/empty_${name}.c)
    file(WRITE ${stub} "/* ${name}: no sources yet */\ntypedef int event_empty_unit_;\n")
    set(sources ${stub})
  endif()
  add_library(${name} OBJECT ${sources})
  target_include_directories(${name} BEFORE PRIVATE ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR}/src)
  target_compile_definitions(${name} PRIVATE EVENT2_INTERNAL_BUILD_ _GNU_SOURCE)
  target_compile_options(${name} PRIVATE
      $<$<COMPILE_LANGUAGE:CXX>:${EVENT_INTERNAL_CXX_FLAGS}>
      $<$<COMPILE_LANGUAGE:C>:${EVENT_INTERNAL_C_FLAGS}>)
endfunction()

# event_add_library(<target> MODULES <objlib>... [LINK <lib>...]):
# lib<file>-2.1.so.7 (+ .so.7.0.1, and lib<file>.so for linking) and lib<file>.a.
function(event_add_library target)
  cmake_parse_arguments(L "" "" "MODULES;LINK" ${ARGN})
  set(objects "")
  foreach(m IN LISTS L_MODULES)
    list(APPEND objects $<TARGET_OBJECTS:${m}>)
  endforeach()
  add_library(${target} SHARED ${objects})
  set_target_properties(${target} PROPERTIES
      OUTPUT_NAME ${target}-${EVENT_ABI_RELEASE}
      VERSION ${EVENT_ABI_VERSION}
      SOVERSION ${EVENT_ABI_SOVERSION}
      # Link with the C driver: a stray libstdc++ dependency fails the link.
      LINKER_LANGUAGE C)
  # --no-as-needed (the toolchain's default is --as-needed): each library
  # names its dependencies as the reference does, e.g. extra needs
  # libevent_core even before it uses any of its symbols.
  # -Bsymbolic-functions: our own calls to our exported functions bind
  # inside the library (no PLT hop; a program defining a function of the
  # same name does not redirect the library's internal calls).  relro+now:
  # symbols bound at load time, read-only afterwards, as Debian builds the
  # reference (no lazy binding inside a program's first calls).
  target_link_options(${target} PRIVATE -Wl,-z,defs -Wl,--no-as-needed -Wl,-Bsymbolic-functions
      -Wl,-z,relro -Wl,-z,now -Wl,--version-script=${CMAKE_SOURCE_DIR}/cmake/exports.map)
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${CMAKE_SOURCE_DIR}/cmake/exports.map)
  target_link_libraries(${target} PRIVATE ${L_LINK})
  if(event_core IN_LIST L_LINK)
    # This library calls our core's evpriv_* internals, so it must load our
    # libevent_core, never another one the loader or linker finds first
    # (Debian's has the same SONAME): look beside this file first.
    set_target_properties(${target} PROPERTIES BUILD_RPATH "$ORIGIN" INSTALL_RPATH "$ORIGIN")
  endif()
  target_include_directories(${target} INTERFACE
      $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include>
      $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  # Programs link with -l<file>: provide lib<file>.so next to the library.
  add_custom_command(TARGET ${target} POST_BUILD
      COMMAND ${CMAKE_COMMAND} -E create_symlink $<TARGET_SONAME_FILE_NAME:${target}>
              $<TARGET_FILE_DIR:${target}>/lib${target}.so
      VERBATIM)

  add_library(${target}_static STATIC ${objects})
  set_target_properties(${target}_static PROPERTIES OUTPUT_NAME ${target})
  target_link_libraries(${target}_static INTERFACE ${L_LINK})
  target_include_directories(${target}_static INTERFACE
      $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include>
      $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
endfunction()
