# Sourced by tests/build.sh and tests/sanitize/run.sh: when ccache is
# installed (tests/install-deps.sh installs it), compile through it, with paths
# under the checkout made relative so that a fresh clone in another folder
# (CI's) hits the objects an earlier build cached. Sets CW_LAUNCHER to the
# cmake arguments to pass; empty without ccache or with CONFWATCH_CCACHE=0.
CW_LAUNCHER=()
if [ "${CONFWATCH_CCACHE:-1}" != "0" ] && command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="${root:?}" CCACHE_NOHASHDIR=true
  # Three build trees (Release, ASan, TSan) of about 1 GB of objects each.
  if [ -z "${CCACHE_MAXSIZE:-}" ] && ! ccache -p 2>/dev/null | grep -q '(.*ccache.conf) max_size'; then
    export CCACHE_MAXSIZE=8G
  fi
  CW_LAUNCHER=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
