#!/usr/bin/env bash
# Tries the Debian package on THIS machine (it changes the machine: run it as
# root on a test box or container): builds the package if needed
# (tools/package.sh), installs it with dpkg -i, renders a copy of
# templates/nginx-grpc-resolver once with the installed /usr/bin/confwatch
# against a private etcd on loopback (free ports, temp dir), then removes the
# package (dpkg -r) and purges it (dpkg -P), showing what each step left.
# Refuses to run when confwatch is already installed (it would remove it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/examples/lib.sh"   # cw_start_etcd, cw_confdir, ctl, say; stops etcd on exit

if dpkg-query -W -f='${Status}' confwatch 2>/dev/null | grep -q "install ok installed"; then
  echo "try-deb: confwatch is already installed here; not touching it" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

deb="$(ls "${CONFWATCH_BUILD_DIR:-$root/build}"/packages/confwatch_*.deb 2>/dev/null | head -1 || true)"
if [ -z "$deb" ]; then
  say "no package yet: tools/package.sh"
  "$root/tools/package.sh" >/dev/null
  deb="$(ls "${CONFWATCH_BUILD_DIR:-$root/build}"/packages/confwatch_*.deb | head -1)"
fi

say "dpkg -i $(basename "$deb")"
$SUDO dpkg -i "$deb"
/usr/bin/confwatch --version
echo "unit enabled: $(ls /etc/systemd/system/multi-user.target.wants/confwatch.service 2>/dev/null || echo no)"
echo "conffiles: $(dpkg-query -W -f='${Conffiles}' confwatch | tr -s ' \n' ' ')"

say "confwatch -onetime against a private etcd"
cw_start_etcd
cw_confdir "$root/templates/nginx-grpc-resolver"
ctl put /grpc/greeter/127.0.0.1:50051 127.0.0.1:50051 >/dev/null
/usr/bin/confwatch -onetime -confdir "$CW_WORK/confdir" -node "$CW_ETCD" -log-level warning
grep -A3 "upstream greeter" "$CW_WORK"/out/*

say "dpkg -r confwatch"
$SUDO dpkg -r confwatch
echo "binary: $(ls /usr/bin/confwatch 2>/dev/null || echo gone); /etc/confwatch: $(ls /etc/confwatch 2>/dev/null | tr '\n' ' ')"
say "dpkg -P confwatch"
$SUDO dpkg -P confwatch
echo "/etc/confwatch: $(ls -d /etc/confwatch 2>/dev/null || echo gone); unit link: $(ls /etc/systemd/system/multi-user.target.wants/confwatch.service 2>/dev/null || echo gone)"
