#!/usr/bin/env bash
# Builds the release binary every benchmark measures and prints its path (or prints $OVERBLIK when set).
# The Swift runtime and Foundation are linked statically (--static-swift-stdlib): the binary starts in ~6 ms
# instead of ~10–14 ms (no dynamic loading of 15 Swift libraries), which is a tenth of an unchanged rescan,
# and it runs where the Swift toolchain is not installed (libzip, libxml2 and SQLite stay system libraries).
# A scratch path of its own keeps these flags from rebuilding the debug build in .build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${OVERBLIK:-}" ]; then echo "$OVERBLIK"; exit 0; fi
flags=(-c release --product overblik --static-swift-stdlib --scratch-path "${BENCH_SCRATCH_PATH:-.build-static}")
swift build "${flags[@]}" >&2
echo "$(swift build "${flags[@]}" --show-bin-path)/overblik"
