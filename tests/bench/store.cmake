# Key store benchmarks (no etcd needed):
#   store_bench [keys]   100k keys by default: load, memory per key,
#                        gets/getvs/ls over the big prefix and over a small one,
#                        per-event Put/Delete cost, resync.
# Linked against confwatch_core, whose objects the rest of the build compiles
# anyway. With CONFWATCH_MODULE_TESTS=ON it is built from the store module's
# own sources (and its DEPS'), so it does not wait for unrelated modules.
add_executable(store_bench ${CMAKE_SOURCE_DIR}/tests/bench/store_bench.cc)
confwatch_target_setup(store_bench)
if(CONFWATCH_MODULE_TESTS)
  confwatch_module_sources(cw_store_bench_sources store)
  target_sources(store_bench PRIVATE ${cw_store_bench_sources})
  target_link_libraries(store_bench PRIVATE ${CW_THIRD_PARTY})
else()
  target_link_libraries(store_bench PRIVATE confwatch_core)
endif()
