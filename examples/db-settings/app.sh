#!/usr/bin/env bash
# A stand-in for a legacy application that reads its database settings from an
# ini file at start and again on SIGHUP (the signal confwatch sends through
# reload_signal + pid_file). Usage: app.sh INI PIDFILE LOG
ini="$1"; pidfile="$2"; log="$3"
echo $$ >"$pidfile"
read_settings() {
  local host port
  host=$(sed -n 's/^host = //p' "$ini"); port=$(sed -n 's/^port = //p' "$ini")
  echo "$(date +%T) app[$$]: (re)read $ini: connecting to $host:$port" >>"$log"
}
trap read_settings HUP
trap 'exit 0' TERM
read_settings
# `sleep & wait`: wait returns as soon as a signal arrives, so HUP is handled at once.
while :; do sleep 1 & wait $!; done
