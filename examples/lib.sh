# Helpers shared by the examples/*/run.sh scripts (sourced, not run): find or
# build the confwatch binary, start a private etcd on free loopback ports in a
# temp dir, put keys, and stop everything that was started, by pid, on exit.
# examples/quickstart.sh uses them too.
#
#   source "$(dirname "$0")/../lib.sh"
#   cw_start_etcd                 # sets $CW_WORK (temp dir) and $CW_ETCD (127.0.0.1:PORT)
#   ctl put /k v                  # etcdctl against that etcd
#   cw_confdir <example dir> [template dir...]  # -> $CW_WORK/confdir, dest paths rewritten
#   cw_onetime; cat "$CW_WORK/out/..."
set -euo pipefail

CW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CW_BIN="${CONFWATCH_BUILD_DIR:-$CW_ROOT/build}/confwatch"
CW_PIDS=()

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# Builds confwatch with tests/build.sh when the binary is missing.
cw_need_binary() {
  if [[ ! -x "$CW_BIN" ]]; then
    say "build/confwatch is missing: building it (tests/build.sh)"
    "$CW_ROOT/tests/build.sh" >/dev/null
  fi
}

cw_cleanup() {
  local p
  for p in "${CW_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${CW_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [[ -n "${CW_WORK:-}" ]] && rm -rf "$CW_WORK"
}

cw_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

ctl() { ETCDCTL_API=3 etcdctl --endpoints "$CW_ETCD" "$@"; }

# Starts a single-member etcd in a fresh temp dir and waits until it answers.
cw_start_etcd() {
  cw_need_binary
  CW_WORK="$(mktemp -d /tmp/confwatch-example.XXXXXX)"
  trap cw_cleanup EXIT
  local port peer
  port=$(cw_free_port); peer=$(cw_free_port)
  CW_ETCD="127.0.0.1:$port"
  etcd --name example --data-dir "$CW_WORK/etcd" \
    --listen-client-urls "http://$CW_ETCD" --advertise-client-urls "http://$CW_ETCD" \
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "example=http://127.0.0.1:$peer" >"$CW_WORK/etcd.log" 2>&1 &
  CW_PIDS+=($!)
  local _
  for _ in $(seq 1 100); do ctl endpoint health >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "etcd did not start; its log:" >&2; cat "$CW_WORK/etcd.log" >&2; return 1
}

# cw_confdir DIR...: copies each templates/<name> folder (or any folder holding
# *.toml and *.tmpl files) into one confdir under $CW_WORK/confdir, pointing
# every dest at $CW_WORK/out/ (the TOMLs ship with /etc/... paths). Nothing
# runs nginx or haproxy here, so reload_cmd lines are dropped; the nginx
# check_cmd (self-contained: nginx -t on the staged file) is kept when nginx
# is installed, the haproxy one (it reads /etc/haproxy/haproxy.cfg) never.
cw_confdir() {
  local d f drop
  mkdir -p "$CW_WORK/confdir/conf.d" "$CW_WORK/confdir/templates" "$CW_WORK/out"
  for d in "$@"; do
    # nginx-openim has no template of its own (it uses nginx-grpc-resolver's)
    if compgen -G "$d/*.tmpl" >/dev/null; then cp "$d"/*.tmpl "$CW_WORK/confdir/templates/"; fi
    for f in "$d"/*.toml; do
      drop='^reload_cmd|^check_cmd.*haproxy'
      command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || drop="$drop|^check_cmd.*nginx"
      grep -Ev "$drop" "$f" |
        sed -E "s#^dest = \"[^\"]*/([^/\"]+)\"#dest = \"$CW_WORK/out/\\1\"#" \
        >"$CW_WORK/confdir/conf.d/$(basename "$f")"
    done
  done
}

# Renders every resource once (confwatch -onetime) against the private etcd.
cw_onetime() {
  "$CW_BIN" -confdir "$CW_WORK/confdir" -backend etcdv3 -node "$CW_ETCD" -onetime -log-level warning "$@"
}

# Starts confwatch -watch in the background (log: $CW_WORK/confwatch.log).
cw_watch() {
  "$CW_BIN" -confdir "$CW_WORK/confdir" -backend etcdv3 -node "$CW_ETCD" -watch "$@" \
    >"$CW_WORK/confwatch.log" 2>&1 &
  CW_PIDS+=($!)
}

# cw_wait_for FILE GREP-ARGS...: until FILE matches (5 s at most).
cw_wait_for() {
  local file="$1" _; shift
  for _ in $(seq 1 100); do grep -q "$@" "$file" 2>/dev/null && return 0; sleep 0.05; done
  echo "timed out waiting for $file to match: $*" >&2; return 1
}

# cw_wait_gone FILE PATTERN: until no line of FILE matches (5 s at most).
cw_wait_gone() {
  local _
  for _ in $(seq 1 100); do grep -q "$2" "$1" 2>/dev/null || return 0; sleep 0.05; done
  echo "timed out waiting for $1 to lose: $2" >&2; return 1
}
