#!/usr/bin/env bash
# make test-asan: the whole test suite under AddressSanitizer, in its own scratch path so that the normal build
# is untouched. Arguments are passed to `swift test` (e.g. --filter CSVReaderTests).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
swift="${SWIFT:-swift}"
scratch="$root/.build-asan"
flags=(--scratch-path "$scratch" -Xswiftc -sanitize=address)
# Swift's runtime keeps caches alive for the process's lifetime; LeakSanitizer reports them at exit as leaks.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
cd "$root"
nice -n 19 "$swift" build --build-tests "${flags[@]}"
scripts/with-postgres.sh "$swift" test --skip-build "${flags[@]}" "$@"
