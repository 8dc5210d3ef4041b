# libFuzzer target for Go's encoding/json as the template functions use it
# (configure with CC=clang CXX=clang++ -DCONFWATCH_FUZZ=ON; seeds in
# tests/fuzz/corpus/json):
#   json_fuzzer  any bytes decoded as confd's json/jsonArray and sprig's
#                fromJson, round-tripped through toJson, and rendered by
#                {{fromJson .}} and {{range json .}}
# Run: nice -n 19 ./json_fuzzer -max_total_time=600 -rss_limit_mb=2048 \
#        ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/json
# Links the template fuzzers' instrumented objects (template.cmake).
if(TARGET cw_fuzz_template_objs)
  add_executable(json_fuzzer ${CMAKE_SOURCE_DIR}/tests/fuzz/json_fuzzer.cc
    $<TARGET_OBJECTS:cw_fuzz_template_objs>)
  confwatch_target_setup(json_fuzzer)
  target_compile_options(json_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined -g)
  target_link_options(json_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(json_fuzzer PRIVATE ${CW_THIRD_PARTY})
endif()
