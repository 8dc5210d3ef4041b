#!/bin/bash
# base/ is the bottom module and the one logging API (src/base/sources.cmake):
# it includes no other confwatch module, and nothing but base/logging.* calls
# spdlog. Usage: layering_test.sh <source root>
set -u
src="$1/src"
fail=0
for dir in "$src"/*/; do
  module=$(basename "$dir")
  [ "$module" = base ] && continue
  if grep -rn "#include \"$module/" "$src/base"; then
    echo "FAIL: base/ includes $module/ (above); base/ must need no other module"
    fail=1
  fi
done
if grep -rn 'spdlog::' "$src" --include='*.cc' --include='*.h' |
    grep -v "^$src/base/logging\.\(cc\|h\):"; then
  echo "FAIL: spdlog called outside base/logging (above): use LogInfo/LogWarning/LogError/LogDebug"
  fail=1
fi
[ $fail = 0 ] && echo "base/ includes no other module; spdlog only in base/logging"
exit $fail
