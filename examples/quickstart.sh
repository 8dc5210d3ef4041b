#!/usr/bin/env bash
# confwatch quickstart: installs what is missing, builds, then shows confwatch
# keeping nginx in step with etcd, on this machine only (127.0.0.1, free ports,
# one temp dir):
#   1. a private etcd, three small HTTP backends answering "backend-N", each
#      registered by its own `confwatch register` process (key bound to a 3 s
#      lease kept alive while the process lives)
#   2. a private nginx proxying to `upstream web`, a file confwatch -watch
#      renders from /services/web/, checks with nginx -t and reloads nginx for
#      (examples/quickstart/)
#   3. nine requests through nginx, spread over the three backends
#   4. backend 2 and its register process are killed with -9: the lease
#      expires, the upstream file drops it, nginx reloads, six more requests
#      reach only the two live backends
# The script asserts what it shows and exits non-zero when traffic does not
# reach every live backend or the dead one is still in nginx's upstream.
# Everything it starts is stopped at the end, by pid, and checked gone.
# Set CONFWATCH_BUILD_DIR to use another build directory.
source "$(dirname "$0")/lib.sh"   # say, ctl, cw_free_port, cw_start_etcd

fail() { printf '\nFAILED: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

say "Installing what is missing (tests/install-deps.sh)"
"$CW_ROOT/tests/install-deps.sh"
# Build when the binary is missing or older than a source file; tests/build.sh
# is incremental anyway, this only spares the (long) no-op check of every target.
if [[ -x "$CW_BIN" ]] && [[ -z "$(find "$CW_ROOT/src" "$CW_ROOT/proto" "$CW_ROOT/CMakeLists.txt" \
      -newer "$CW_BIN" -print -quit)" ]]; then
  say "$CW_BIN is up to date: not building"
else
  say "Building confwatch (tests/build.sh; the first build takes several minutes)"
  "$CW_ROOT/tests/build.sh" >/dev/null
fi
nginx=/usr/sbin/nginx

say "Starting a private etcd"
cw_start_etcd   # -> $CW_WORK (temp dir, removed at the end), $CW_ETCD
work="$CW_WORK"
echo "  etcd on $CW_ETCD, everything of this run in $work"

# Our processes, stopped in reverse order of start before etcd (lib.sh's
# cw_cleanup stops etcd and removes $work): register processes revoke their
# lease on SIGTERM, which needs etcd still up.
QS_PIDS=()
qs_cleanup() {
  local i
  for ((i = ${#QS_PIDS[@]} - 1; i >= 0; i--)); do kill "${QS_PIDS[i]}" 2>/dev/null || true; done
  for ((i = ${#QS_PIDS[@]} - 1; i >= 0; i--)); do wait "${QS_PIDS[i]}" 2>/dev/null || true; done
  QS_PIDS=()
  cw_cleanup
  CW_PIDS=()
}
trap qs_cleanup EXIT
all_pids=()   # every pid started, nginx workers included: checked gone at the end

# poll SECONDS CMD...: runs CMD every 0.1 s until it succeeds; fails after SECONDS.
poll() {
  local deadline
  deadline=$(awk -v s="$1" -v n="$(now)" 'BEGIN { printf "%.2f", n + s }'); shift
  while :; do
    "$@" && return 0
    awk -v d="$deadline" -v n="$(now)" 'BEGIN { exit !(n > d) }' && return 1
    sleep 0.1
  done
}

say "Starting three HTTP backends, each answering with its own name"
declare -A port bpid rpid
for i in 1 2 3; do
  port[$i]=$(cw_free_port)
  mkdir -p "$work/backend-$i"
  echo "backend-$i" >"$work/backend-$i/index.html"
  python3 -m http.server --bind 127.0.0.1 --directory "$work/backend-$i" "${port[$i]}" \
    >"$work/backend-$i.log" 2>&1 &
  bpid[$i]=$!; QS_PIDS+=($!); all_pids+=($!)
done
for i in 1 2 3; do
  poll 10 curl -fsS -o /dev/null "http://127.0.0.1:${port[$i]}/" 2>/dev/null ||
    fail "backend-$i did not answer on 127.0.0.1:${port[$i]} (log: $(cat "$work/backend-$i.log"))"
  echo "  backend-$i on 127.0.0.1:${port[$i]} (pid ${bpid[$i]})"
done

say "Registering each backend in etcd: one 'confwatch register' per backend, lease TTL 3 s"
for i in 1 2 3; do
  addr="127.0.0.1:${port[$i]}"
  "$CW_BIN" register --key "/services/web/$addr" --value "$addr" --ttl 3s --node "$CW_ETCD" \
    >"$work/register-$i.log" 2>&1 &
  rpid[$i]=$!; QS_PIDS+=($!); all_pids+=($!)
  echo "  $CW_BIN register --key /services/web/$addr --value $addr --ttl 3s --node $CW_ETCD  (pid ${rpid[$i]})"
done
registered() { [[ $(ctl get --prefix /services/web/ --keys-only | grep -c .) -eq 3 ]]; }
poll 10 registered || fail "the three backends did not all register (logs: $work/register-*.log)"
ctl get --prefix /services/web/ --write-out fields | awk -F' : ' '
  /"Key"/ { k = $2 } /"Lease"/ { print "  " k "  lease " $2 }'

say "Writing a private nginx config (no root needed: own pid file, logs, temp dirs)"
ngport=$(cw_free_port)
nx="$work/nginx"
mkdir -p "$nx/tmp" "$work/confdir/conf.d" "$work/confdir/templates"
cat >"$nx/nginx.conf" <<EOF
# confwatch quickstart: a private nginx on 127.0.0.1:$ngport
worker_processes 1;
daemon off;
pid $nx/nginx.pid;
error_log $nx/error.log notice;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $nx/tmp/body;
  proxy_temp_path $nx/tmp/proxy;
  fastcgi_temp_path $nx/tmp/fastcgi;
  uwsgi_temp_path $nx/tmp/uwsgi;
  scgi_temp_path $nx/tmp/scgi;
  include $work/upstream.conf;   # rendered by confwatch
  server {
    listen 127.0.0.1:$ngport;
    location / { proxy_pass http://web; }
  }
}
EOF
echo "  $nx/nginx.conf: listen 127.0.0.1:$ngport, proxy_pass http://web, include $work/upstream.conf"
sed "s#/tmp/confwatch-quickstart#$work#g" "$CW_ROOT/examples/quickstart/conf.d/upstream.toml" \
  >"$work/confdir/conf.d/upstream.toml"
cp "$CW_ROOT/examples/quickstart/templates/upstream.conf.tmpl" "$work/confdir/templates/"

say "First render of $work/upstream.conf (confwatch -onetime -sync-only: nginx is not running yet, nothing to reload)"
"$CW_BIN" -confdir "$work/confdir" -backend etcdv3 -node "$CW_ETCD" -onetime -sync-only -log-level warning
cat "$work/upstream.conf"

say "Starting nginx on 127.0.0.1:$ngport"
"$nginx" -t -q -p "$nx/" -c "$nx/nginx.conf" || fail "nginx -t rejects $nx/nginx.conf"
"$nginx" -p "$nx/" -c "$nx/nginx.conf" >"$nx/stderr.log" 2>&1 &
ngpid=$!; QS_PIDS+=($!); all_pids+=($!)
nginx_up() { curl -fsS -o /dev/null "http://127.0.0.1:$ngport/" 2>/dev/null; }
poll 10 nginx_up || fail "nginx did not answer (log: $(cat "$nx/error.log" "$nx/stderr.log" 2>/dev/null))"
workers() { pgrep -P "$ngpid" | sort | paste -sd' '; }
old_workers=$(workers); all_pids+=($old_workers)
echo "  nginx master pid $ngpid, worker pid(s) $old_workers"

say "Starting confwatch -watch: it follows /services/web/, checks with nginx -t, reloads nginx"
"$CW_BIN" -confdir "$work/confdir" -backend etcdv3 -node "$CW_ETCD" -watch >"$work/confwatch.log" 2>&1 &
QS_PIDS+=($!); all_pids+=($!)
echo "  pid $!, log $work/confwatch.log"

# traffic N: N requests through nginx; sets count[backend-K] and prints them.
declare -A count
traffic() {
  local n=$1 r k
  count=()
  for ((k = 1; k <= n; k++)); do
    r=$(curl -fsS --max-time 5 "http://127.0.0.1:$ngport/") || fail "request $k through nginx failed"
    count[$r]=$((${count[$r]:-0} + 1))
  done
  for k in 1 2 3; do printf '  backend-%s: %s\n' "$k" "${count[backend-$k]:-0}"; done
}

say "Nine requests through nginx"
traffic 9
for i in 1 2 3; do
  [[ ${count[backend-$i]:-0} -ge 1 ]] || fail "backend-$i got no request: traffic is not spread over the three backends"
done
echo "  spread over all three backends"

dead=2
dead_addr="127.0.0.1:${port[$dead]}"
say "backend-$dead dies: kill -9 of the backend (pid ${bpid[$dead]}) and of its register process (pid ${rpid[$dead]})"
echo "  nobody revokes its lease now: etcd deletes the key when the 3 s TTL runs out"
killed_at=$(now)
# (reaped at once, quietly: bash would print "Killed" for each)
{ kill -9 "${bpid[$dead]}" "${rpid[$dead]}"; wait "${bpid[$dead]}" "${rpid[$dead]}"; } 2>/dev/null || true
key_gone_after="" file_gone_after=""
gone() {
  [[ -n $key_gone_after ]] || [[ -n $(ctl get "/services/web/$dead_addr" --keys-only) ]] ||
    key_gone_after=$(since "$killed_at")
  [[ -n $file_gone_after ]] || grep -qF "$dead_addr" "$work/upstream.conf" ||
    file_gone_after=$(since "$killed_at")
  [[ -n $key_gone_after && -n $file_gone_after ]]
}
poll 20 gone || fail "after 20 s, etcd still has /services/web/$dead_addr (${key_gone_after:-yes}) or upstream.conf still lists it (${file_gone_after:-yes})"
echo "  lease expired, key gone from etcd ${key_gone_after} s after the kill"
echo "  $work/upstream.conf no longer lists $dead_addr ${file_gone_after} s after the kill" \
  "($(awk -v a="$key_gone_after" -v b="$file_gone_after" 'BEGIN { printf "%.1f", b - a }') s after the key left etcd; polled every 0.1 s):"
cat "$work/upstream.conf"

say "nginx reloads (confwatch ran nginx -t on the staged file, then nginx -s reload)"
reloaded() {
  local now_workers w
  now_workers=$(workers)
  [[ -n $now_workers ]] || return 1
  for w in $old_workers; do [[ " $now_workers " == *" $w "* ]] && return 1; done
  return 0
}
poll 10 reloaded || fail "nginx did not reload: its workers are still $(workers) (confwatch log: $(cat "$work/confwatch.log"))"
new_workers=$(workers); all_pids+=($new_workers)
echo "  old worker(s) $old_workers exited, new worker(s) $new_workers serve the new upstream"
{ grep -E 'SIGHUP|reconfiguring' "$nx/error.log" || true; } | sed 's/^/  nginx: /' | tail -n 2

say "Six requests through nginx"
traffic 6
[[ ${count[backend-$dead]:-0} -eq 0 ]] || fail "backend-$dead answered after it was killed and removed"
for i in 1 3; do
  [[ ${count[backend-$i]:-0} -ge 1 ]] || fail "backend-$i got no request: traffic is not spread over the two live backends"
done
# The dead backend cannot answer; what the reload changes is that nginx no
# longer even tries it (a try on a dead server logs "connect() failed").
if grep -F "connect() failed" "$nx/error.log" | grep -qF "$dead_addr"; then
  fail "nginx still tried the dead backend $dead_addr: $(grep -F "connect() failed" "$nx/error.log" | tail -n 1)"
fi
echo "  only backend-1 and backend-3 answer; nginx never tried $dead_addr"

say "Stopping everything this demo started, by pid, and removing $work"
trap - EXIT
qs_cleanup
left=()
for p in "${all_pids[@]}"; do kill -0 "$p" 2>/dev/null && left+=("$p"); done
if [[ ${#left[@]} -gt 0 ]] || pgrep -f "$work" >/dev/null; then
  fail "still running: ${left[*]} $(pgrep -af "$work")"
fi
echo "  nothing left running (checked ${#all_pids[@]} pids and pgrep -f $work)"
say "Done"
