# Daemon benchmark: the confwatch binary against a real etcd (README table).
#   daemon_bench [--keys 100,10000,100000] [--changes 200] [--resources 1] [--burst 300]
add_executable(daemon_bench ${CMAKE_SOURCE_DIR}/tests/bench/daemon_bench.cc ${CW_TEST_SUPPORT})
confwatch_target_setup(daemon_bench)
target_compile_definitions(daemon_bench PRIVATE CONFWATCH_BINARY_DIR="${CMAKE_BINARY_DIR}")
target_link_libraries(daemon_bench PRIVATE confwatch_core)
if(TARGET confwatch)
  add_dependencies(daemon_bench confwatch)
endif()
# 1M keys under one prefix (issue 21): confwatch's load + first render and peak
# RSS next to etcd serving the same Range to a bare reader.
#   million_keys_bench [--keys 1000000] [--runs 3] [--cache DIR] [--wrapper CMD]
add_executable(million_keys_bench ${CMAKE_SOURCE_DIR}/tests/bench/million_keys_bench.cc ${CW_TEST_SUPPORT})
confwatch_target_setup(million_keys_bench)
target_compile_definitions(million_keys_bench PRIVATE CONFWATCH_BINARY_DIR="${CMAKE_BINARY_DIR}")
target_link_libraries(million_keys_bench PRIVATE confwatch_core)
if(TARGET confwatch)
  add_dependencies(million_keys_bench confwatch)
endif()

# Install floor: the system calls of one atomic install of daemon_bench's file
# (stage, write, fsync, rename, fsync dir), nothing else; the floor
# daemon_bench's change latency is compared with (docs/benchmarks.md, "The install floor").
#   install_floor_bench [--keys 100,10000,100000] [--iterations 200] [--out-dir DIR]
add_executable(install_floor_bench ${CMAKE_SOURCE_DIR}/tests/bench/install_floor_bench.cc
               ${CW_TEST_SUPPORT})
confwatch_target_setup(install_floor_bench)
target_link_libraries(install_floor_bench PRIVATE confwatch_core)
