#!/usr/bin/env bash
# Shared configuration /config/<app>/db/* -> the app's ini file, and the app
# re-reads it on SIGHUP: the resource's reload_signal = "SIGHUP" and pid_file
# (templates/app-settings/app-db-ini.toml). Private etcd on loopback; stops
# everything it started.
source "$(dirname "$0")/../lib.sh"
cw_start_etcd

say "Shared configuration of 'myapp' under /config/myapp/db/"
ctl put /config/myapp/db/host db1.internal >/dev/null
ctl put /config/myapp/db/port 5432 >/dev/null
ctl put /config/myapp/db/user myapp >/dev/null
ctl put /config/myapp/db/name orders >/dev/null
ctl get --prefix /config/myapp/

cw_confdir "$CW_ROOT/templates/app-settings"
rm "$CW_WORK/confdir/conf.d/app-db-env.toml" "$CW_WORK/confdir/conf.d/app-db-json.toml"
sed -i "s#^pid_file = .*#pid_file = \"$CW_WORK/myapp.pid\"#" "$CW_WORK/confdir/conf.d/app-db-ini.toml"
grep -E 'reload_signal|pid_file' "$CW_WORK/confdir/conf.d/app-db-ini.toml"

say "confwatch -onetime writes the first db.ini (the app has not started: nothing to signal yet)"
cw_onetime -sync-only
cat "$CW_WORK/out/db.ini"

say "The app starts and reads db.ini"
"$(dirname "$0")/app.sh" "$CW_WORK/out/db.ini" "$CW_WORK/myapp.pid" "$CW_WORK/app.log" &
CW_PIDS+=($!)
cw_wait_for "$CW_WORK/app.log" "db1.internal"

say "confwatch -watch; the database fails over to db2: new db.ini, then SIGHUP to the app"
cw_watch
ctl put /config/myapp/db/host db2.internal >/dev/null
cw_wait_for "$CW_WORK/app.log" "db2.internal"
cat "$CW_WORK/out/db.ini"
echo; cat "$CW_WORK/app.log"
