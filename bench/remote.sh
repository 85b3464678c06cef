#!/usr/bin/env bash
# bench/remote.sh N [DELAY_MS]: `overblik scan` on a tree where every file system call waits, as on an SMB or
# NFS share, against the single-threaded C floor (bench/floor.c) on the same mount. The tree (N copies of the
# fixture documents) is served through bench/latencyfs.py, a FUSE pass-through that answers each lookup,
# getattr, opendir, readdir, open and read after DELAY_MS (default 2 ms, a round trip to a file server in the
# same region); the kernel keeps names and attributes for 1 s and re-reads file data on every open, so each run
# pays the delay again. Runs, medians of RUNS (default 3):
#   floor                                   one thread: open, read meta.xml, close, file after file
#   overblik scan --no-store (readers chosen while reading)
#   overblik scan --no-store --jobs $(nproc)
#   overblik scan --no-store --jobs 32      (the ceiling the scanner allows itself on cifs/nfs mounts; latencyfs
#                                            shows as fuse.latencyfs, a local kind, where its ceiling is 4x the cores)
# and checks that the records read through the mount equal those read from the tree directly.
# Needs root (mount) and /dev/fuse.
set -euo pipefail
N=${1:?usage: bench/remote.sh N [DELAY_MS]}
DELAY=${2:-2}
RUNS=${RUNS:-3}
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/overblik-bench}
tree="$work/remote-tree-$N"
mountpoint="$work/remote-mount"
mkdir -p "$work" "$mountpoint"
overblik=$(bench/build-release.sh)
bench/build-floor.sh "$work" >/dev/null
export TZ=UTC  # the floor's libzip time conversions must not re-read /etc/localtime (as in bench/scan.sh)

if [ ! -f "$tree/.complete" ]; then
  rm -rf "$tree"
  python3 - "$tree" "$N" fixtures/documents <<'PY'
import os, shutil, sys
target, count, source = sys.argv[1], int(sys.argv[2]), sys.argv[3]
files = sorted(os.path.join(source, d, n) for d in ("generated", "corpus")
               for n in os.listdir(os.path.join(source, d)) if n != "README.md")
for i in range(count):
    folder = os.path.join(target, "d%04d" % (i // 100))
    os.makedirs(folder, exist_ok=True)
    shutil.copyfile(files[i % len(files)], os.path.join(folder, "f%06d_%s" % (i, os.path.basename(files[i % len(files)]))))
PY
  touch "$tree/.complete"
fi

python3 bench/latencyfs.py "$tree" "$mountpoint" "$DELAY" 64 &
server=$!
trap 'umount "$mountpoint" 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q " $mountpoint .* fuse.latencyfs " /proc/self/mountinfo && break; sleep 0.1; done

# measure NAME CMD...: RUNS timed runs (1.2 s apart so cached names expire) -> median wall seconds
measure() {
  local name=$1; shift
  local times=()
  for _ in $(seq "$RUNS"); do
    sleep 1.2
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc -l)")
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
  printf '%-44s %6d files  %8.2f s  %8.0f files/s   (runs: %s)\n' "$name" "$N" "$median" \
    "$(echo "$N / $median" | bc -l)" "$(printf '%.2f ' "${times[@]}")"
  echo "$median" >"$work/remote-$name.median"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tree: $N documents through latencyfs, ${DELAY} ms per request"
measure floor "$work/floor" "$mountpoint"
measure overblik-chosen "$overblik" scan "$mountpoint" --no-store --format jsonl --output "$work/remote-run.jsonl"
measure overblik-jobs-$(nproc) "$overblik" scan "$mountpoint" --no-store --format jsonl --jobs "$(nproc)" --output "$work/remote-run.jsonl"
measure overblik-jobs-32 "$overblik" scan "$mountpoint" --no-store --format jsonl --jobs 32 --output "$work/remote-run.jsonl"
floor=$(cat "$work/remote-floor.median")
for name in overblik-chosen "overblik-jobs-$(nproc)" overblik-jobs-32; do
  printf '%-44s %.2fx the floor\n' "$name" "$(echo "$floor / $(cat "$work/remote-$name.median")" | bc -l)"
done

# The mount is a faithful pass-through: the same records as reading the tree itself (paths and times aside).
"$overblik" scan "$mountpoint" --no-store --format jsonl --output "$work/remote-mounted.jsonl" >/dev/null 2>&1
"$overblik" scan "$tree" --no-store --format jsonl --output "$work/remote-direct.jsonl" >/dev/null 2>&1
python3 - "$work/remote-mounted.jsonl" "$work/remote-direct.jsonl" "$mountpoint" "$tree" <<'PY'
import json, sys
def load(path, root):
    out = {}
    for line in open(path):
        record = json.loads(line)
        key = record.pop("path")[len(root):]
        out[key] = {k: v for k, v in record.items() if k != "modified"}
    return out
mounted, direct = load(sys.argv[1], sys.argv[3]), load(sys.argv[2], sys.argv[4])
differ = [k for k in direct if mounted.get(k) != direct[k]]
print(f"records through the mount equal the direct reading: {len(direct) - len(differ)} of {len(direct)}")
sys.exit(1 if differ or len(mounted) != len(direct) else 0)
PY
