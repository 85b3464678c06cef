#!/usr/bin/env bash
# bench/scan.sh N [EXIFTOOL_N]: documents/second and peak memory of `overblik scan` (release build) against
# peers on one tree of N real documents (copies of fixtures/documents/generated and corpus):
#   overblik scan --no-store --format jsonl --jobs $(nproc)      (output to /dev/null)
#   exiftool -r -fast -json                            (on the first EXIFTOOL_N files only, default 2000: slow)
#   bench/python-reader.py                             (zipfile + ElementTree, one process per core)
#   bench/floor.c                                      (single-threaded C: libzip open + read meta.xml bytes)
# Warm cache (one untimed pass first); 3 timed runs each; medians. Needs: libimage-exiftool-perl, time, cc.
set -euo pipefail
N=${1:?usage: bench/scan.sh N [EXIFTOOL_N]}
EXIF_N=${2:-2000}
[ "$EXIF_N" -gt "$N" ] && EXIF_N=$N
RUNS=${RUNS:-3}
cd "$(dirname "$0")/.."
repo=$(pwd)
work=${BENCH_DIR:-/tmp/overblik-bench}
tree="$work/tree-$N"
exif_tree="$work/exif-$EXIF_N"
mkdir -p "$work"

for tool in exiftool cc /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install libimage-exiftool-perl time gcc python3)"; exit 1; }
done

# OVERBLIK=path/to/overblik benchmarks an already built binary.
overblik=$(bench/build-release.sh)
bench/build-floor.sh "$work" >/dev/null

make_tree() {  # make_tree DIR COUNT: COUNT copies of the fixture documents, 100 per folder
  local dir=$1 count=$2
  [ -f "$dir/.complete" ] && return
  rm -rf "$dir"
  python3 - "$dir" "$count" "$repo/fixtures/documents" <<'PY'
import os, shutil, sys
target, count, source = sys.argv[1], int(sys.argv[2]), sys.argv[3]
files = sorted(os.path.join(source, d, n) for d in ("generated", "corpus")
               for n in os.listdir(os.path.join(source, d)) if n != "README.md")
for i in range(count):
    folder = os.path.join(target, "d%04d" % (i // 100))
    if i % 100 == 0:
        os.makedirs(folder, exist_ok=True)
    src = files[i % len(files)]
    shutil.copyfile(src, os.path.join(folder, "f%06d_%s" % (i, os.path.basename(src))))
PY
  touch "$dir/.complete"
}
make_tree "$tree" "$N"
make_tree "$exif_tree" "$EXIF_N"

# measure NAME FILES CMD...: RUNS timed runs → median seconds and median peak RSS (MB)
declare -A rate rss
measure() {
  local name=$1 files=$2; shift 2
  "$@" >/dev/null 2>&1 || true   # warm-up
  local times=() mems=() cpus=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -v -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || { cat "$work/stderr.txt"; exit 1; }
    times+=("$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/time.txt")")
    mems+=("$(awk -F': ' '/Maximum resident set size/{printf "%.1f", $2/1024}' "$work/time.txt")")
    cpus+=("$(awk -F': ' '/User time|System time/{s+=$2} END{printf "%.2f", s}' "$work/time.txt")")
  done
  local t m c
  t=$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p")
  m=$(printf '%s\n' "${mems[@]}" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p")
  c=$(printf '%s\n' "${cpus[@]}" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p")
  rate[$name]=$(awk -v f="$files" -v t="$t" 'BEGIN{printf "%.0f", (t > 0 ? f / t : 0)}')
  rss[$name]=$m
  # CPU seconds (user + system) are less sensitive to a loaded machine than wall time.
  printf '%-22s %8s files  %8.2f s  %8s docs/s  %7s MB peak RSS  %7.2f CPU s  %8s docs/CPU-s   (runs: %s)\n' \
    "$name" "$files" "$t" "${rate[$name]}" "$m" "$c" "$(awk -v f="$files" -v c="$c" 'BEGIN{printf "%.0f", (c > 0 ? f / c : 0)}')" "${times[*]}"
}

jobs=$(nproc)
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tree: $N documents ($(du -sh "$tree" | cut -f1)), exiftool tree: $EXIF_N; $RUNS runs each, medians"
# --no-store: this measures reading; with the store a second run would skip every unchanged file (bench/store.sh).
measure "overblik scan" "$N" "$overblik" scan "$tree" --no-store --format jsonl --jobs "$jobs"
measure "floor (C, 1 thread)" "$N" "$work/floor" "$tree"
# libzip calls mktime per entry; with TZ unset glibc re-reads /etc/localtime each time. overblik sets TZ once
# at start-up; this line shows the floor with the same setting (not used in the ratios).
TZ=:/etc/localtime measure "floor, TZ set" "$N" "$work/floor" "$tree"
measure "python (zipfile+ET)" "$N" python3 bench/python-reader.py "$tree"
measure "exiftool -r -fast" "$EXIF_N" exiftool -r -fast -json "$exif_tree"
awk -v o="${rate[overblik scan]}" -v f="${rate[floor (C, 1 thread)]}" -v p="${rate[python (zipfile+ET)]}" \
    -v e="${rate[exiftool -r -fast]}" 'BEGIN{printf "ratios: overblik/floor %.2fx, overblik/exiftool %.0fx, overblik/python %.1fx\n", o/f, o/e, o/p}'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
