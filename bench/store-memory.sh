#!/usr/bin/env bash
# bench/store-memory.sh N [BEFORE]: peak memory (GNU time's maximum RSS), wall and CPU seconds of a first scan of N
# files into a new SQLite store and of its unchanged rescans (issue 14: under 100 MB at 1,000,000 files), with this
# build's release binary and, interleaved run by run, with BEFORE (another overblik binary, e.g. main's release).
# The tree is bench/store.sh's (hard links to fixtures/documents, 1,000 a folder), kept in $BENCH_DIR/store-tree-N
# and reused when it is complete. Each binary rescans a store it scanned first itself (same tree, same files).
# RUNS (default 3) rescans per binary; FIRST=0 reuses the stores of an earlier run instead of scanning first.
# OVERBLIK=path benchmarks an already built binary.
set -euo pipefail
N=${1:?usage: bench/store-memory.sh N [BEFORE]}
BEFORE=${2:-}
RUNS=${RUNS:-3}
FIRST=${FIRST:-1}
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/overblik-bench}
tree="$work/store-tree-$N"
after=$(bench/build-release.sh)
mkdir -p "$work"
if [ ! -f "$tree/.complete" ]; then
    rm -rf "$tree"
    bench/link-tree.sh "$tree" "$N"
    touch "$tree/.complete"
fi
binaries=(after)
[ -n "$BEFORE" ] && binaries=(before after)
binary() { if [ "$1" = before ]; then echo "$BEFORE"; else echo "$after"; fi; }
results="$work/store-memory-$N.txt"
: >"$results"
# run LABEL KIND: one timed scan; appends "LABEL KIND wall user sys peak_kB" to the results.
run() {
    local store="$work/store-memory-$N-$1.sqlite"
    [ "$2" = first ] && rm -f "$store" "$store"-*
    /usr/bin/time -f "$1 $2 %e %U %S %M" -a -o "$results" "$(binary "$1")" scan "$tree" --organisation 751 \
        --store "$store" --format summary >/dev/null
}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "tree: $tree ($N files); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$FIRST" = 1 ]; then for label in "${binaries[@]}"; do run "$label" first; done; fi
for _ in $(seq "$RUNS"); do for label in "${binaries[@]}"; do run "$label" rescan; done; done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %-7s %8s %8s %8s %9s\n' binary scan "wall s" "user s" "sys s" "peak MB"
awk '{ printf "%-8s %-7s %8.2f %8.2f %8.2f %9.1f\n", $1, $2, $3, $4, $5, $6 / 1024 }' "$results"
