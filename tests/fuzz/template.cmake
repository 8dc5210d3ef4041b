# libFuzzer targets for the template engine (configure with CC=clang
# CXX=clang++ -DCONFWATCH_FUZZ=ON; seeds in tests/fuzz/corpus/template):
#   template_parse_fuzzer  any bytes as template text: parse, print trees
#   template_exec_fuzzer   parse, then execute on fixed JSON data with the
#                          typed test functions
# Run: nice -n 19 ./template_exec_fuzzer -max_total_time=600 -timeout=10 \
#        -rss_limit_mb=2048 ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/template
# Built from the funcs module and the modules it depends on (template,
# store, golang, process) only, with the sanitizers, so unrelated modules
# never block fuzzing. The instrumented
# sources are compiled ONCE (cw_fuzz_template_objs) and linked into every
# template fuzzer (json.cmake's too): compiling them per target tripled the
# build on a shared 2-core machine.
confwatch_module_sources(cw_fuzz_sources funcs)
add_library(cw_fuzz_template_objs OBJECT ${cw_fuzz_sources})
confwatch_target_setup(cw_fuzz_template_objs)
target_include_directories(cw_fuzz_template_objs PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit/template)
target_compile_options(cw_fuzz_template_objs PRIVATE -fsanitize=fuzzer,address,undefined -g)
target_link_libraries(cw_fuzz_template_objs PRIVATE ${CW_THIRD_PARTY})
foreach(target template_parse_fuzzer template_exec_fuzzer)
  add_executable(${target} ${CMAKE_SOURCE_DIR}/tests/fuzz/${target}.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/template/test_funcs.cc $<TARGET_OBJECTS:cw_fuzz_template_objs>)
  confwatch_target_setup(${target})
  target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit/template)
  target_compile_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined -g)
  target_link_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${target} PRIVATE ${CW_THIRD_PARTY})
endforeach()
