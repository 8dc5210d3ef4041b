#!/usr/bin/env bash
# Configures and builds confwatch into ./build (Release). Extra arguments go to
# cmake's configure step, e.g. -DCONFWATCH_SANITIZE=address,undefined.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${CONFWATCH_BUILD_DIR:-$root/build}"
jobs="$(nproc 2>/dev/null || echo 2)"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -j "$jobs"
