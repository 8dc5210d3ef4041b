# Daemon benchmark: the confwatch binary against a real etcd (README table).
#   daemon_bench [--keys 100,10000,100000] [--changes 200] [--resources 1] [--burst 300]
add_executable(daemon_bench ${CMAKE_SOURCE_DIR}/tests/bench/daemon_bench.cc ${CW_TEST_SUPPORT})
confwatch_target_setup(daemon_bench)
target_compile_definitions(daemon_bench PRIVATE CONFWATCH_BINARY_DIR="${CMAKE_BINARY_DIR}")
target_link_libraries(daemon_bench PRIVATE confwatch_core)
if(TARGET confwatch)
  add_dependencies(daemon_bench confwatch)
endif()
