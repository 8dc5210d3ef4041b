#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs the whole ctest
# suite (unit, conformance, integration against a real etcd and nginx, faults).
# Exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${CONFWATCH_BUILD_DIR:-$root/build}"

"$root/tests/install-deps.sh"
"$root/tests/build.sh"
cd "$build"
ctest --output-on-failure --timeout 600 -j "$(nproc 2>/dev/null || echo 2)"
