#!/usr/bin/env bash
# bench/scan-cpu.sh N [BEFORE]: CPU µs per document and files/s of `overblik scan` against the single-threaded C
# floor (bench/floor.c, TZ set) on the warm tree of N documents that bench/scan.sh builds, interleaved run by run
# so that a shared machine's load falls on every command alike:
#   floor                          bench/floor.c, TZ=:/etc/localtime
#   parts                          bench/parts-floor.c, TZ set: the parts a scan reads, read and parsed by the C
#                                  libraries alone (libzip, libdeflate, libxml2), single-threaded
#   jobs1                          overblik scan --no-store --format jsonl --jobs 1
#   default                        overblik scan --no-store --format jsonl          (readers chosen while reading)
#   store                          overblik scan --store <fresh SQLite> --format summary   (a first scan)
# With BEFORE (another overblik binary, e.g. main's release build) its three commands run interleaved too.
# RUNS (default 5) rounds; medians of user+system CPU (GNU time) per document and of wall-clock files/s; the load
# average is printed before and after. OVERBLIK=path benchmarks an already built binary.
set -euo pipefail
N=${1:?usage: bench/scan-cpu.sh N [BEFORE]}
BEFORE=${2:-}
RUNS=${RUNS:-5}
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/overblik-bench}
# Resolved: a BENCH_DIR of one's own may link to a shared tree (the floor's nftw does not follow a linked root).
tree=$(readlink -f "$work/tree-$N")
[ -f "$tree/.complete" ] || { echo "no tree $work/tree-$N: run bench/scan.sh $N first (it builds the tree)"; exit 1; }
after=$(bench/build-release.sh)
bench/build-floor.sh "$work" >/dev/null
# This run's own files (two runs sharing a BENCH_DIR must not overwrite each other's timings or store).
scratch=$(mktemp -d "$work/scan-cpu.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
store="$scratch/scan-cpu.sqlite"
results="$scratch/scan-cpu.txt"
: >"$results"

# run NAME CMD...: one timed run; appends "NAME cpu_seconds wall_seconds" to the results.
run() {
  local name=$1; shift
  rm -f "$store" "$store"-*
  /usr/bin/time -f '%U %S %e' -o "$scratch/time.txt" "$@" >/dev/null 2>"$scratch/stderr.txt" || { cat "$scratch/stderr.txt"; exit 1; }
  awk -v n="$name" '{printf "%s %.3f %.3f\n", n, $1 + $2, $3}' "$scratch/time.txt" >>"$results"
}
commands() {  # commands LABEL BINARY
  run "$1:jobs1" "$2" scan "$tree" --no-store --format jsonl --jobs 1
  run "$1:default" "$2" scan "$tree" --no-store --format jsonl
  run "$1:store" "$2" scan "$tree" --organisation 751 --store "$store" --format summary
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "tree: $tree ($N documents); $RUNS interleaved rounds; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
find "$tree" -type f -exec cat {} + >/dev/null   # warm the page cache
# Kept warm: a kernel that reclaims idle page cache on its own would otherwise have the commands read part of the
# tree from disk, the later ones more (DAMON's pageout scheme on the benchmark VM: 7 % of a tree read in full was
# out of memory 40 s later, and a store scan waited on disk reads 9,570 times). With vmtouch (apt-get install
# vmtouch) the tree's pages are locked in memory for the run.
if command -v vmtouch >/dev/null; then
  vmtouch -q -l -d -P "$scratch/vmtouch.pid" "$tree" || echo "vmtouch could not lock the tree (mlock needs root or CAP_IPC_LOCK)"
  trap 'kill "$(cat "$scratch/vmtouch.pid" 2>/dev/null)" 2>/dev/null; rm -rf "$scratch"' EXIT
else
  echo "vmtouch not installed: the tree may not stay in the page cache for the whole run"
fi
commands warmup "$after" >/dev/null; : >"$results"
for _ in $(seq "$RUNS"); do
  TZ=:/etc/localtime run floor "$work/floor" "$tree"
  TZ=:/etc/localtime run parts "$work/parts-floor" "$tree"
  [ -n "$BEFORE" ] && commands before "$BEFORE"
  commands after "$after"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v n="$N" '
  { cpu[$1] = cpu[$1] " " $2; wall[$1] = wall[$1] " " $3; if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
  function median(list,   a, m, i, j, t) {
    m = split(list, a, " ")
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  END {
    fc = median(cpu["floor"]); fw = median(wall["floor"])
    printf "%-16s %12s %10s %10s %12s %14s\n", "command", "CPU µs/doc", "× floor", "files/s", "× floor f/s", "CPU s (runs)"
    for (i = 1; i <= k; i++) {
      c = median(cpu[order[i]]); w = median(wall[order[i]])
      printf "%-16s %12.1f %10.2f %10.0f %12.2f  %s\n", order[i], c * 1e6 / n, c / fc, n / w, fw / w, cpu[order[i]]
    }
  }' "$results"
