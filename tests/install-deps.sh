#!/usr/bin/env bash
# Installs, with apt-get, whatever confwatch needs to build, test and run its
# demo that this Debian machine does not have yet. Idempotent: packages already
# present are skipped, and nothing is fetched when nothing is missing.
set -euo pipefail

PACKAGES=(
  cmake g++ make pkg-config git ccache
  protobuf-compiler protobuf-compiler-grpc libprotobuf-dev libgrpc++-dev
  libabsl-dev libtoml11-dev nlohmann-json3-dev
  libspdlog-dev libssl-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libre2-dev
  etcd-server etcd-client nginx haproxy openssl curl procps util-linux python3
  dpkg-dev lintian groff-base man-db gzip
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian starts nginx (and haproxy) as services on install; our tests and demo
# run their own on free loopback ports or only use `haproxy -c`, and need none
# of the system's. (haproxy: the haproxy templates' check_cmd in tests/e2e.)
