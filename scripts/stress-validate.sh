#!/usr/bin/env bash
# scripts/stress-validate.sh [RUNS]: runs the validation/scanner concurrency stress test and the time-limit tests
# RUNS times (default 20) in fresh test processes, as the crash that reverted the first validate merge needed a
# fresh process to show. Needs a debug build with tests (swift build --build-tests). OVERBLIK_STRESS_ROUNDS sets
# the rounds per run (default 3). Prints one line per run and fails at the first failing run.
set -euo pipefail
RUNS=${1:-20}
cd "$(dirname "$0")/.."
for run in $(seq "$RUNS"); do
  start=$(date +%s)
  if ! swift test --skip-build --filter 'ConcurrencyStressTests|TimeLimitTests' >"/tmp/stress-validate-$run.log" 2>&1; then
    echo "run $run: FAILED (log: /tmp/stress-validate-$run.log)"
    exit 1
  fi
  echo "run $run: passed in $(( $(date +%s) - start )) s"
done
