# The docs check (ctest label `docs`, a few seconds): README.md, docs/*.md and
# the man page against the built confwatch binary and the sources; see
# tests/docs/check_docs.py. Included from CMakeLists.txt after the binary.
if(TARGET confwatch)
  add_test(NAME docs/check_docs
    COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/docs/check_docs.py
            ${CMAKE_SOURCE_DIR} $<TARGET_FILE:confwatch>)
  set_tests_properties(docs/check_docs PROPERTIES LABELS "docs" TIMEOUT 120)
endif()
