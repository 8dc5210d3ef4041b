# The packaging test (ctest label `packaging`): builds the .deb and the
# tarball from an already-built tree and checks them; see packaging.sh.
# Included from cmake/install.cmake. Needs dpkg-dev, lintian, groff-base,
# man-db (tests/install-deps.sh).
if(TARGET confwatch)
  add_test(NAME packaging
    COMMAND ${CMAKE_SOURCE_DIR}/tests/packaging/packaging.sh ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR})
  # Runs cpack (11 s) and lintian (15 s) on this 2-core machine.
  set_tests_properties(packaging PROPERTIES LABELS packaging TIMEOUT 300)
endif()
