# Go text/template in C++: lexer, parser, nodes, values, executor, Go fmt over
# template values, the builtins. Depends only on golang/; the function maps
# are in funcs/.
set(_t ${CMAKE_SOURCE_DIR}/src/template)
set(_u ${CMAKE_SOURCE_DIR}/tests/unit/template)
confwatch_module(template
  SOURCES
    ${_t}/builtins.cc
    ${_t}/exec.cc
    ${_t}/exec_eval.cc
    ${_t}/function.cc
    ${_t}/go_fmt_format.cc
    ${_t}/go_fmt_print.cc
    ${_t}/go_fmt_printf.cc
    ${_t}/json_value.cc
    ${_t}/lexer.cc
    ${_t}/node.cc
    ${_t}/number.cc
    ${_t}/parser.cc
    ${_t}/template.cc
    ${_t}/type.cc
    ${_t}/value.cc
  TESTS
    ${_u}/exec_test.cc
    ${_u}/fmt_test.cc
    ${_u}/lexer_test.cc
    ${_u}/parser_test.cc
    ${_u}/robustness_test.cc
    ${_u}/smoke_test.cc
    ${_u}/test_funcs.cc
    ${_u}/value_test.cc
  DEPS golang
)
