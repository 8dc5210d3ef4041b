# libFuzzer target for Helm's fromYaml/toYaml (configure with CC=clang
# CXX=clang++ -DCONFWATCH_FUZZ=ON; seeds in tests/fuzz/corpus/yaml):
#   yaml_fuzzer  any bytes as the YAML text of {{fromYaml .}}, then
#                toYaml of the result and fromYaml of that again
# Run: nice -n 19 ./yaml_fuzzer -max_total_time=600 -timeout=10 \
#        -rss_limit_mb=2048 ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/yaml
# Links the template fuzzers' instrumented objects (template.cmake).
if(TARGET cw_fuzz_template_objs)
  add_executable(yaml_fuzzer ${CMAKE_SOURCE_DIR}/tests/fuzz/yaml_fuzzer.cc
    $<TARGET_OBJECTS:cw_fuzz_template_objs>)
  confwatch_target_setup(yaml_fuzzer)
  target_compile_options(yaml_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined -g)
  target_link_options(yaml_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(yaml_fuzzer PRIVATE ${CW_THIRD_PARTY})
endif()
