#!/usr/bin/env bash
# Checks tests/sanitize/tsan_triage.awk on recorded reports (testdata/): the
# one race it may call library-internal, and the reports it must leave ours.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
fail=0
expect() {
  local file="$1" want="$2" got
  got="$(awk -f "$here/tsan_triage.awk" "$here/testdata/$file" | tr '\n' ' ' | sed 's/ $//')"
  if [ "$got" = "$want" ]; then
    echo "ok   $file: $got"
  else
    echo "FAIL $file: got '$got', want '$want'"
    fail=1
  fi
}
# Seen in CI (EtcdTls.WithoutTheCaTheHandshakeFailsClearly): a gRPC thread
# copies a string of gRPC's channel args; the writer's stack is lost.
expect tsan-grpc-internal.txt library
# The same race with one frame of ours in an access stack.
expect tsan-our-frame-in-access.txt ours
# The same race on memory our code allocated.
expect tsan-our-allocation.txt ours
# Only data races are ever library-internal.
expect tsan-lock-order.txt ours
# Each report of a file on its own.
expect tsan-two-reports.txt "library ours"
exit "$fail"
