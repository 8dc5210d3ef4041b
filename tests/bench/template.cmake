# Template engine benchmarks:
#   template_bench   {{range getvs "/svc/*"}}server {{.}};{{end}} over 100k keys
#                    (engine alone and through the real store + confd getvs):
#                    time per render and peak RSS.
# With CONFWATCH_MODULE_TESTS=ON it is built from the funcs module and the
# modules it depends on only, so unrelated half-written modules do not block
# it.
if(CONFWATCH_MODULE_TESTS)
  confwatch_module_sources(cw_bench_sources funcs)
  add_executable(template_bench ${CMAKE_SOURCE_DIR}/tests/bench/template_bench.cc
    ${cw_bench_sources})
  confwatch_target_setup(template_bench)
  target_link_libraries(template_bench PRIVATE ${CW_THIRD_PARTY})
else()
  add_executable(template_bench ${CMAKE_SOURCE_DIR}/tests/bench/template_bench.cc)
  confwatch_target_setup(template_bench)
  target_link_libraries(template_bench PRIVATE confwatch_core)
endif()
