# etcd v3 gRPC client: endpoints, range, watch stream, lease, auth, TLS.
confwatch_module(etcd
  INTEGRATION
    ${CMAKE_SOURCE_DIR}/tests/integration/etcd_fixture_test.cc
)
