# End-to-end tests of the confwatch binary (run as a subprocess) against a real
# etcd and, when installed, a real nginx. They need the `confwatch` target
# built in the same build dir (CONFWATCH_BINARY_DIR).
confwatch_module(daemon_integration
  INTEGRATION
    ${CMAKE_SOURCE_DIR}/tests/integration/daemon_watch_test.cc
  DEPS daemon app etcd store template resource process watch ops
)
