# funcs: the template function maps -- confd's (get*, ls*, json, lookupIP,
# ...), the sprig-style additions, the confd fork's, and the Go values behind
# them (time.Time, encoding/json, YAML, regexp). The only one of golang/,
# template/ and funcs/ that reads the key store.
set(_f ${CMAKE_SOURCE_DIR}/src/funcs)
set(_f_tests ${CMAKE_SOURCE_DIR}/tests/unit/funcs)
confwatch_module(funcs
  SOURCES
    ${_f}/confd.cc
    ${_f}/from_yaml.cc
    ${_f}/json.cc
    ${_f}/net.cc
    ${_f}/regex.cc
    ${_f}/sprig.cc
    ${_f}/sprig_extra.cc
    ${_f}/time.cc
    ${_f}/yaml.cc
    ${_f}/yaml_emit.cc
  TESTS
    ${_f_tests}/confd_test.cc
    ${_f_tests}/json_test.cc
    ${_f_tests}/sprig_test.cc
    ${_f_tests}/sprig_extra_test.cc
    ${_f_tests}/time_test.cc
  DEPS template store golang
)
