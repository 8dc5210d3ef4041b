# base: what every other module may use and that needs none of them --
# the logging facade.
confwatch_module(base
  SOURCES
    ${CMAKE_SOURCE_DIR}/src/base/logging.cc
  TESTS
    ${CMAKE_SOURCE_DIR}/tests/unit/base/logging_test.cc
)
