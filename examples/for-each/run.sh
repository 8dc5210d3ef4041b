#!/usr/bin/env bash
# for_each: one nginx conf.d file per service, created when the service's
# first instance registers (under a lease), removed when the last one goes.
# Private etcd on loopback; templates/nginx-vhost-per-service. Stops
# everything it started.
source "$(dirname "$0")/../lib.sh"
cw_start_etcd

say "Two services register as the gRPC resolver does: /grpc/<service>/<ip:port>"
lease=$(ctl lease grant 600 | awk '{print $2}')
ctl put --lease="$lease" /grpc/greeter/10.0.0.1:50051 10.0.0.1:50051 >/dev/null
ctl put --lease="$lease" /grpc/greeter/10.0.0.2:50051 '{"Addr":"10.0.0.2:50051","Metadata":{"weight":3}}' >/dev/null
ctl put /grpc/orders/10.0.1.1:8080 10.0.1.1:8080 >/dev/null
ctl get --prefix --keys-only /grpc/

cw_confdir "$CW_ROOT/templates/nginx-vhost-per-service"
echo "# the admin's own file: confwatch never removes it" >"$CW_WORK/out/default.conf"
say "confwatch -onetime renders one file per service"
cw_onetime
ls -A "$CW_WORK/out"
cat "$CW_WORK/out/greeter.conf"

say "confwatch -watch: a third service appears, then greeter's lease is revoked"
cw_watch
ctl put /grpc/billing/10.0.2.1:9000 10.0.2.1:9000 >/dev/null
cw_wait_for "$CW_WORK/out/billing.conf" "server 10.0.2.1:9000;"
ctl lease revoke "$lease" >/dev/null
for _ in $(seq 1 100); do [[ -e "$CW_WORK/out/greeter.conf" ]] || break; sleep 0.05; done
[[ ! -e "$CW_WORK/out/greeter.conf" ]] || { echo "greeter.conf was not removed" >&2; exit 1; }
ls -A "$CW_WORK/out"
[[ -e "$CW_WORK/out/default.conf" ]] || { echo "default.conf was removed" >&2; exit 1; }
say "The manifest of the files confwatch created"
cw_wait_gone "$CW_WORK/out/.confwatch-nginx-vhost-per-service.toml.manifest" greeter.conf
cat "$CW_WORK/out/.confwatch-nginx-vhost-per-service.toml.manifest"
