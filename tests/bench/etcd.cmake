# etcd client benchmarks (each starts its own etcd through tests/support):
#   etcd_snapshot_bench       paginated snapshot of 100k keys: time, peak RSS
#   etcd_watch_latency_bench  put -> watch event latency on loopback: p50/p99
foreach(bench etcd_snapshot_bench etcd_watch_latency_bench)
  add_executable(${bench} ${CMAKE_SOURCE_DIR}/tests/bench/${bench}.cc ${CW_TEST_SUPPORT})
  confwatch_target_setup(${bench})
  target_link_libraries(${bench} PRIVATE confwatch_core)
endforeach()
