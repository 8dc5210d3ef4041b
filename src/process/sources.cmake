# process: running check/reload commands, signalling by pid file, and the
# table that lets an orphan reaper coexist with our own waits.
confwatch_module(process
  SOURCES
    ${CMAKE_SOURCE_DIR}/src/process/bounded_output.cc
    ${CMAKE_SOURCE_DIR}/src/process/errno_text.cc
    ${CMAKE_SOURCE_DIR}/src/process/file_path.cc
    ${CMAKE_SOURCE_DIR}/src/process/posix_command_runner.cc
    ${CMAKE_SOURCE_DIR}/src/process/process_table.cc
    ${CMAKE_SOURCE_DIR}/src/process/signals.cc
  TESTS
    ${CMAKE_SOURCE_DIR}/tests/unit/process/bounded_output_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/process/errno_text_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/process/file_path_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/process/posix_command_runner_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/process/process_table_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/process/signals_test.cc
  DEPS base  # errno_text_test checks ErrnoText against IoError
)
