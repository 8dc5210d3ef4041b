#!/usr/bin/env bash
# Builds the Debian package and the release tarball into build/packages/:
#   confwatch_<version>_<arch>.deb and confwatch-<version>-Linux.tar.gz
# Idempotent: configures (which refreshes the commit --version prints),
# builds the confwatch binary if anything changed, then runs cpack. Needs
# dpkg-dev (dpkg-shlibdeps computes Depends). CONFWATCH_BUILD_DIR picks
# another build directory; extra arguments go to cmake's configure step.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${CONFWATCH_BUILD_DIR:-$root/build}"
jobs="$(nproc 2>/dev/null || echo 2)"
if [ ! -f "$build/CMakeCache.txt" ]; then
  set -- -DCMAKE_BUILD_TYPE=Release -DCONFWATCH_BENCH=OFF "$@"
fi
cmake -S "$root" -B "$build" "$@" >/dev/null
cmake --build "$build" -j "$jobs" --target confwatch
rm -f "$build"/packages/confwatch[-_]*.{deb,tar.gz}
(cd "$build" && cpack -G "DEB;TGZ" >/dev/null)
ls -1 "$build"/packages/confwatch[-_]*.{deb,tar.gz}
