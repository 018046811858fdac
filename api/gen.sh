#!/bin/sh
# Regenerates api/fb from api/nanoapi.fbs with flatc (Debian bookworm's
# flatbuffers-compiler, flatc 2.0.8) and gofmt.
#
#   api/gen.sh       check: exit 1 if api/fb/nanoapi_generated.go is not
#                    exactly what flatc + gofmt make of api/nanoapi.fbs
#   api/gen.sh -w    rewrite it (what `go generate ./api` runs)
#
# CI: apt-get install -y flatbuffers-compiler && api/gen.sh
set -eu
cd "$(dirname "$0")"

if ! command -v flatc >/dev/null 2>&1; then
	echo "gen.sh: flatc not found (apt-get install -y flatbuffers-compiler)" >&2
	exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --go-namespace fb: the Go package is "fb" (directory api/fb) although the
# schema's namespace, which is what goes on the wire and in JSON, stays nanoapi.
flatc --go --gen-object-api --gen-onefile --go-namespace fb -o "$tmp" nanoapi.fbs
gofmt -w "$tmp/nanoapi_generated.go"

if [ "${1:-}" = "-w" ]; then
	cp "$tmp/nanoapi_generated.go" fb/nanoapi_generated.go
	exit 0
fi

if ! diff -u fb/nanoapi_generated.go "$tmp/nanoapi_generated.go"; then
	echo "gen.sh: api/fb is stale or hand-edited ($(flatc --version)); run: go generate ./api" >&2
	exit 1
fi
echo "gen.sh: api/fb matches nanoapi.fbs ($(flatc --version))"
