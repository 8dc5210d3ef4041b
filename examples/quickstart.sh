#!/usr/bin/env bash
# confwatch quickstart: installs what is missing, builds, then shows confwatch
# at work on this machine only (127.0.0.1):
#   1. a private etcd on a free loopback port, in a temp dir
#   2. three "instances" registered under /services/web/, each key bound to a
#      lease, as service registries do
#   3. confwatch -onetime renders an nginx upstream file from them
#   4. confwatch -watch follows etcd: a new instance appears in the file, an
#      instance whose lease is revoked (it "died") disappears from it
# Everything it starts is stopped at the end, by pid.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work=/tmp/confwatch-quickstart
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

say "Installing what is missing and building (tests/install-deps.sh, tests/build.sh)"
"$root/tests/install-deps.sh"
"$root/tests/build.sh" >/dev/null
bin="${CONFWATCH_BUILD_DIR:-$root/build}/confwatch"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rm -rf "$work"; mkdir -p "$work"
cp -r "$root/examples/quickstart/conf.d" "$root/examples/quickstart/templates" "$work/"
port=$(free_port); peer=$(free_port)

say "Starting a private etcd on 127.0.0.1:$port (data in $work/etcd)"
etcd --name quickstart --data-dir "$work/etcd" \
  --listen-client-urls "http://127.0.0.1:$port" --advertise-client-urls "http://127.0.0.1:$port" \
  --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
  --initial-cluster "quickstart=http://127.0.0.1:$peer" >"$work/etcd.log" 2>&1 &
pids+=($!)
export ETCDCTL_API=3
ctl() { etcdctl --endpoints "127.0.0.1:$port" "$@"; }
for _ in $(seq 1 100); do ctl endpoint health >/dev/null 2>&1 && break; sleep 0.1; done

say "Registering three instances of 'web', each key bound to a 30 s lease"
declare -A lease
for i in 1 2 3; do
  lease[$i]=$(ctl lease grant 30 | awk '{print $2}')
  ctl put --lease="${lease[$i]}" "/services/web/instance-$i" "10.0.0.$i:8080" >/dev/null
  echo "  /services/web/instance-$i = 10.0.0.$i:8080 (lease ${lease[$i]})"
done

say "confwatch -onetime renders $work/upstream.conf"
"$bin" -confdir "$work" -node "127.0.0.1:$port" -onetime -log-level warning
cat "$work/upstream.conf"

say "confwatch -watch now follows etcd (log: $work/confwatch.log)"
"$bin" -confdir "$work" -node "127.0.0.1:$port" -watch >"$work/confwatch.log" 2>&1 &
pids+=($!)
sleep 1

wait_for() {  # wait_for <grep args...>: until the rendered file matches
  for _ in $(seq 1 100); do grep -q "$@" "$work/upstream.conf" && return 0; sleep 0.05; done
  echo "timed out waiting for: $*" >&2; return 1
}

say "A fourth instance registers: it appears in the file"
ctl put "/services/web/instance-4" "10.0.0.4:8080" >/dev/null
wait_for "10.0.0.4:8080"
cat "$work/upstream.conf"

say "Instance 2 dies: its lease is revoked, etcd deletes its key, the file follows"
ctl lease revoke "${lease[2]}" >/dev/null
wait_for -v "10.0.0.2:8080"
cat "$work/upstream.conf"

say "Every instance gone: the file keeps a valid (placeholder) upstream"
ctl del --prefix /services/web/ >/dev/null
wait_for "127.0.0.1:1 down"
cat "$work/upstream.conf"

say "What confwatch logged"
cat "$work/confwatch.log"
say "Done: stopping confwatch and etcd, removing $work"
