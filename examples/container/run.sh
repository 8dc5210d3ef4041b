#!/usr/bin/env bash
# The container of this folder without Docker: the image's confdir and nginx
# layout in a temp dir, and confwatch in exec mode as nginx's parent, as it is
# PID 1 in the image:
#   confwatch -exec-kill-signal=SIGQUIT -exec-kill-timeout=20s -- nginx ... -g 'daemon off;'
# Private etcd and a tiny backend (python3 http.server) on loopback. Shows the
# placeholder answering 502, an instance registering (confwatch renders, then
# SIGHUPs nginx), and a SIGTERM becoming nginx's graceful SIGQUIT. Stops
# everything it started.
source "$(dirname "$0")/../lib.sh"
cw_need_binary
if ! "$CW_BIN" --help 2>&1 | grep -q -- '-exec-kill-signal'; then
  echo "This confwatch build has no exec mode yet (the -- command form): nothing to show." >&2
  exit 1
fi
cw_start_etcd
here="$CW_ROOT/examples/container"
ng="$CW_WORK/nginx"
mkdir -p "$CW_WORK/confd/conf.d" "$CW_WORK/confd/templates" "$ng/conf.d" "$ng/tmp" "$CW_WORK/www/greeter"

# What the Dockerfile does to the shipped resource and template.
cp "$CW_ROOT/templates/nginx-grpc-resolver/nginx-grpc-resolver.conf.tmpl" "$CW_WORK/confd/templates/"
sed -e '/^reload_cmd/d' -e "s#/etc/nginx/conf.d#$ng/conf.d#" \
  "$CW_ROOT/templates/nginx-grpc-resolver/nginx-grpc-resolver.toml" >"$CW_WORK/confd/conf.d/nginx-grpc-resolver.toml"
sed -i 's/{{- $always := list -}}/{{- $always := list "greeter" -}}/' "$CW_WORK/confd/templates/nginx-grpc-resolver.conf.tmpl"
port=$(cw_free_port); backend=$(cw_free_port)
sed "s/listen 80 default_server/listen 127.0.0.1:$port default_server/" "$here/site.conf" >"$ng/conf.d/site.conf"
cat >"$ng/nginx.conf" <<NGINX
pid $ng/nginx.pid;
error_log $ng/error.log;
events {}
http {
  access_log off;
  client_body_temp_path $ng/tmp; proxy_temp_path $ng/tmp; fastcgi_temp_path $ng/tmp;
  uwsgi_temp_path $ng/tmp; scgi_temp_path $ng/tmp;
  include $ng/conf.d/*.conf;
}
NGINX

echo "hello from greeter" >"$CW_WORK/www/greeter/index.html"
(cd "$CW_WORK/www" && exec python3 -m http.server "$backend" --bind 127.0.0.1 >/dev/null 2>&1) &
CW_PIDS+=($!)

say "confwatch -- nginx (the image's ENTRYPOINT; settings from CONFWATCH_* variables)"
CONFWATCH_BACKEND=etcdv3 CONFWATCH_NODE="$CW_ETCD" CONFWATCH_CONFDIR="$CW_WORK/confd" \
  "$CW_BIN" -exec-kill-signal=SIGQUIT -exec-kill-timeout=20s -- \
  nginx -c "$ng/nginx.conf" -e "$ng/error.log" -g 'daemon off;' >"$CW_WORK/confwatch.log" 2>&1 &
cw=$!
CW_PIDS+=($cw)
for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
cat "$ng/conf.d/grpc-upstreams.conf"
curl -s -o /dev/null -w "GET /greeter/ -> %{http_code} (no instance yet: the placeholder)\n" "http://127.0.0.1:$port/greeter/"

say "An instance of greeter registers: confwatch renders, then sends nginx SIGHUP"
ctl put "/grpc/greeter/127.0.0.1:$backend" "127.0.0.1:$backend" >/dev/null
cw_wait_for "$CW_WORK/confwatch.log" "sending SIGHUP"
cat "$ng/conf.d/grpc-upstreams.conf"
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/greeter/" && break; sleep 0.1; done

say "docker stop: SIGTERM to confwatch, SIGQUIT to nginx, confwatch exits with nginx's code"
kill -TERM "$cw"
code=0; wait "$cw" || code=$?
echo "confwatch exited with $code"
cat "$CW_WORK/confwatch.log"
