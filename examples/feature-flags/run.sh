#!/usr/bin/env bash
# /flags/<name> -> one JSON file with typed values. Private etcd on loopback,
# sample flags, one render, then a watch that follows a flag flip. Stops
# everything it started.
source "$(dirname "$0")/../lib.sh"
cw_start_etcd

say "Setting flags under /flags/"
ctl put /flags/new_checkout true >/dev/null
ctl put /flags/max_cart_items 50 >/dev/null
ctl put /flags/banner 'Sale: 20% off "everything"' >/dev/null
ctl put /flags/min_app_version 2.1.0 >/dev/null
ctl get --prefix /flags/

cw_confdir "$CW_ROOT/templates/feature-flags"
say "confwatch -onetime renders flags.json (booleans and numbers stay JSON literals)"
cw_onetime
cat "$CW_WORK/out/flags.json"

say "confwatch -watch: new_checkout is switched off"
cw_watch
ctl put /flags/new_checkout false >/dev/null
cw_wait_for "$CW_WORK/out/flags.json" '"new_checkout": false'
cat "$CW_WORK/out/flags.json"
