#!/usr/bin/env bash
# Fleet benchmark (issue 7): N confwatch processes on this machine watch one
# key of one etcd; the key changes; how long until every process's file shows
# it (p50/p99/max over the processes, from the start of `etcdctl put`, so
# they include starting etcdctl; and the spread from the first to the last
# watcher, which does not; see observer.py below for how it is seen), how
# many Range calls etcd served for
# the change (from etcd's /metrics; the design says 0), and memory per
# process (RSS, its anonymous part, PSS) and its threads, and what the
# changes cost etcd (CPU seconds per change, its RSS before and after; the
# proxy's too on that path), and the start: from spawning the first process
# (one after the other, from this script) until every file is rendered, and
# the Range calls etcd served meanwhile. Then the same through
# `etcd grpc-proxy start`, the fan-out path for larger fleets: the proxy
# holds one watch upstream and serves the N watchers itself.
#
#   tests/bench/fleet_bench.sh [N=200] [changes=5]
#
# Uses build/confwatch (CONFWATCH_BUILD_DIR to override), Debian's etcd.
# Starts everything on free loopback ports in a temp dir and stops it by pid.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${CONFWATCH_BUILD_DIR:-$root/build}/confwatch"
n="${1:-200}"
changes="${2:-5}"
work="$(mktemp -d /tmp/confwatch-fleet.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cport=$(free_port); pport=$(free_port); xport=$(free_port)
etcd --name fleet --data-dir "$work/etcd" \
  --listen-client-urls "http://127.0.0.1:$cport" --advertise-client-urls "http://127.0.0.1:$cport" \
  --listen-peer-urls "http://127.0.0.1:$pport" --initial-advertise-peer-urls "http://127.0.0.1:$pport" \
  --initial-cluster "fleet=http://127.0.0.1:$pport" >"$work/etcd.log" 2>&1 &
pids+=($!)
etcd_pid=$!
proxy_pid=
ctl() { ETCDCTL_API=3 etcdctl --endpoints "127.0.0.1:$cport" "$@"; }
for _ in $(seq 100); do ctl endpoint health >/dev/null 2>&1 && break; sleep 0.1; done
ctl put /fleet/key v0 >/dev/null

# cpu_s PID: user+system CPU seconds the process used so far.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); print ($12 + $13) / hz}' "/proc/$1/stat"; }
rss_mb() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

range_calls() {
  curl -s "http://127.0.0.1:$cport/metrics" |
    awk '/^grpc_server_handled_total\{.*grpc_method="Range"/ {s += $NF} END {print s + 0}'
}

cat >"$work/observer.py" <<'EOF'
import ctypes, os, select, struct, subprocess, sys, time
# The observer of one fleet: started before the watchers, so that it holds
# an inotify instance of its own (each confwatch takes one for its confdir,
# and there are fs.inotify.max_user_instances = 128 per user by default).
# It watches every watcher's directory (IN_MOVED_TO: confwatch renames its
# stage into place; IN_CLOSE_WRITE: an in-place rewrite), so it sleeps until
# a file changes instead of polling 1000 files on the cores the watchers
# need; a file is read only when an event names it. Prints "ready", then for
# each value read from stdin: puts it, waits until every file shows it,
# appends "<ms since put> <ms since the first watcher>" per watcher to
# `times`, prints "ok" (or what went wrong).
base, n, ep, times = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
env = dict(os.environ, ETCDCTL_API="3")
libc = ctypes.CDLL("libc.so.6", use_errno=True)
fd = libc.inotify_init1(os.O_NONBLOCK)
if fd < 0:
    sys.exit(f"inotify_init1: errno {ctypes.get_errno()} (fs.inotify.max_user_instances)")
watcher_of = {}
for i in range(1, n + 1):
    wd = libc.inotify_add_watch(fd, f"{base}/{i}".encode(), 0x80 | 0x08)
    if wd < 0:
        sys.exit(f"inotify_add_watch: errno {ctypes.get_errno()} (fs.inotify.max_user_watches)")
    watcher_of[wd] = i

def drain():
    """The watchers named by the pending events."""
    named = set()
    while True:
        try:
            buf = os.read(fd, 65536)
        except BlockingIOError:
            return named
        off = 0
        while off < len(buf):
            wd, mask, cookie, length = struct.unpack_from("iIII", buf, off)
            name = buf[off + 16:off + 16 + length].rstrip(b"\0")
            off += 16 + length
            if name == b"out" and wd in watcher_of: named.add(watcher_of[wd])

def measure(value):
    want = value + "\n"
    pending = set(range(1, n + 1))
    seen = {}
    def check(i, at):
        try:
            with open(f"{base}/{i}/out") as f:
                if f.read() == want:
                    seen[i] = at - t0
                    pending.discard(i)
        except FileNotFoundError:
            pass
    drain()  # the starts' and earlier changes' events
    t0 = time.time()
    subprocess.run(["etcdctl", "--endpoints", ep, "put", "/fleet/key", value], env=env,
                   check=True, stdout=subprocess.DEVNULL)
    while pending and time.time() - t0 < 60:
        if not select.select([fd], [], [], 0.2)[0]:
            for i in list(pending): check(i, time.time())  # no event for 200 ms: look anyway
            continue
        at = time.time()
        for i in drain() & pending: check(i, at)
    if pending:
        return f"{len(pending)} watchers never showed {value}"
    first = min(seen.values())
    with open(times, "a") as out:
        for t in seen.values():
            out.write(f"{t * 1000:.2f} {(t - first) * 1000:.2f}\n")
    return "ok"

print("ready", flush=True)
for line in sys.stdin:
    print(measure(line.strip()), flush=True)
EOF

