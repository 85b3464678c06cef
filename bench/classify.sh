#!/usr/bin/env bash
# Benchmark: classify N inventory lines (default 1,000,000) with realistic repetition.
#   bench/classify.sh [N] [RUNS]
# Builds the release `overblik`, generates the input with bench/make-inventory-lines.py (fixed seed), then
# times `overblik classify --input FILE` (one JSON line per input line, to /dev/null) RUNS times and prints
# the median, next to two floors on the same file: `wc -l` (reading it) and a Python loop that only splits
# each line into fields (no classification).
set -euo pipefail
N=${1:-1000000}
RUNS=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d /tmp/overblik-bench-classify.XXXXXX)
trap 'rm -rf "$work"' EXIT

bin=$(bench/build-release.sh)
python3 bench/make-inventory-lines.py "$N" > "$work/lines.tsv"
distinct=$(tail -n +2 "$work/lines.tsv" | sort -u | wc -l)

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_runs() {  # command... → prints "median_wall_seconds median_cpu_seconds max_rss_kb"
    local walls=() cpus=() rss=0
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >/dev/null
        read -r wall user sys kb < "$work/time"
        walls+=("$wall")
        cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')")
        (( kb > rss )) && rss=$kb
    done
    printf '%s\n' "${walls[@]}" | median | tr '\n' ' '
    printf '%s\n' "${cpus[@]}" | median | tr '\n' ' '
    echo "$rss"
}

# Sanity: one output line per input line, and the known suites are found.
"$bin" classify --input "$work/lines.tsv" > "$work/out.jsonl"
lines_out=$(wc -l < "$work/out.jsonl")
[[ "$lines_out" -eq "$N" ]] || { echo "expected $N output lines, got $lines_out" >&2; exit 1; }
libre=$(grep -c '"product":"libreoffice","version":"[^"]*","version_line":"[^"]*","component":null,"counts_as_installation":true' "$work/out.jsonl" || true)

read -r overblik_s overblik_cpu overblik_kb < <(time_runs "$bin" classify --input "$work/lines.tsv")
read -r wc_s wc_cpu _ < <(time_runs wc -l "$work/lines.tsv")
read -r py_s py_cpu _ < <(time_runs python3 -c 'import sys
for line in open(sys.argv[1], encoding="utf-8"):
    line.rstrip("\n").split("\t")' "$work/lines.tsv")

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GB RAM"
echo "input: $N lines, $distinct distinct title/publisher/version lines; $libre LibreOffice installations found"
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared; CPU time is the steadier figure)"
echo "runs: $RUNS, medians"
printf '%-42s %7s s wall  %7s s CPU  %9s lines/s (wall)  peak RSS %s MB\n' "overblik classify --input (release)" \
    "$overblik_s" "$overblik_cpu" "$(awk -v n="$N" -v s="$overblik_s" 'BEGIN{printf "%d", n/s}')" "$((overblik_kb / 1024))"
printf '%-42s %7s s wall  %7s s CPU\n' "floor: wc -l" "$wc_s" "$wc_cpu"
printf '%-42s %7s s wall  %7s s CPU\n' "floor: python3 split lines into fields" "$py_s" "$py_cpu"

# Catalog load: the whole-process time of one classification minus that of `overblik --version` (process
# start alone), medians of 21 runs each, wall and CPU (the CPU figure is the steadier one on a shared machine);
# once with the parsed-catalog cache and once without it (OVERBLIK_CATALOG_CACHE=off: YAML parsed every run).
python3 - "$bin" <<'PY'
import os, resource, statistics, subprocess, sys, time
binary = sys.argv[1]
def runs(args, env=None, n=21):
    walls, cpus = [], []
    for _ in range(n):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([binary, *args], stdout=subprocess.DEVNULL, env=env, check=True)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000
subprocess.run([binary, "classify", "LibreOffice 7.6"], stdout=subprocess.DEVNULL, check=True)  # fills the cache
start = runs(["--version"])
cached = runs(["classify", "LibreOffice 7.6"])
uncached = runs(["classify", "LibreOffice 7.6"], env={**os.environ, "OVERBLIK_CATALOG_CACHE": "off"})
print(f"{'process start (overblik --version)':42} {start[0]:7.1f} ms wall {start[1]:6.1f} ms CPU")
for name, (wall, cpu) in (("classify one title, catalog cached", cached), ("classify one title, cache off", uncached)):
    print(f"{name:42} {wall:7.1f} ms wall {cpu:6.1f} ms CPU  -> load+classify {wall - start[0]:5.1f} ms wall, "
          f"{cpu - start[1]:5.1f} ms CPU (target: catalog load < 20 ms)")
PY
