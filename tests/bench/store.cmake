# Key store benchmarks (no etcd needed):
#   store_bench [keys]   100k keys by default: load, memory per key,
#                        gets/getvs/ls over the big prefix and over a small one,
#                        per-event Put/Delete cost, resync.
# Built from the store module's own sources (and its DEPS') so it does not
# wait for the rest of confwatch_core to compile.
confwatch_module_sources(cw_store_bench_sources store)
add_executable(store_bench ${CMAKE_SOURCE_DIR}/tests/bench/store_bench.cc ${cw_store_bench_sources})
confwatch_target_setup(store_bench)
target_link_libraries(store_bench PRIVATE ${CW_THIRD_PARTY})
