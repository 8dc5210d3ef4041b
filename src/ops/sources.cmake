# ops: what an operator sees of a running confwatch -- Prometheus metrics,
# the health/readiness endpoints, systemd notification (logging is in base/).
confwatch_module(ops
  SOURCES
    ${CMAKE_SOURCE_DIR}/src/ops/prometheus_text.cc
    ${CMAKE_SOURCE_DIR}/src/ops/metrics_server.cc
    ${CMAKE_SOURCE_DIR}/src/ops/daemon_metrics.cc
    ${CMAKE_SOURCE_DIR}/src/ops/sd_notify.cc
    ${CMAKE_SOURCE_DIR}/src/ops/systemd_notifier.cc
  TESTS
    ${CMAKE_SOURCE_DIR}/tests/unit/ops/prometheus_text_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/ops/metrics_server_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/ops/daemon_metrics_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/ops/sd_notify_test.cc
  DEPS base process http resource
)
