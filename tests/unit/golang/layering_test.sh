#!/bin/bash
# The module map's arrows point one way: funcs -> template -> golang, golang
# needs no other module, register/ does not reach up into app/, exec/ does
# not need daemon/. A module listed in `allowed` may include only itself,
# base/ (the bottom module) and the modules listed for it; an include of any
# other src/ module fails, naming the line.
# Usage: layering_test.sh <source root>
set -u
src="$1/src"
declare -A allowed=(
  [golang]=""
  [template]="golang"
  [funcs]="template golang store process"
  [store]="golang process"
  [exec]="base process"
)
# Modules that must not include one particular module above them.
declare -A forbidden=(
  [register]="app"
)
fail=0
modules=$(cd "$src" && ls -d */ | tr -d /)
check() {  # check <module> <other>: fails when <module> includes <other>/
  if grep -rn "#include \"$2/" "$src/$1"; then
    echo "FAIL: $1/ includes $2/ (above)"
    fail=1
  fi
}
for m in "${!allowed[@]}"; do
  for other in $modules; do
    [ "$other" = "$m" ] || [ "$other" = base ] && continue
    case " ${allowed[$m]} " in *" $other "*) continue ;; esac
    check "$m" "$other"
  done
done
for m in "${!forbidden[@]}"; do
  for other in ${forbidden[$m]}; do check "$m" "$other"; done
done
[ $fail = 0 ] && echo "module includes follow the map: golang <- template <- funcs; register/ without app/; exec/ without daemon/"
exit $fail
