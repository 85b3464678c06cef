#!/usr/bin/env bash
# bench/build-floor.sh DIR: compiles bench/floor.c (the single-threaded C floor) into DIR/floor when it is missing or
# older than its source, and prints its path. The binary is written under a temporary name and renamed, so a run
# that uses DIR/floor meanwhile (another bench script on the same folder) never sees a half-written file.
set -euo pipefail
dir=${1:?usage: bench/build-floor.sh DIR}
cd "$(dirname "$0")/.."
mkdir -p "$dir"
if [ ! -x "$dir/floor" ] || [ bench/floor.c -nt "$dir/floor" ]; then
  cc -O2 -o "$dir/floor.tmp.$$" bench/floor.c -lzip
  mv -f "$dir/floor.tmp.$$" "$dir/floor"
fi
echo "$dir/floor"
