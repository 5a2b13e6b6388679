# .rpc files compiled by our rpcgen (tools/event_rpcgen.py) for the tests:
# tests/rpc/<name>.rpc -> <build>/tests/rpc/<name>.gen.{c,h}.  Test targets
# that need them call event_use_rpc(<target> <name>).
find_package(Python3 COMPONENTS Interpreter REQUIRED)
set(EVENT_RPCGEN ${CMAKE_SOURCE_DIR}/tools/event_rpcgen.py)
set(EVENT_RPC_GEN_DIR ${CMAKE_BINARY_DIR}/tests/rpc)
file(MAKE_DIRECTORY ${EVENT_RPC_GEN_DIR})

file(GLOB rpc_files CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.rpc)
foreach(rpc IN LISTS rpc_files)
  get_filename_component(stem ${rpc} NAME_WE)
  set(out_c ${EVENT_RPC_GEN_DIR}/${stem}.gen.c)
  set(out_h ${EVENT_RPC_GEN_DIR}/${stem}.gen.h)
  add_custom_command(OUTPUT ${out_c} ${out_h}
      COMMAND Python3::Interpreter ${EVENT_RPCGEN} -q ${rpc} ${out_h} ${out_c}
      DEPENDS ${rpc} ${EVENT_RPCGEN}
      COMMENT "rpcgen ${stem}.rpc" VERBATIM)
  add_custom_target(rpcgen_${stem} DEPENDS ${out_c} ${out_h})
endforeach()

# Adds the generated code of tests/rpc/<stem>.rpc to <target>.
# (Callable from any directory, e.g. fuzz/.)
function(event_use_rpc target stem)
  set(dir ${CMAKE_BINARY_DIR}/tests/rpc)
  target_sources(${target} PRIVATE ${dir}/${stem}.gen.c)
  target_include_directories(${target} PRIVATE ${dir})
  add_dependencies(${target} rpcgen_${stem})
endfunction()
