# End-to-end tests of the shipped templates/ and of an etcd cluster losing
# members: the confwatch binary (run as a subprocess, so building these builds
# it: see tests/integration/sources.cmake) against real etcd, and nginx -t /
# haproxy -c when they are installed.
confwatch_module(e2e
  INTEGRATION
    ${CMAKE_SOURCE_DIR}/tests/e2e/e2e_support.cc
    ${CMAKE_SOURCE_DIR}/tests/e2e/templates_e2e_test.cc
    ${CMAKE_SOURCE_DIR}/tests/e2e/cluster_e2e_test.cc
  DEPS daemon app etcd store template resource process watch ops
)

# The module binary (CONFWATCH_MODULE_TESTS=ON) execs confwatch too;
# confwatch_integration_tests gets the same dependency in
# tests/integration/sources.cmake.
function(confwatch_e2e_needs_binary)
  if(TARGET e2e_tests AND TARGET confwatch)
    add_dependencies(e2e_tests confwatch)
  endif()
endfunction()
if(CMAKE_VERSION VERSION_GREATER_EQUAL 3.19)
  cmake_language(DEFER CALL confwatch_e2e_needs_binary)
endif()

# The README's first command and every example script, run as a user runs
# them (each starts its own etcd/nginx on free loopback ports and checks its
# own result); they use the confwatch binary of this build.
foreach(script quickstart.sh container/run.sh db-settings/run.sh feature-flags/run.sh for-each/run.sh
        go-micro/run.sh go-zero/run.sh grpc-resolver/run.sh kratos/run.sh openim/run.sh
        spec-server/run.sh)
  add_test(NAME examples/${script} COMMAND bash ${CMAKE_SOURCE_DIR}/examples/${script})
  set_tests_properties(examples/${script} PROPERTIES
    LABELS "integration;examples" TIMEOUT 300
    ENVIRONMENT "CONFWATCH_BUILD_DIR=${CMAKE_BINARY_DIR}")
endforeach()
