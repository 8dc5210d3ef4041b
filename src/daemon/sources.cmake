# The daemon: dependency index, scheduler, event loop, modes.
confwatch_module(daemon
  SOURCES
    ${CMAKE_SOURCE_DIR}/src/daemon/clock.cc
    ${CMAKE_SOURCE_DIR}/src/daemon/daemon.cc
    ${CMAKE_SOURCE_DIR}/src/daemon/dependency_index.cc
    ${CMAKE_SOURCE_DIR}/src/daemon/etcd_key_source.cc
    ${CMAKE_SOURCE_DIR}/src/daemon/install_worker.cc
    ${CMAKE_SOURCE_DIR}/src/daemon/env_key_source.cc
    ${CMAKE_SOURCE_DIR}/src/daemon/reload_coalescer.cc
    ${CMAKE_SOURCE_DIR}/src/daemon/resource_set.cc
    ${CMAKE_SOURCE_DIR}/src/daemon/scheduler.cc
    ${CMAKE_SOURCE_DIR}/src/daemon/template_cache.cc
  TESTS
    ${CMAKE_SOURCE_DIR}/tests/unit/daemon/covering_groups_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/daemon/daemon_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/daemon/dependency_index_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/daemon/hostile_input_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/daemon/install_worker_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/daemon/install_worker_threads_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/daemon/reload_coalescer_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/daemon/resource_set_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/daemon/scheduler_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/daemon/template_cache_test.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/daemon/timer_test.cc
  DEPS base store template funcs resource process watch etcd ops
)
