#!/usr/bin/env bash
# go-micro etcd registry layout -> nginx upstreams and haproxy backends.
# Private etcd on loopback, sample registrations, one render, then a watch
# that follows a registration whose lease is revoked. Stops everything it
# started.
source "$(dirname "$0")/../lib.sh"
cw_start_etcd

say "Registering services as go-micro does: /micro-registry/<service>/<service>-<uuid> = JSON"
ctl put /micro-registry/greeter/greeter-5b1c '{"name":"greeter","version":"latest","metadata":null,"endpoints":[],"nodes":[{"id":"greeter-5b1c","address":"10.0.0.1:9000","metadata":{"weight":"3"}}]}' >/dev/null
lease=$(ctl lease grant 60 | awk '{print $2}')
ctl put --lease="$lease" /micro-registry/greeter/greeter-9e27 '{"name":"greeter","nodes":[{"id":"greeter-9e27","address":"10.0.0.2","port":9000}]}' >/dev/null
ctl put /micro-registry/go.micro.srv.orders/go.micro.srv.orders-77aa '{"name":"go.micro.srv.orders","nodes":[{"id":"orders-77aa","address":"10.0.1.1:9100"}]}' >/dev/null
ctl get --prefix /micro-registry/

cw_confdir "$CW_ROOT/templates/nginx-go-micro" "$CW_ROOT/templates/haproxy-go-micro"
say "confwatch -onetime renders nginx and haproxy files"
cw_onetime
cat "$CW_WORK/out/micro-upstreams.conf"; echo; cat "$CW_WORK/out/go-micro-backends.cfg"

say "confwatch -watch: greeter-9e27's lease is revoked (the instance died)"
cw_watch
ctl lease revoke "$lease" >/dev/null
cw_wait_gone "$CW_WORK/out/micro-upstreams.conf" "10.0.0.2:9000"
cat "$CW_WORK/out/micro-upstreams.conf"
