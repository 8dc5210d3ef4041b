# Shared test fixtures (temp dirs, free ports, real etcd servers and clusters,
# TLS certificates, a strict reader of the Prometheus text /metrics serves),
# included as "tests/support/...". Linked into every test and benchmark binary.
list(APPEND CW_TEST_SUPPORT
  ${CMAKE_SOURCE_DIR}/tests/support/temp_dir.cc
  ${CMAKE_SOURCE_DIR}/tests/support/test_certs.cc
  ${CMAKE_SOURCE_DIR}/tests/support/etcd_test_server.cc
  ${CMAKE_SOURCE_DIR}/tests/support/prometheus_text_check.cc)
