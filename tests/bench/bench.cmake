# Benchmarks: plain executables, built with the project, never run by ctest
# (speed is measured, not asserted). Each area lists its own in a fragment.
foreach(area etcd store template daemon fleet)
  include(${CMAKE_SOURCE_DIR}/tests/bench/${area}.cmake OPTIONAL)
endforeach()
