#!/usr/bin/env bash
# bench/readiness.sh [N]: Overblik's feature detection against oletools' oleid on the same N Office files
# (default 2,000: copies of the office files in fixtures/features and fixtures/documents/generated — legacy
# binary, encrypted OOXML, OOXML with VBA, macro sheets, embedded objects and links, ODF with Basic), side by side:
#   overblik scan TREE --no-store --format jsonl --jobs $(nproc)   (every feature, every file)
#   oleid on the same files, $(nproc) processes of 100 files each (xargs -P), output to /dev/null
# Warm cache (one untimed pass first); RUNS timed runs each (default 3); medians. Target: >= 50x oleid's files/s.
# Needs oleid on PATH or OLEID=/path/to/oleid (python3 -m venv v && v/bin/pip install oletools==0.60.2).
set -euo pipefail
N=${1:-2000}
RUNS=${RUNS:-3}
cd "$(dirname "$0")/.."
repo=$(pwd)
work=${BENCH_DIR:-/tmp/overblik-bench-readiness}
tree="$work/tree-$N"
oleid=${OLEID:-$(command -v oleid || true)}
[ -x "$oleid" ] || { echo "oleid not found: set OLEID=/path/to/oleid (pip install oletools)"; exit 1; }
overblik=$(bench/build-release.sh)
mkdir -p "$work"
if [ ! -f "$tree/.complete" ]; then
  rm -rf "$tree"
  python3 - "$tree" "$N" "$repo/fixtures" <<'PY'
import os, shutil, sys
target, count, fixtures = sys.argv[1], int(sys.argv[2]), sys.argv[3]
office = {"doc", "dot", "xls", "xlt", "ppt", "docx", "docm", "dotm", "xlsx", "xlsm", "xlsb", "xltm", "xlam", "pptx",
          "pptm", "odt", "ott", "ods"}
files = sorted(os.path.join(folder, n) for base in ("features", "documents/generated")
               for folder, _, names in os.walk(os.path.join(fixtures, base)) for n in names
               if n.rsplit(".", 1)[-1] in office)
for i in range(count):
    folder = os.path.join(target, "d%03d" % (i // 100))
    os.makedirs(folder, exist_ok=True)
    src = files[i % len(files)]
    shutil.copyfile(src, os.path.join(folder, "f%05d_%s" % (i, os.path.basename(src))))
PY
  touch "$tree/.complete"
fi
find "$tree" -type f ! -name .complete | sort > "$work/files.txt"
jobs=$(nproc)

median() { sort -g | sed -n "$(( (RUNS + 1) / 2 ))p"; }
declare -A rate
measure() {  # measure NAME CMD...
  local name=$1; shift
  "$@" >/dev/null 2>&1 || true
  local times=()
  for _ in $(seq "$RUNS"); do
    local start end
    start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N)
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.3f", b - a}')")
  done
  local t; t=$(printf '%s\n' "${times[@]}" | median)
  rate[$name]=$(awk -v n="$N" -v t="$t" 'BEGIN{printf "%.0f", n / t}')
  printf '%-34s %6s files  %8.3f s  %8s files/s   (runs: %s)\n' "$name" "$N" "$t" "${rate[$name]}" "${times[*]}"
}

echo "machine: $jobs cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tree: $N office files ($(du -sh "$tree" | cut -f1)); $({ "$oleid" --version 2>&1 || true; } | head -1 | cut -d' ' -f1-3); $RUNS runs, medians"
measure "overblik scan (features)" "$overblik" scan "$tree" --no-store --format jsonl --jobs "$jobs"
measure "oleid ($jobs processes)" sh -c "xargs -a '$work/files.txt' -P $jobs -n 100 '$oleid' > /dev/null 2>&1"
awk -v o="${rate[overblik scan (features)]}" -v p="${rate[oleid ($jobs processes)]}" \
  'BEGIN{printf "ratio: overblik/oleid %.0fx (target >= 50x)\n", o / p}'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
