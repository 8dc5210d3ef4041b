# Shared test fixtures (temp dirs, free ports, real etcd servers and clusters,
# TLS certificates, a strict reader of the Prometheus text /metrics serves),
# included as "tests/support/...". Linked into every test and benchmark binary.
list(APPEND CW_TEST_SUPPORT
  ${CMAKE_SOURCE_DIR}/tests/support/build_paths.cc
  ${CMAKE_SOURCE_DIR}/tests/support/temp_dir.cc
  ${CMAKE_SOURCE_DIR}/tests/support/test_certs.cc
  ${CMAKE_SOURCE_DIR}/tests/support/etcd_test_server.cc
  ${CMAKE_SOURCE_DIR}/tests/support/prometheus_text_check.cc
  # The FileSystem fake: the resource and daemon unit tests use it, and the
  # TSan step builds the daemon's tests without the resource module's.
  ${CMAKE_SOURCE_DIR}/tests/unit/resource/fake_file_system.cc)
# The build's own paths reach the tests through this one file (build_paths.h).
set_source_files_properties(${CMAKE_SOURCE_DIR}/tests/support/build_paths.cc PROPERTIES
  COMPILE_DEFINITIONS
  "CW_BUILD_PATHS_BINARY_DIR=\"${CMAKE_BINARY_DIR}\";CW_BUILD_PATHS_SOURCE_DIR=\"${CMAKE_SOURCE_DIR}\"")
