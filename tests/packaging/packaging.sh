#!/usr/bin/env bash
# The packaging test: from an already-built tree (build/confwatch), builds
# the .deb and the tarball with cpack into a temp dir and checks what a user
# gets: the contents, the conffiles, the maintainer scripts, Depends, lintian,
# the extracted binary's --version and -check-config on the shipped /etc
# skeleton, the man page, the tarball against `cmake --install`, and what
# examples/container/Dockerfile copies and installs. Changes nothing outside
# its temp dir. Usage: packaging.sh <source dir> <build dir>
set -euo pipefail
src="$(cd "$1" && pwd)"
build="$(cd "$2" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
step() { echo "== $*"; }

[ -x "$build/confwatch" ] || { echo "packaging.sh: build $build/confwatch first" >&2; exit 1; }
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")"
arch="$(dpkg --print-architecture)"

step "cpack -G DEB;TGZ"
(cd "$tmp" && cpack --config "$build/CPackConfig.cmake" -B "$tmp/out" -G "DEB;TGZ" >"$tmp/cpack.log" 2>&1) \
  || { cat "$tmp/cpack.log" >&2; fail "cpack"; exit 1; }
deb="$tmp/out/confwatch_${version}_${arch}.deb"
tgz="$tmp/out/confwatch-${version}-Linux.tar.gz"
[ -f "$deb" ] || fail "no $(basename "$deb"): $(ls "$tmp/out")"
[ -f "$tgz" ] || fail "no $(basename "$tgz"): $(ls "$tmp/out")"

step "contents of the .deb"
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|; s|/$||' | grep . | sort >"$tmp/deb.list"
for path in /usr/bin/confwatch /usr/share/man/man1/confwatch.1.gz \
    /lib/systemd/system/confwatch.service /usr/share/doc/confwatch/README.md \
    /usr/share/doc/confwatch/changelog.gz \
    /usr/share/doc/confwatch/examples/templates/nginx-go-micro/nginx-go-micro.toml \
    /usr/share/lintian/overrides/confwatch \
    /etc/confwatch/confwatch.toml /etc/confwatch/conf.d /etc/confwatch/templates; do
  grep -qxF "$path" "$tmp/deb.list" || fail ".deb lacks $path"
done
# Nothing outside the tree Debian expects (no /usr/etc, /usr/local, /usr/lib/systemd).
grep -vE '^/(etc(/confwatch.*)?|lib(/systemd(/system(/confwatch\.service)?)?)?|usr(/bin(/confwatch)?|/share(/(doc|man|lintian)(/.*)?)?)?)?$' \
  "$tmp/deb.list" >"$tmp/stray" && fail ".deb has unexpected paths: $(tr '\n' ' ' <"$tmp/stray")"

step "control: conffiles, Depends, maintainer scripts"
dpkg-deb -e "$deb" "$tmp/control"
[ "$(cat "$tmp/control/conffiles")" = "/etc/confwatch/confwatch.toml" ] \
  || fail "conffiles is '$(cat "$tmp/control/conffiles")'"
depends="$(dpkg-deb -f "$deb" Depends)"
for dep in libc6 libssl3 zlib1g init-system-helpers; do
  [[ ", $depends," == *", $dep "* ]] || fail "Depends lacks $dep: $depends"
done
grep -q "deb-systemd-helper enable 'confwatch.service'" "$tmp/control/postinst" \
  || fail "postinst does not enable the unit"
grep -q "deb-systemd-invoke start\|systemctl start" "$tmp/control/postinst" \
  && fail "postinst starts the unit (Debian daemons: enabled, not started)"
grep -q "deb-systemd-helper purge 'confwatch.service'" "$tmp/control/postrm" \
  || fail "postrm does not purge the unit's state"

step "lintian"
start=$(date +%s)
if ! lintian --fail-on error,warning "$deb" >"$tmp/lintian.log" 2>&1; then
  cat "$tmp/lintian.log" >&2
  fail "lintian"
fi
grep -v "running with root privileges" "$tmp/lintian.log" || true
echo "lintian took $(( $(date +%s) - start )) s"

