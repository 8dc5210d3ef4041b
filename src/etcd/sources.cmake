# etcd v3 gRPC client: endpoints, range, watch stream, lease, auth, TLS.
confwatch_module(etcd
  SOURCES
    ${CMAKE_SOURCE_DIR}/src/etcd/backoff.cc
    ${CMAKE_SOURCE_DIR}/src/etcd/connection.cc
    ${CMAKE_SOURCE_DIR}/src/etcd/endpoint.cc
    ${CMAKE_SOURCE_DIR}/src/etcd/etcd_client.cc
    ${CMAKE_SOURCE_DIR}/src/etcd/etcd_errors.cc
    ${CMAKE_SOURCE_DIR}/src/etcd/key_range.cc
    ${CMAKE_SOURCE_DIR}/src/etcd/lease_keeper.cc
    ${CMAKE_SOURCE_DIR}/src/etcd/range_page.cc
    ${CMAKE_SOURCE_DIR}/src/etcd/watch_set.cc
    ${CMAKE_SOURCE_DIR}/src/etcd/watcher.cc
  TESTS
    ${CMAKE_SOURCE_DIR}/tests/unit/etcd/backoff_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/etcd/endpoint_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/etcd/etcd_errors_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/etcd/key_range_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/etcd/range_page_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/etcd/watch_set_test.cc
  INTEGRATION
    ${CMAKE_SOURCE_DIR}/tests/integration/etcd_client_test.cc
    ${CMAKE_SOURCE_DIR}/tests/integration/etcd_failover_test.cc
    ${CMAKE_SOURCE_DIR}/tests/integration/etcd_fixture_test.cc
    ${CMAKE_SOURCE_DIR}/tests/integration/etcd_security_test.cc
    ${CMAKE_SOURCE_DIR}/tests/integration/etcd_watch_test.cc
  DEPS base process
)
