# ops: what an operator sees of a running confwatch -- logging (and later
# metrics and the health endpoint).
confwatch_module(ops
  SOURCES
    ${CMAKE_SOURCE_DIR}/src/ops/logging.cc
  TESTS
    ${CMAKE_SOURCE_DIR}/tests/unit/ops/logging_test.cc
)
