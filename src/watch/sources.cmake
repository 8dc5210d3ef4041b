# inotify-based directory watching (confdir; the file backend's data files).
confwatch_module(watch
  SOURCES ${CMAKE_SOURCE_DIR}/src/watch/dir_watcher.cc
  TESTS ${CMAKE_SOURCE_DIR}/tests/unit/watch/dir_watcher_test.cc
  DEPS process
)
