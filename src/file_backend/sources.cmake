# The file backend (-backend file): YAML/JSON/TOML data files flattened into
# keys as confd does, and a KeySource that watches them itself.
set(_fb ${CMAKE_SOURCE_DIR}/src/file_backend)
set(_fb_tests ${CMAKE_SOURCE_DIR}/tests/unit/file_backend)
confwatch_module(file_backend
  SOURCES
    # Which events change what is read (ConfigMap "..data" swaps included).
    ${_fb}/data_files.cc
    # Files -> keys: reading and walking, then flattening each document.
    ${_fb}/file_flatten.cc
    ${_fb}/file_source.cc
    # The KeySource: read, watch, deliver what changed.
    ${_fb}/file_key_source.cc
  TESTS
    ${_fb_tests}/data_files_test.cc
    ${_fb_tests}/file_key_source_test.cc
    ${_fb_tests}/file_source_test.cc
  DEPS base golang store watch process daemon ops
)
