#!/usr/bin/env bash
# OpenIM-style keys (<scheme>:///<service>/<ip:port>, no leading '/') -> nginx
# upstreams: a prefix that starts with "<scheme>://" is kept verbatim (see
# README.md here). Stops everything it started.
source "$(dirname "$0")/../lib.sh"
cw_start_etcd

say "Registering instances as OpenIM does: openim:///<service>/<ip:port>"
ctl put openim:///user/10.0.2.1:10110 10.0.2.1:10110 >/dev/null
ctl put openim:///user/10.0.2.2:10110 10.0.2.2:10110 >/dev/null
ctl put openim:///msg/10.0.3.1:10130 10.0.3.1:10130 >/dev/null
ctl get --prefix openim:///

cw_confdir "$CW_ROOT/templates/nginx-grpc-resolver" "$CW_ROOT/templates/nginx-openim"
rm "$CW_WORK/confdir/conf.d/nginx-grpc-resolver.toml"
say "confwatch -onetime with prefix = \"openim:///\" (templates/nginx-openim)"
cw_onetime
cat "$CW_WORK/out/openim-upstreams.conf"
grep -q "upstream user" "$CW_WORK/out/openim-upstreams.conf" || { say "no upstream rendered"; exit 1; }
