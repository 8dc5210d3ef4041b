# Go text/template in C++: lexer, parser, executor, Go fmt, builtins.
# The confd/sprig function maps (funcs_confd.*, funcs_sprig.*) are owned by
# another helper, who lists them in funcs.cmake (TEMPLATE_FUNC_SOURCES /
# TEMPLATE_FUNC_TESTS).
# CONFWATCH_TEMPLATE_FUNCS=OFF builds the engine alone (development of the
# engine while the function map is being edited).
option(CONFWATCH_TEMPLATE_FUNCS "Include the confd/sprig function map" ON)
set(_template_deps golang)
if(CONFWATCH_TEMPLATE_FUNCS)
  list(APPEND _template_deps store)  # confd's get*/ls*/exists read a StoreView
endif()
set(TEMPLATE_FUNC_SOURCES "")
set(TEMPLATE_FUNC_TESTS "")
if(CONFWATCH_TEMPLATE_FUNCS)
  include(${CMAKE_SOURCE_DIR}/src/template/funcs.cmake OPTIONAL)
endif()
# The working tree is shared while helpers edit it: a listed file that is not
# there yet is reported and skipped instead of breaking everyone's configure.
foreach(_list TEMPLATE_FUNC_SOURCES TEMPLATE_FUNC_TESTS)
  set(_present "")
  foreach(_f ${${_list}})
    if(EXISTS ${_f})
      list(APPEND _present ${_f})
    else()
      message(WARNING "src/template/funcs.cmake lists ${_f}, which does not exist; skipped")
    endif()
  endforeach()
  set(${_list} ${_present})
endforeach()

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
    ${TEMPLATE_FUNC_SOURCES}
  TESTS
    ${_u}/exec_test.cc
    ${_u}/fmt_test.cc
    ${_u}/lexer_test.cc
    ${_u}/parser_test.cc
    ${_u}/robustness_test.cc
    ${_u}/smoke_test.cc
    ${_u}/test_funcs.cc
    ${_u}/value_test.cc
    ${TEMPLATE_FUNC_TESTS}
  DEPS ${_template_deps}
)
