# The TSan report triage tests/sanitize/run.sh relies on
# (tsan_triage.awk), checked on recorded reports in every build.
add_test(NAME sanitize/tsan_triage COMMAND bash ${CMAKE_SOURCE_DIR}/tests/sanitize/tsan_triage_test.sh)
set_tests_properties(sanitize/tsan_triage PROPERTIES LABELS unit)