step "the extracted binary and /etc skeleton"
root="$tmp/root"
dpkg-deb -x "$deb" "$root"
line="$("$root/usr/bin/confwatch" --version)"
[[ "$line" =~ ^confwatch\ ${version//./\\.}\ \(commit\ [^,]+,\ (static|shared)\)$ ]] \
  || fail "--version printed '$line'"
echo "$line"
if ! "$root/usr/bin/confwatch" -check-config -confdir "$root/etc/confwatch" \
    -config-file "$root/etc/confwatch/confwatch.toml" >"$tmp/check.out" 2>"$tmp/check.err" \
    || [ -s "$tmp/check.err" ]; then
  cat "$tmp/check.out" "$tmp/check.err" >&2
  fail "-check-config on the shipped skeleton"
fi
grep -qxF "ExecStart=/usr/bin/confwatch -watch" "$root/lib/systemd/system/confwatch.service" \
  || fail "the unit's ExecStart is $(grep ExecStart= "$root/lib/systemd/system/confwatch.service")"

if command -v systemd-analyze >/dev/null; then
  # verify runs the ExecStart binary's path check and `man` for Documentation=.
  sed "s|^ExecStart=/usr/bin/confwatch|ExecStart=$root/usr/bin/confwatch|" \
    "$root/lib/systemd/system/confwatch.service" >"$tmp/confwatch.service"
  MANPATH="$root/usr/share/man" systemd-analyze verify "$tmp/confwatch.service" >"$tmp/verify.log" 2>&1 \
    || fail "systemd-analyze verify: $(cat "$tmp/verify.log")"
fi

step "every commented option of confwatch.toml is a known key, and every flag is there"
# Uncommented, the skeleton must load without a warning (an unknown key warns).
sed -E 's/^# ([a-z_]+ = |\[)/\1/' "$root/etc/confwatch/confwatch.toml" >"$tmp/all.toml"
"$build/confwatch" -check-config -confdir "$root/etc/confwatch" -config-file "$tmp/all.toml" \
  >/dev/null 2>"$tmp/all.err" || fail "-check-config on the uncommented skeleton"
[ -s "$tmp/all.err" ] && fail "the uncommented skeleton warns: $(cat "$tmp/all.err")"
# Flags that have a config key (the modes -check-config & co. and the
# ignored confd flags have none; exec flags live in [exec]).
"$build/confwatch" --help | awk '/^Accepted for confd/{exit} /^  -/{print substr($1, 2)}' >"$tmp/flags"
while read -r flag; do
  case "$flag" in
    check-config|preflight|version|help|config-file) continue ;;
    node) key=nodes ;;
    client-ca-keys) key=client_cakeys ;;
    exec-*) key="${flag#exec-}"; key="${key//-/_}" ;;
    *) key="${flag//-/_}" ;;
  esac
  grep -qE "^(# )?$key = " "$root/etc/confwatch/confwatch.toml" || fail "confwatch.toml lacks $key (-$flag)"
done <"$tmp/flags"

step "man page"
man="$src/docs/confwatch.1"
groff -man -ww -z "$man" >"$tmp/groff.err" 2>&1 || true
[ -s "$tmp/groff.err" ] && fail "groff -man -ww -z: $(cat "$tmp/groff.err")"
grep -q "^\.TH CONFWATCH 1 .*\"confwatch $version\"" "$man" || fail "the man page's .TH does not say confwatch $version"
gunzip -c "$root/usr/share/man/man1/confwatch.1.gz" | cmp -s - "$man" || fail "the .deb's man page is not docs/confwatch.1"
MANWIDTH=80 man -l "$root/usr/share/man/man1/confwatch.1.gz" >"$tmp/man.txt" 2>"$tmp/man.err" || fail "man -l"
[ -s "$tmp/man.err" ] && fail "man -l warns: $(cat "$tmp/man.err")"
grep -q "^SYNOPSIS" "$tmp/man.txt" || fail "man -l rendered no SYNOPSIS"
"$build/confwatch" --help | awk '/^  -/{print substr($1, 2)}' >"$tmp/allflags"
while read -r flag; do
  grep -qF -- "\\-${flag//-/\\-}" "$man" || fail "the man page does not mention -$flag"
done <"$tmp/allflags"

step "the tarball is the cmake --install tree"
cmake --install "$build" --prefix "$tmp/inst" >/dev/null
(cd "$tmp/inst" && find . -mindepth 1 | sed 's|^\./||' | sort) >"$tmp/inst.list"
tar tzf "$tgz" | sed 's|^[^/]*/||; s|/$||' | grep . | sort >"$tmp/tgz.list"
diff "$tmp/inst.list" "$tmp/tgz.list" >"$tmp/tgz.diff" || fail "tarball != install tree: $(cat "$tmp/tgz.diff")"
for path in bin/confwatch share/man/man1/confwatch.1 lib/systemd/system/confwatch.service \
    share/doc/confwatch/README.md etc/confwatch/confwatch.toml etc/confwatch/conf.d etc/confwatch/templates; do
  grep -qxF "$path" "$tmp/inst.list" || fail "cmake --install lacks $path"
done

step "examples/container/Dockerfile"
dockerfile="$src/examples/container/Dockerfile"
# Each COPY --from=build source is a path of the `--prefix /out/usr` install tree.
grep -oE '^COPY --from=build /out/usr/[^ ]*' "$dockerfile" | sed 's|.*/out/usr/||; s|/$||' >"$tmp/copied"
[ -s "$tmp/copied" ] || fail "the Dockerfile copies nothing from /out/usr"
while read -r path; do
  [ -e "$tmp/inst/$path" ] || fail "the Dockerfile copies /out/usr/$path, which cmake --install does not make"
done <"$tmp/copied"
# The runtime stage's apt packages provide every library ldd lists (libc6 is
# in the base image). The stage is written for the default static build: a
# shared one (-DCONFWATCH_STATIC=OFF, sanitizers) also needs gRPC & co.
if [[ "$line" == *", shared)" ]]; then
  echo "shared build: skipping the runtime libraries check (the image builds static)"
  ldd() { :; }
fi
runtime_pkgs=" libc6 $(sed -n '/^FROM debian:bookworm-slim/,$p' "$dockerfile" \
  | sed -n '/apt-get install/,/&&\|^$/p' | tr -s ' \\\n' ' ') "
for lib in $(ldd "$build/confwatch" | awk '/=> \//{print $3} /^\t\/.*ld-linux/{print $1}'); do
  owner="$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$(realpath "$lib")" 2>/dev/null || true)"
  pkg="${owner%%:*}"
  [ -n "$pkg" ] || { fail "no package owns $lib"; continue; }
  [[ "$runtime_pkgs" == *" $pkg "* ]] || fail "$lib is in $pkg, which the runtime stage does not install"
done

if [ "$failures" -ne 0 ]; then
  echo "packaging: $failures check(s) failed" >&2
  exit 1
fi
echo "packaging: all checks passed"
