# libFuzzer targets for the resource module, built from the module's own
# sources (and its DEPS) instrumented for coverage, so a half-written module
# elsewhere never blocks them:
#   resource_toml_fuzz  any bytes as a [template] file: a resource or an
#                       InvalidArgument naming the file, never a crash or an
#                       escaped toml11 exception
#   resource_diff_fuzz  any two texts: UnifiedDiff never crashes, is "" only
#                       for equal texts
# Run: ./resource_toml_fuzz -max_total_time=60 ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/resource
confwatch_module_sources(_res_fuzz_sources resource)
foreach(target resource_toml_fuzz resource_diff_fuzz)
  add_executable(${target} ${CMAKE_SOURCE_DIR}/tests/fuzz/${target}.cc ${_res_fuzz_sources})
  confwatch_target_setup(${target})
  target_compile_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined -g)
  target_link_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${target} PRIVATE ${CW_THIRD_PARTY})
endforeach()
