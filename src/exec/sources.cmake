# exec: exec mode (confwatch as a container entrypoint supervising a child
# program) and orphan reaping when PID 1 or -subreaper.
set(_exec ${CMAKE_SOURCE_DIR}/src/exec)
confwatch_module(exec
  SOURCES
    ${_exec}/exec_policy.cc
    ${_exec}/posix_child.cc
    ${_exec}/reaper.cc
    ${_exec}/supervisor.cc
  TESTS
    ${CMAKE_SOURCE_DIR}/tests/unit/exec/exec_policy_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/exec/posix_child_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/exec/reaper_test.cc
  INTEGRATION
    ${CMAKE_SOURCE_DIR}/tests/integration/exec_mode_test.cc
    ${CMAKE_SOURCE_DIR}/tests/integration/exec_pid1_test.cc
  # base for EventQueue, process for children and signals; etcd and http for
  # the integration tests.
  DEPS base process etcd http
)
