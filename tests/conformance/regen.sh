#!/usr/bin/env bash
# Regenerates tests/conformance/golden/*.json from tests/conformance/cases/*.txt
# by rendering every case with Go's own text/template and confd's function map
# (tests/conformance/gen). Needs golang-go (>= 1.19) and
# golang-github-masterminds-sprig-dev (gen/vendor links to its source under
# /usr/share/gocode/src); no network.
# CI never runs this: it checks the committed goldens with the C++ runner.
# Review `git diff tests/conformance/golden` before committing: every changed
# expectation must be explained by a changed case.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export GOFLAGS=-mod=vendor GOPROXY=off GOSUMDB=off GOTOOLCHAIN=local
export GOCACHE="${GOCACHE:-${TMPDIR:-/tmp}/confwatch-conformance-gocache}"
rm -f "$here"/golden/*.json
cd "$here/gen"
go vet ./...
go run . -cases "$here/cases" -golden "$here/golden"