# run_fleet NAME ENDPOINT: N watchers on ENDPOINT, `changes` changes measured.
run_fleet() {
  local name=$1 endpoint=$2 fleet_pids=() i start_t start_ranges start_cost
  for i in $(seq "$n"); do
    local d="$work/$name/$i"
    mkdir -p "$d/conf.d" "$d/templates"
    printf '{{getv "/fleet/key"}}\n' >"$d/templates/k.tmpl"
    printf '[template]\nsrc = "k.tmpl"\ndest = "%s/out"\nkeys = ["/fleet"]\n' "$d" >"$d/conf.d/k.toml"
  done
  coproc OBS { python3 "$work/observer.py" "$work/$name" "$n" "127.0.0.1:$cport" "$work/$name.times"; }
  local obs_pid=$OBS_PID ready
  pids+=("$obs_pid")
  read -r ready <&"${OBS[0]}"
  [[ "$ready" == ready ]] || { echo "observer did not start" >&2; exit 1; }
  start_ranges=$(range_calls)
  start_t=$(date +%s.%N)
  for i in $(seq "$n"); do
    local d="$work/$name/$i"
    "$bin" -watch -confdir "$d" -node "$endpoint" -log-level error >"$d/log" 2>&1 &
    fleet_pids+=($!)
    pids+=($!)
  done
  # Every process has rendered the current value.
  python3 - "$work/$name" "$n" <<'EOF'
import os, sys, time
base, n = sys.argv[1], int(sys.argv[2])
deadline = time.time() + 300
while time.time() < deadline:
    if all(os.path.exists(f"{base}/{i}/out") for i in range(1, n + 1)):
        sys.exit(0)
    time.sleep(0.1)
sys.exit("not every watcher rendered within 300 s")
EOF
  start_cost="$(python3 -c "print(f'{$(date +%s.%N) - $start_t:.1f} s, $(($(range_calls) - start_ranges))')")"
  sleep 1
  local before after c cpu_before rss_before proxy_cpu_before=0
  before=$(range_calls)
  cpu_before=$(cpu_s "$etcd_pid")
  rss_before=$(rss_mb "$etcd_pid")
  [[ -n "$proxy_pid" ]] && proxy_cpu_before=$(cpu_s "$proxy_pid")
  for c in $(seq "$changes"); do
    local reply
    echo "$name-$c" >&"${OBS[1]}"
    read -r reply <&"${OBS[0]}"
    [[ "$reply" == ok ]] || { echo "observer: $reply" >&2; exit 1; }
    sleep 0.5
  done
  after=$(range_calls)
  local etcd_cost proxy_cost=-
  etcd_cost="$(python3 -c "print(f'{($(cpu_s "$etcd_pid") - $cpu_before) / $changes:.2f} s, $rss_before -> $(rss_mb "$etcd_pid") MB')")"
  [[ -n "$proxy_pid" ]] &&
    proxy_cost="$(python3 -c "print(f'{($(cpu_s "$proxy_pid") - $proxy_cpu_before) / $changes:.2f} s, $(rss_mb "$proxy_pid") MB')")"
  python3 - "$work/$name.times" "$name" "$n" "$((after - before))" "$etcd_cost" "$proxy_cost" "$start_cost" \
    "${fleet_pids[@]}" <<'EOF'
import sys
path, name, n, ranges, etcd_cost, proxy_cost, start_cost = sys.argv[1:8]
n = int(n)
pids = sys.argv[8:]
rows = [line.split() for line in open(path)]
t = sorted(float(r[0]) for r in rows)
spread = max(float(r[1]) for r in rows)
pct = lambda p: t[min(len(t) - 1, int(p * len(t)))]
rss = anon = pss = threads = 0
for pid in pids:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"): rss += int(line.split()[1])
        if line.startswith("RssAnon:"): anon += int(line.split()[1])
        if line.startswith("Threads:"): threads += int(line.split()[1])
    for line in open(f"/proc/{pid}/smaps_rollup"):
        if line.startswith("Pss:"): pss += int(line.split()[1])
k = len(pids) * 1024
print(f"| {name} | {n} | {pct(0.5):.1f} / {pct(0.99):.1f} / {t[-1]:.1f} ms | {spread:.1f} ms | {ranges} | "
      f"{rss / k:.1f} / {anon / k:.1f} / {pss / k:.1f} MB | {threads / len(pids):.0f} | "
      f"{etcd_cost} | {proxy_cost} | {start_cost} |")
EOF
  eval "exec ${OBS[1]}>&-"  # stdin at EOF: the observer ends
  wait "$obs_pid" 2>/dev/null || true
  for i in "${fleet_pids[@]}"; do kill "$i" 2>/dev/null || true; done
  for i in "${fleet_pids[@]}"; do wait "$i" 2>/dev/null || true; done
}

echo "| path | watchers | etcdctl put -> file: p50 / p99 / max over watchers (includes starting etcdctl) | first -> last watcher (worst change) | etcd Range calls for the changes | per process RSS / anon / PSS | threads per process | etcd CPU per change, RSS before -> after | proxy CPU per change, RSS | start: first spawn -> every file, etcd Range calls |"
echo "|---|---|---|---|---|---|---|---|---|---|"
run_fleet direct "127.0.0.1:$cport"

etcd grpc-proxy start --endpoints "127.0.0.1:$cport" --listen-addr "127.0.0.1:$xport" \
  >"$work/proxy.log" 2>&1 &
pids+=($!)
proxy_pid=$!
for _ in $(seq 100); do ETCDCTL_API=3 etcdctl --endpoints "127.0.0.1:$xport" get /fleet/key >/dev/null 2>&1 && break; sleep 0.1; done
run_fleet proxy "127.0.0.1:$xport"
