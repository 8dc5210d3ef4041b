# End-to-end tests of the confwatch binary (run as a subprocess) against a real
# etcd and, when installed, a real nginx. They need the `confwatch` target
# built in the same build dir (CONFWATCH_BINARY_DIR).
confwatch_module(daemon_integration
  INTEGRATION
    ${CMAKE_SOURCE_DIR}/tests/integration/daemon_cli_test.cc
    ${CMAKE_SOURCE_DIR}/tests/integration/daemon_consistency_test.cc
    ${CMAKE_SOURCE_DIR}/tests/integration/daemon_file_backend_test.cc
    ${CMAKE_SOURCE_DIR}/tests/integration/daemon_for_each_test.cc
    ${CMAKE_SOURCE_DIR}/tests/integration/daemon_ops_test.cc
    ${CMAKE_SOURCE_DIR}/tests/integration/daemon_watch_test.cc
    ${CMAKE_SOURCE_DIR}/tests/integration/daemon_security_test.cc
    ${CMAKE_SOURCE_DIR}/tests/integration/daemon_secrets_test.cc
    ${CMAKE_SOURCE_DIR}/tests/integration/daemon_recovery_test.cc
    ${CMAKE_SOURCE_DIR}/tests/integration/srv_discovery_test.cc
  FAULTS
    ${CMAKE_SOURCE_DIR}/tests/integration/consistency_property_test.cc
    ${CMAKE_SOURCE_DIR}/tests/integration/faults_test.cc
    ${CMAKE_SOURCE_DIR}/tests/integration/faults_cluster_test.cc
    ${CMAKE_SOURCE_DIR}/tests/integration/faults_load_test.cc
  DEPS daemon app etcd store template resource process watch ops
)

# The tests exec the confwatch binary: building a test binary builds it too.
# Deferred because the targets are created after this fragment is included.
function(confwatch_daemon_integration_needs_binary)
  foreach(t confwatch_integration_tests confwatch_fault_tests daemon_integration_tests)
    if(TARGET ${t} AND TARGET confwatch)
      add_dependencies(${t} confwatch)
    endif()
  endforeach()
endfunction()
if(CMAKE_VERSION VERSION_GREATER_EQUAL 3.19)
  cmake_language(DEFER CALL confwatch_daemon_integration_needs_binary)
endif()
