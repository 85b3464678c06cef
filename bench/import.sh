#!/usr/bin/env bash
# Benchmark: `overblik import --dry-run --format jsonl` on a 1,000,000-line SCCM-style CSV (real titles, fixed
# seed) against Python's csv module reading the same file. Medians of 3 runs; peak RSS from GNU time.
# Usage: bench/import.sh [LINES]   (release build; results in bench/results/import.md)
set -euo pipefail
cd "$(dirname "$0")/.."
LINES="${1:-1000000}"
RUNS=3
WORK="${TMPDIR:-/tmp}/overblik-bench-import"
mkdir -p "$WORK"
CSV="$WORK/sccm-$LINES.csv"
[ -f "$CSV" ] || python3 scripts/generate-sccm-csv.py "$LINES" "$CSV" 20261123
BIN=$(bench/build-release.sh)
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }

measure() {  # prints "seconds maxrss_kb cpu_seconds" for the command in "$@"
    "$TIME" -f "%e %M %U %S" -o "$WORK/time.txt" "$@" >/dev/null
    awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' "$WORK/time.txt" >"$WORK/time2.txt"
    mv "$WORK/time2.txt" "$WORK/time.txt"
    cat "$WORK/time.txt"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run_many() {  # label, command...
    local label="$1"; shift
    : >"$WORK/$label.txt"
    for _ in $(seq "$RUNS"); do measure "$@" >>"$WORK/$label.txt"; done
    local secs rss cpu
    secs=$(cut -d' ' -f1 "$WORK/$label.txt" | median)
    rss=$(cut -d' ' -f2 "$WORK/$label.txt" | median)
    cpu=$(cut -d' ' -f3 "$WORK/$label.txt" | median)
    echo "$label $secs $rss $cpu"
}

OVERBLIK=$(run_many overblik "$BIN" import "$CSV" --organisation 751 --dry-run --format jsonl --host-key bench)
PIPE=$(run_many overblik-to-pipe sh -c "\"$BIN\" import \"$CSV\" --organisation 751 --dry-run --format jsonl --host-key bench | cat >/dev/null")
SUMMARY=$(run_many overblik-summary "$BIN" import "$CSV" --organisation 751 --dry-run --format summary --host-key bench)
SMALL="$WORK/sccm-$((LINES / 10)).csv"
head -n $((LINES / 10 + 1)) "$CSV" >"$SMALL"
SMALL_RUN=$(measure "$BIN" import "$SMALL" --organisation 751 --dry-run --format jsonl --host-key bench)
PYTHON=$(run_many python python3 -c 'import csv,sys
n=0
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for row in csv.reader(f): n+=1
print(n)' "$CSV")
OUT_LINES=$("$BIN" import "$CSV" --organisation 751 --dry-run --format jsonl --host-key bench | wc -l)

report() {
    read -r label secs rss cpu <<<"$1"
    awk -v l="$label" -v s="$secs" -v r="$rss" -v c="$cpu" -v n="$LINES" \
        'BEGIN {printf "| %s | %.2f | %d | %.2f | %d | %.0f |\n", l, s, n/s, c, n/c, r/1024}'
}
{
    echo "# Import benchmark"
    echo
    echo "Command: \`bench/import.sh $LINES\` ($(date -u +%Y-%m-%d), medians of $RUNS runs)."
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"
    echo "$(free -g | awk '/Mem:/ {print $2}') GB RAM; $(swift --version 2>&1 | head -1)."
    echo
    echo "Input: $LINES-line ConfigMgr v_GS_INSTALLED_SOFTWARE CSV ($(du -h "$CSV" | cut -f1)), real titles from"
    echo "fixtures/inventory, fixed seed (scripts/generate-sccm-csv.py). overblik: release build,"
    echo "\`overblik import FILE --organisation 751 --dry-run --format jsonl > /dev/null\` (detect, parse, map columns,"
    echo "pseudonymise hosts, classify with the catalog, write one JSON line per record: $OUT_LINES lines)."
    echo "Python: \`csv.reader\` only iterating the rows (no classification, no output)."
    echo
    echo "Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) (the 2 cores are shared with other builds;"
    echo "CPU seconds = user + system, the measure least disturbed by other load)."
    echo
    echo "| reader | wall s | lines/s (wall) | CPU s | lines per CPU s | peak RSS MB |"
    echo "|---|---|---|---|---|---|"
    report "$OVERBLIK"
    report "$PIPE"
    report "$SUMMARY"
    report "$PYTHON"
    echo
    echo "overblik-summary: the same import printing only the summary (no JSON output)."
    echo "Memory follows distinct hosts and titles (caches, the installation tally), not lines or bytes:"
    echo "jsonl on the first $((LINES / 10)) lines peaks at"
    echo "$(echo "$SMALL_RUN" | awk '{printf "%.0f", $2/1024}') MB, on all $LINES at $(echo "$OVERBLIK" | awk '{printf "%.0f", $3/1024}') MB"
    echo "(to a regular file or /dev/null the lines go straight out and a failed file's lines are truncated away;"
    echo "to a pipe they are spooled, up to 32 MB in memory and then in a temporary file: see the pipe row)."
    echo
    awk -v a="$(echo "$OVERBLIK" | cut -d' ' -f2)" -v b="$(echo "$PYTHON" | cut -d' ' -f2)" \
        'BEGIN {printf "overblik / Python csv time ratio: %.2f (below 1 = overblik faster)\n", a/b}'
    awk -v s="$(echo "$OVERBLIK" | cut -d' ' -f2)" -v c="$(echo "$OVERBLIK" | cut -d' ' -f4)" -v n="$LINES" 'BEGIN {
        rate = n / s
        printf "\nTarget: at least 500,000 lines/s into jsonl: %s (%.0f lines/s wall, %.0f per CPU second).\n",
            (rate >= 500000 ? "met" : "NOT met"), rate, n / c }'
    echo "The store part (>= 200,000 lines/s into SQLite) belongs to the store benchmark."
} | tee bench/results/import.md
