#!/usr/bin/env bash
# bench/build-floor.sh DIR: compiles bench/floor.c (the single-threaded C floor) into DIR/floor and bench/parts-floor.c
# (the same walk reading and parsing the parts a scan reads, with the C libraries alone) into DIR/parts-floor when
# missing or older than their source, and prints the floor's path. The binary is written under a temporary name and renamed, so a run
# that uses DIR/floor meanwhile (another bench script on the same folder) never sees a half-written file.
set -euo pipefail
dir=${1:?usage: bench/build-floor.sh DIR}
cd "$(dirname "$0")/.."
mkdir -p "$dir"
if [ ! -x "$dir/floor" ] || [ bench/floor.c -nt "$dir/floor" ]; then
  cc -O2 -o "$dir/floor.tmp.$$" bench/floor.c -lzip
  mv -f "$dir/floor.tmp.$$" "$dir/floor"
fi
if [ ! -x "$dir/parts-floor" ] || [ bench/parts-floor.c -nt "$dir/parts-floor" ]; then
  cc -O2 -I/usr/include/libxml2 -o "$dir/parts-floor.tmp.$$" bench/parts-floor.c -lzip -lxml2 -ldeflate
  mv -f "$dir/parts-floor.tmp.$$" "$dir/parts-floor"
fi
echo "$dir/floor"
