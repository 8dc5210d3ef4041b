# The key store: sorted keys at a revision, prefix views with confd's memkv
# semantics, Go's path.Match, and the env key source.
confwatch_module(store
  SOURCES
    ${CMAKE_SOURCE_DIR}/src/store/env_source.cc
    ${CMAKE_SOURCE_DIR}/src/store/kv_records.cc
    ${CMAKE_SOURCE_DIR}/src/store/store.cc
    ${CMAKE_SOURCE_DIR}/src/store/toml_prescan.cc
    ${CMAKE_SOURCE_DIR}/src/store/values_cache.cc
    ${CMAKE_SOURCE_DIR}/src/store/view.cc
  TESTS
    ${CMAKE_SOURCE_DIR}/tests/unit/store/env_source_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/store/store_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/store/toml_prescan_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/store/values_cache_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/store/view_test.cc
  DEPS base process golang
)
