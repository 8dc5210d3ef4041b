#!/usr/bin/env bash
# Builds confwatch and its test binaries with sanitizers and runs the unit and
# integration tests under them (a step of tests/run.sh):
#   tests/sanitize/run.sh asan   AddressSanitizer + UndefinedBehaviorSanitizer  (build-asan/)
#   tests/sanitize/run.sh tsan   ThreadSanitizer                                (build-tsan/)
# Every sanitized process, including the confwatch binaries the integration
# tests start, writes its reports under <build>/sanitizer-reports/; the step
# fails when a test fails or when any report was written. Zero reports is the
# bar; suppressions (tests/sanitize/*.supp) cover only uninstrumented system
# libraries and say why, and a TSan race that no suppression can name because
# TSan lost a stack is let through only when tsan_triage.awk shows it lies
# wholly inside such a library (memory it allocated, no frame of ours).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
kind="${1:?usage: tests/sanitize/run.sh asan|tsan}"
jobs="$(nproc 2>/dev/null || echo 2)"

# ThreadSanitizer only finds races where threads meet: its unit-test binary
# holds the tests of the modules that run threads (the gRPC reader and
# keepalive threads, the event loop, the install worker, the supervisor,
# reaper and registrar, the HTTP server, command runners); the
# single-threaded golang, template, funcs, store, resource and app tests
# run under ASan+UBSan only. The integration tests run under both.
tsan_unit_modules="daemon;etcd;exec;file_backend;http;ops;process;register;watch"
case "$kind" in
  asan) sanitize="address,undefined"; unit_modules="" ;;
  tsan) sanitize="thread"; unit_modules="$tsan_unit_modules" ;;
  *) echo "tests/sanitize/run.sh: unknown sanitizer '$kind' (asan or tsan)" >&2; exit 2 ;;
esac
build="${CONFWATCH_SANITIZE_BUILD_DIR:-$root/build-$kind}"
reports="$build/sanitizer-reports"

source "$root/tests/ccache.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCONFWATCH_SANITIZE="$sanitize" \
  -DCONFWATCH_BENCH=OFF -DCONFWATCH_UNIT_TEST_MODULES="$unit_modules" "${CW_LAUNCHER[@]}" >/dev/null
cmake --build "$build" -j "$jobs" --target confwatch confwatch_tests confwatch_integration_tests

if [ "$kind" = tsan ]; then
  # Every abseil synchronization call of ours must go through a wrapper of
  # tsan_absl_sync.cc, or TSan would report the fields it guards as races:
  # each such undefined symbol (constructors and destructors aside) needs a
  # __wrap_ twin defined in the same binary.
  unwrapped=""
  for bin in "$build/confwatch" "$build/confwatch_tests" "$build/confwatch_integration_tests"; do
    used="$(nm --undefined-only "$bin" | awk '{print $2}' |
      grep -E '^_ZNK?4absl[0-9]+[a-z0-9_]+(5Mutex|12Notification|7CondVar|7Barrier|15BlockingCounter)' |
      grep -vE '(5Mutex|12Notification|7CondVar|7Barrier|15BlockingCounter)(C[12]|D[012])E' | sort -u || true)"
    wrapped="$(nm --defined-only "$bin" | awk '$3 ~ /^__wrap_/ {print substr($3, 8)}' | sort -u)"
    unwrapped+="$(comm -23 <(echo "$used") <(echo "$wrapped") | sed '/^$/d')"$'\n'
  done
  unwrapped="$(echo "$unwrapped" | sed '/^$/d' | sort -u)"
  if [ -n "$unwrapped" ]; then
    echo "sanitize (tsan): abseil synchronization without a TSan wrapper (add it to tests/sanitize/tsan_absl_sync.cc and sanitize.cmake):" >&2
    echo "$unwrapped" | c++filt >&2
    exit 1
  fi
fi

rm -rf "$reports"
mkdir -p "$reports"
supp="$root/tests/sanitize"
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="log_path=$reports/tsan:suppressions=$supp/tsan.supp:print_suppressions=0:second_deadlock_stack=1:history_size=7:exitcode=0"
# exitcode=0: a test whose process wrote a TSan report does not fail for the
# report alone; every report is in $reports and is judged below (ours fails
# the step, a race inside an uninstrumented library is shown). Without it a
# library-internal report still failed the test that passed (EtcdTls.
# WithoutTheCaTheHandshakeFailsClearly: "[  PASSED  ]", exit code 66).
# history_size=7 (the most): a race inside uninstrumented gRPC/OpenSSL is
# suppressed by a frame of that library in either stack, and with less
# history TSan sometimes cannot restore the earlier access's stack, leaving
# only libstdc++ frames that no suppression may name (seen in the refused
# TLS handshake of SecureEtcdTest.WithoutTheClientCertificate...).
# Sanitized code runs several times slower; the tests' own deadlines stay as
# they are, ctest's per-test limit is raised.
cd "$build"
status=0
ctest --output-on-failure --timeout 900 -j "$jobs" -L "unit|integration" -LE examples || status=$?

found=()
for f in $(find "$reports" -type f | sort); do
  # A TSan file whose every report is a race inside an uninstrumented
  # library (tsan_triage.awk says exactly when) is shown, not counted.
  case "$(basename "$f")" in
    tsan.*)
      if ! awk -f "$supp/tsan_triage.awk" "$f" | grep -qv '^library$'; then
        echo "sanitize ($kind): not counted, a race inside an uninstrumented library ($f):" >&2
        head -60 "$f" >&2
        continue
      fi ;;
  esac
  found+=("$f")
done
if [ "${#found[@]}" -gt 0 ]; then
  echo "sanitize ($kind): reports were written:" >&2
  for f in "${found[@]}"; do echo "== $f" >&2; head -60 "$f" >&2; done
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "sanitize ($kind): FAILED" >&2
  exit "$status"
fi
echo "sanitize ($kind): all tests passed, no reports"
