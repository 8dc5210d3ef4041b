# The template function map (confd's functions and the sprig-style
# additions), included by src/template/sources.cmake.
list(APPEND TEMPLATE_FUNC_SOURCES
  ${CMAKE_SOURCE_DIR}/src/template/funcs_confd.cc
  ${CMAKE_SOURCE_DIR}/src/template/funcs_json.cc
  ${CMAKE_SOURCE_DIR}/src/template/funcs_net.cc
  ${CMAKE_SOURCE_DIR}/src/template/funcs_regex.cc
  ${CMAKE_SOURCE_DIR}/src/template/funcs_sprig.cc
  ${CMAKE_SOURCE_DIR}/src/template/funcs_sprig_extra.cc
  ${CMAKE_SOURCE_DIR}/src/template/funcs_time.cc
  ${CMAKE_SOURCE_DIR}/src/template/funcs_yaml.cc
)
list(APPEND TEMPLATE_FUNC_TESTS
  ${CMAKE_SOURCE_DIR}/tests/unit/template/funcs_confd_test.cc
  ${CMAKE_SOURCE_DIR}/tests/unit/template/funcs_json_test.cc
  ${CMAKE_SOURCE_DIR}/tests/unit/template/funcs_sprig_test.cc
  ${CMAKE_SOURCE_DIR}/tests/unit/template/funcs_sprig_extra_test.cc
  ${CMAKE_SOURCE_DIR}/tests/unit/template/funcs_time_test.cc
)
