#!/usr/bin/env bash
# bench/validate-cpu.sh [BEFORE]: CPU seconds and wall time of `overblik validate` on the 1,000-copy tree that
# bench/validate.sh builds, with --jobs 1 and --jobs 2, interleaved run by run with the same commands of BEFORE
# (another overblik binary, e.g. main's release build) so that a shared machine's load falls on both alike:
#   overblik validate TREE --level strict --format jsonl --output /dev/null --jobs J
# RUNS (default 5) rounds; medians of user+system CPU and of wall time (GNU time); load averages before and after.
# The output of both binaries is compared once (same verdicts and problems, byte for byte). OVERBLIK=path
# benchmarks an already built binary. Jing's side is bench/validate.sh's.
set -euo pipefail
BEFORE=${1:-}
RUNS=${RUNS:-5}
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/overblik-bench}
tree="$work/validate-tree-1000"
[ -f "$tree/.complete" ] || { echo "no tree $tree: run bench/validate.sh 1000 first (it builds the tree)"; exit 1; }
after=$(bench/build-release.sh)
results="$work/validate-cpu.txt"
: >"$results"

run() {  # run NAME BINARY JOBS: one timed run; appends "NAME cpu_seconds wall_seconds"
  /usr/bin/time -f '%U %S %e' -o "$work/time.txt" "$2" validate "$tree" --level strict --format jsonl \
    --output /dev/null --jobs "$3" >/dev/null 2>"$work/stderr.txt" || true
  # GNU time's last line (a failing exit status adds a line before it: validate exits 1 on non-conforming files)
  tail -1 "$work/time.txt" | awk -v n="$1" '{printf "%s %.3f %.3f\n", n, $1 + $2, $3}' >>"$results"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "tree: $tree; $RUNS interleaved rounds; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "$BEFORE" ]; then
  "$BEFORE" validate "$tree" --level strict --format jsonl --output "$work/validate-before.jsonl" --jobs 2 || true
  "$after" validate "$tree" --level strict --format jsonl --output "$work/validate-after.jsonl" --jobs 2 || true
  if cmp -s "$work/validate-before.jsonl" "$work/validate-after.jsonl"; then echo "output: identical"
  else echo "output: DIFFERS ($work/validate-before.jsonl, $work/validate-after.jsonl)"; fi
fi
for _ in $(seq "$RUNS"); do
  for jobs in 1 2; do
    [ -n "$BEFORE" ] && run "before:jobs$jobs" "$BEFORE" "$jobs"
    run "after:jobs$jobs" "$after" "$jobs"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk '
  { cpu[$1] = cpu[$1] " " $2; wall[$1] = wall[$1] " " $3; if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
  function median(list,   a, m, i, j, t) {
    m = split(list, a, " ")
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  END {
    printf "%-14s %10s %10s   %s\n", "command", "CPU s", "wall s", "CPU s (runs)"
    for (i = 1; i <= k; i++) printf "%-14s %10.2f %10.2f  %s\n", order[i], median(cpu[order[i]]), median(wall[order[i]]), cpu[order[i]]
  }' "$results"
