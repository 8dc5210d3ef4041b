# libFuzzer targets for the template engine (configure with CC=clang
# CXX=clang++ -DCONFWATCH_FUZZ=ON; seeds in tests/fuzz/corpus/template):
#   template_parse_fuzzer  any bytes as template text: parse, print trees
#   template_exec_fuzzer   parse, then execute on fixed JSON data with the
#                          typed test functions
# Run: ./template_exec_fuzzer -max_total_time=300 -timeout=10 \
#        ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/template
# Built from the template (and store) module sources only, with the
# sanitizers, so unrelated modules never block fuzzing.
get_property(cw_fuzz_sources GLOBAL PROPERTY CW_SOURCES_template)
get_property(cw_fuzz_deps GLOBAL PROPERTY CW_DEPS_template)
foreach(dep ${cw_fuzz_deps})
  get_property(ds GLOBAL PROPERTY CW_SOURCES_${dep})
  list(APPEND cw_fuzz_sources ${ds})
endforeach()
foreach(target template_parse_fuzzer template_exec_fuzzer)
  add_executable(${target} ${CMAKE_SOURCE_DIR}/tests/fuzz/${target}.cc
    ${CMAKE_SOURCE_DIR}/tests/unit/template/test_funcs.cc ${cw_fuzz_sources})
  confwatch_target_setup(${target})
  target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit/template)
  target_compile_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined -g)
  target_link_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${target} PRIVATE ${CW_THIRD_PARTY})
endforeach()
