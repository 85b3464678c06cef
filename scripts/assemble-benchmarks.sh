#!/usr/bin/env bash
# Rebuilds BENCHMARKS.md from its hand-kept summary (bench/SUMMARY.md) and each benchmark's write-up
# (bench/results/*.md, written by the bench scripts' runs). Run after re-running a benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
{
    cat bench/SUMMARY.md
    for name in scan classify import store report; do
        file="bench/results/$name.md"
        [ -f "$file" ] || continue
        printf '\n---\n\n'
        # Demote the write-up's headings one level so they nest under this file's title.
        sed -e 's/^# /## /' -e 's/^## \(.*\)$/### \1/' "$file" | sed -e '1s/^### /## /'
    done
} > BENCHMARKS.md
echo "wrote BENCHMARKS.md"
