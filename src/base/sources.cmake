# base: what every other module may use and that needs none of them:
# reading a file and wording an I/O error (file_io), the logging facade, and
# the event queue of the daemon's loop and of exec's supervisor, and whether a
# path confwatch reads commands from is trusted (path_trust).
confwatch_module(base
  SOURCES
    ${CMAKE_SOURCE_DIR}/src/base/event_queue.cc
    ${CMAKE_SOURCE_DIR}/src/base/file_io.cc
    ${CMAKE_SOURCE_DIR}/src/base/logging.cc
    ${CMAKE_SOURCE_DIR}/src/base/path_trust.cc
  TESTS
    ${CMAKE_SOURCE_DIR}/tests/unit/base/file_io_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/base/logging_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/base/path_trust_test.cc
)
add_test(NAME base/layering
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/unit/base/layering_test.sh ${CMAKE_SOURCE_DIR})
