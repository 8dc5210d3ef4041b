#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs the whole ctest
# suite (unit, conformance, integration against a real etcd and nginx, faults,
# examples); then builds the unit and integration tests again under
# AddressSanitizer+UndefinedBehaviorSanitizer and under ThreadSanitizer and
# runs them (tests/sanitize/run.sh; CONFWATCH_SANITIZERS=0 skips that step).
# Exits non-zero on any failure or sanitizer report.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${CONFWATCH_BUILD_DIR:-$root/build}"

"$root/tests/install-deps.sh"
"$root/tests/build.sh"
cd "$build"
ctest --output-on-failure --timeout 600 -j "$(nproc 2>/dev/null || echo 2)"

if [ "${CONFWATCH_SANITIZERS:-1}" != "0" ]; then
  "$root/tests/sanitize/run.sh" asan
  "$root/tests/sanitize/run.sh" tsan
fi
