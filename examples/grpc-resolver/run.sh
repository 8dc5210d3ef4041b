#!/usr/bin/env bash
# gRPC etcd name resolver layout -> nginx upstreams and haproxy backends.
# Private etcd on loopback, sample registrations, one render, then a watch
# that follows a new weighted instance. Stops everything it started.
source "$(dirname "$0")/../lib.sh"
cw_start_etcd

say "Registering instances as the gRPC resolver does: /grpc/<service>/<ip:port>"
ctl put /grpc/greeter/10.0.0.1:50051 10.0.0.1:50051 >/dev/null
ctl put /grpc/greeter/10.0.0.2:50051 '{"Op":0,"Addr":"10.0.0.2:50051","Metadata":{"weight":3}}' >/dev/null
ctl put /grpc/orders/10.0.1.1:8080 10.0.1.1:8080 >/dev/null
ctl get --prefix /grpc/

cw_confdir "$CW_ROOT/templates/nginx-grpc-resolver" "$CW_ROOT/templates/haproxy-grpc-resolver"
say "confwatch -onetime renders nginx and haproxy files"
cw_onetime
cat "$CW_WORK/out/grpc-upstreams.conf"; echo; cat "$CW_WORK/out/grpc-resolver-backends.cfg"

say "confwatch -watch: orders gets an instance with weight 5 (JSON value)"
cw_watch
ctl put /grpc/orders/10.0.1.2:8080 '{"Addr":"10.0.1.2:8080","weight":5}' >/dev/null
cw_wait_for "$CW_WORK/out/grpc-upstreams.conf" "10.0.1.2:8080 weight=5"
cat "$CW_WORK/out/grpc-upstreams.conf"
