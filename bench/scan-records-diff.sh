#!/usr/bin/env bash
# bench/scan-records-diff.sh BEFORE [AFTER]: proves a reader change kept every record byte for byte. Runs
# `overblik scan --no-store --format jsonl` with two binaries (BEFORE, e.g. main's release build, and AFTER,
# default this worktree's release build) over fixtures/, the shared ODF corpus (/work/shared/corpus/odf, when
# present) and the bench tree of N documents (SCAN_DIFF_N, default 20000, when bench/scan.sh has built it),
# once with --jobs 1 and once with the default readers, with and without --include-personal-data, and diffs the
# records (sorted: records arrive in order of completion). Exits non-zero on the first difference.
set -euo pipefail
BEFORE=${1:?usage: bench/scan-records-diff.sh BEFORE [AFTER]}
cd "$(dirname "$0")/.."
AFTER=${2:-$(bench/build-release.sh)}
N=${SCAN_DIFF_N:-20000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TZ=:/etc/localtime

roots=(fixtures)
[ -d /work/shared/corpus/odf ] && roots+=(/work/shared/corpus/odf)
tree=${BENCH_DIR:-/tmp/overblik-bench}/tree-$N
[ -f "$tree/.complete" ] && roots+=("$tree")

status=0
for root in "${roots[@]}"; do
  for options in "--jobs 1" "" "--include-personal-data"; do
    for side in before after; do
      binary=$BEFORE
      [ "$side" = after ] && binary=$AFTER
      # shellcheck disable=SC2086 # options are words
      "$binary" scan "$root" --no-store --format jsonl --all-files $options --output "$work/$side.jsonl" \
        >/dev/null 2>"$work/$side.err" || true
      LC_ALL=C sort "$work/$side.jsonl" >"$work/$side.sorted"
    done
    lines=$(wc -l <"$work/after.sorted")
    if cmp -s "$work/before.sorted" "$work/after.sorted"; then
      echo "same      $lines records  $root ${options:-(default readers)}"
    else
      echo "DIFFERENT $lines records  $root ${options:-(default readers)}"
      diff "$work/before.sorted" "$work/after.sorted" | head -20
      status=1
    fi
  done
done
exit $status
