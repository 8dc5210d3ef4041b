#!/usr/bin/env bash
# Gateway instance list /specServer/<instance-id> -> one nginx upstream and
# one haproxy backend. Private etcd on loopback, sample instances, one render,
# then a watch that follows every instance leaving (nginx placeholder).
# Stops everything it started.
source "$(dirname "$0")/../lib.sh"
cw_start_etcd

say "Registering gateway instances: /specServer/<instance-id> = address or JSON"
ctl put /specServer/gw-a1 10.0.5.1:8080 >/dev/null
ctl put /specServer/gw-b7 '{"address":"10.0.5.2","port":8080,"metadata":{"weight":"2"}}' >/dev/null
ctl get --prefix /specServer/

cw_confdir "$CW_ROOT/templates/nginx-spec-server" "$CW_ROOT/templates/haproxy-spec-server"
say "confwatch -onetime renders nginx and haproxy files"
cw_onetime
cat "$CW_WORK/out/spec-server-upstream.conf"; echo; cat "$CW_WORK/out/spec-server-backends.cfg"

say "confwatch -watch: every instance leaves; nginx gets the placeholder, haproxy an empty backend"
cw_watch
ctl del --prefix /specServer/ >/dev/null
cw_wait_for "$CW_WORK/out/spec-server-upstream.conf" "127.0.0.1:1 down"
cat "$CW_WORK/out/spec-server-upstream.conf"; echo; cat "$CW_WORK/out/spec-server-backends.cfg"
