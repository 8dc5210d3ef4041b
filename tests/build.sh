#!/usr/bin/env bash
# Configures and builds confwatch into ./build (Release), through ccache when it
# is installed (tests/ccache.sh). Extra arguments go to cmake's configure step,
# e.g. -DCONFWATCH_STATIC=OFF.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${CONFWATCH_BUILD_DIR:-$root/build}"
jobs="$(nproc 2>/dev/null || echo 2)"
source "$root/tests/ccache.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "${CW_LAUNCHER[@]}" "$@" >/dev/null
cmake --build "$build" -j "$jobs"
