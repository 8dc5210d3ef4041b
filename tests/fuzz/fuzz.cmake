# libFuzzer targets; configure with CC=clang CXX=clang++ -DCONFWATCH_FUZZ=ON.
foreach(area template resource json yaml http)
  include(${CMAKE_SOURCE_DIR}/tests/fuzz/${area}.cmake OPTIONAL)
endforeach()
