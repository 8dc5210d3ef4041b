#!/usr/bin/env bash
# go-zero etcd registry layout -> nginx upstreams and haproxy backends.
# Private etcd on loopback, instances registered as go-zero's Publisher does
# (a lease, then <service key>/<lease id in decimal> = host:port bound to it:
# keys without a leading '/'), one render, then a watch that follows an
# instance whose lease is revoked. Stops everything it started.
source "$(dirname "$0")/../lib.sh"
cw_start_etcd

# etcdctl prints lease IDs in hex; go-zero writes them in decimal.
publish() {  # publish SERVICE_KEY HOST:PORT -> prints the lease (hex)
  local lease
  lease=$(ctl lease grant 60 | awk '{print $2}')
  ctl put --lease="$lease" "$1/$(printf '%d' "0x$lease")" "$2" >/dev/null
  echo "$lease"
}

say "Registering services as go-zero does: <service key>/<lease id> = host:port"
publish user.rpc 10.0.0.1:8080 >/dev/null
gone=$(publish user.rpc 10.0.0.2:8080)
publish order.rpc 10.0.1.1:9090 >/dev/null
ctl get --prefix user.rpc/; ctl get --prefix order.rpc/

cw_confdir "$CW_ROOT/templates/nginx-go-zero" "$CW_ROOT/templates/haproxy-go-zero"
say "confwatch -onetime renders nginx and haproxy files (verbatim_keys: keys = [\"user.rpc\", \"order.rpc\"])"
cw_onetime
cat "$CW_WORK/out/go-zero-upstreams.conf"; echo; cat "$CW_WORK/out/go-zero-backends.cfg"
grep -q 'server 10.0.0.2:8080;' "$CW_WORK/out/go-zero-upstreams.conf" || { echo "user.rpc's second instance is missing" >&2; exit 1; }

say "confwatch -watch: the lease of 10.0.0.2:8080 is revoked (go-zero's Stop does that)"
cw_watch
ctl lease revoke "$gone" >/dev/null
cw_wait_gone "$CW_WORK/out/go-zero-upstreams.conf" "10.0.0.2:8080"
cat "$CW_WORK/out/go-zero-upstreams.conf"
