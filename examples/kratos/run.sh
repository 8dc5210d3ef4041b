#!/usr/bin/env bash
# Kratos etcd registry layout -> nginx upstreams and haproxy backends, the
# http:// endpoints in <name>, the grpc:// ones in <name>_grpc. Private etcd
# on loopback, apps registered as Kratos does (one JSON instance per app
# under /microservices/<name>/<id>, bound to a lease), one render, then a
# watch that follows an app whose lease is revoked. Stops everything it
# started.
source "$(dirname "$0")/../lib.sh"
cw_start_etcd

register() {  # register NAME ID JSON -> prints the lease
  local lease
  lease=$(ctl lease grant 60 | awk '{print $2}')
  ctl put --lease="$lease" "/microservices/$1/$2" "$3" >/dev/null
  echo "$lease"
}

say "Registering apps as Kratos does: /microservices/<name>/<id> = ServiceInstance JSON"
register helloworld 4f7c6e2a-3b1d-11ef-9c2a-0242ac120002 '{"id":"4f7c6e2a-3b1d-11ef-9c2a-0242ac120002","name":"helloworld","version":"v1.0.0","metadata":{"weight":"3"},"endpoints":["http://10.0.0.1:8000","grpc://10.0.0.1:9000"]}' >/dev/null
gone=$(register helloworld 8d0e5b14-3b1d-11ef-9c2a-0242ac120002 '{"id":"8d0e5b14-3b1d-11ef-9c2a-0242ac120002","name":"helloworld","version":"v1.0.0","metadata":null,"endpoints":["http://10.0.0.2:8000","grpc://10.0.0.2:9000"]}')
ctl get --prefix /microservices/

cw_confdir "$CW_ROOT/templates/nginx-kratos" "$CW_ROOT/templates/haproxy-kratos"
say "confwatch -onetime renders nginx and haproxy files"
cw_onetime
cat "$CW_WORK/out/kratos-upstreams.conf"; echo; cat "$CW_WORK/out/kratos-backends.cfg"
grep -q 'upstream helloworld_grpc' "$CW_WORK/out/kratos-upstreams.conf" || { echo "no helloworld_grpc upstream" >&2; exit 1; }

say "confwatch -watch: the second app's lease is revoked (it stopped)"
cw_watch
ctl lease revoke "$gone" >/dev/null
cw_wait_gone "$CW_WORK/out/kratos-upstreams.conf" "10.0.0.2:"
cat "$CW_WORK/out/kratos-upstreams.conf"
