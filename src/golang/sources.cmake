# golang: ports of the parts of Go's standard library that confd's behaviour
# depends on (strconv, unicode/utf8 and case tables, sort.Sort, path and
# path.Match, time.ParseDuration) and of gopkg.in/yaml.v2's scalar
# resolution, byte for byte. Knows nothing of confwatch:
# depends on no other module.
set(_go ${CMAKE_SOURCE_DIR}/src/golang)
set(_go_tests ${CMAKE_SOURCE_DIR}/tests/unit/golang)
confwatch_module(golang
  SOURCES
    ${_go}/duration.cc
    ${_go}/path.cc
    ${_go}/path_match.cc
    ${_go}/strconv.cc
    ${_go}/unicode.cc
    ${_go}/utf8.cc
    ${_go}/utf8_tables.cc
    # gopkg.in/yaml.v2's resolve() of a plain scalar ("1.0", "yes", "0x1F").
    ${_go}/yaml_scalar.cc
  TESTS
    ${_go_tests}/duration_test.cc
    ${_go_tests}/path_match_test.cc
    ${_go_tests}/path_test.cc
    ${_go_tests}/strconv_test.cc
    ${_go_tests}/yaml_scalar_test.cc
)
# Which module may include which (golang <- template <- funcs, ...): a
# wrong-way include fails this test, naming the line.
add_test(NAME module_layering
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/unit/golang/layering_test.sh ${CMAKE_SOURCE_DIR})
