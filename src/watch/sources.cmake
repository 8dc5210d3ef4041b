# inotify-based directory watching (confdir, file sources).
confwatch_module(watch
  SOURCES ${CMAKE_SOURCE_DIR}/src/watch/dir_watcher.cc
          ${CMAKE_SOURCE_DIR}/src/watch/data_files.cc
  TESTS ${CMAKE_SOURCE_DIR}/tests/unit/watch/dir_watcher_test.cc
        ${CMAKE_SOURCE_DIR}/tests/unit/watch/data_files_test.cc
  DEPS process
)
