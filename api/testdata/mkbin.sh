#!/bin/sh
# Remakes api/testdata/*.bin from *.json with flatc (the independent
# oracle; Debian's flatbuffers-compiler, flatc 2.0.8):
#   flatc -b --strict-json api/nanoapi.fbs X.json  ->  X.bin
set -eu
cd "$(dirname "$0")"
for j in *.json; do
	flatc -b --strict-json -o . ../nanoapi.fbs "$j"
done
echo "mkbin.sh: $(ls *.bin | wc -l) fixtures from $(flatc --version)"
