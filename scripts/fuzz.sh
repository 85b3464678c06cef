#!/usr/bin/env bash
# make fuzz: builds the libFuzzer targets in fuzz/ (-sanitize=fuzzer,address) and runs each for FUZZ_SECONDS,
# one at a time under nice, seeded from fixtures/. Findings (crash-*, leak-*, timeout-*, oom-* inputs) land in
# fuzz/artifacts/<target>/, libFuzzer's log in fuzz/logs/<target>.log; the summary line of each run is printed.
#   FUZZ_SECONDS=900 FUZZ_TARGETS="fuzz-csv fuzz-submission" make fuzz
# See FUZZING.md for what each target drives and what the runs found.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fuzz="$root/fuzz"
seconds="${FUZZ_SECONDS:-60}"
all_targets="fuzz-document-package fuzz-document-flat fuzz-compound-file fuzz-csv fuzz-inventory-xml
  fuzz-inventory-json fuzz-spreadsheet fuzz-submission fuzz-odf-validation"
targets="${FUZZ_TARGETS:-$all_targets}"
swift="${SWIFT:-swift}"
# Debug by default (what the recorded runs used); FUZZ_CONFIGURATION=release runs several times more inputs a
# second after a much longer build.
configuration="${FUZZ_CONFIGURATION:-debug}"
# Seconds one input may take before libFuzzer calls it a hang. Generous: on a loaded shared machine a nice 19
# process waits for the CPU, and an input that takes 1 s alone took 25 s there.
timeout="${FUZZ_TIMEOUT:-60}"
# Priority of the fuzzers (not of the build): 19 leaves the machine to others; FUZZ_NICE=0 on a machine kept for
# the runs gives them a fair share.
priority="${FUZZ_NICE:-19}"

# The toolchain's gold linker fails on the sanitised link (an internal error in its DWARF reader); its own lld
# does not. The toolset file names it.
toolchain_bin="$(dirname "$(readlink -f "$(command -v "$swift")")")"
mkdir -p "$fuzz/.build"
printf '{ "schemaVersion": "1.0", "linker": { "path": "%s/ld.lld" } }\n' "$toolchain_bin" >"$fuzz/.build/toolset.json"
nice -n 19 "$swift" build -c "$configuration" --package-path "$fuzz" --toolset "$fuzz/.build/toolset.json" \
    -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -v "Cannot export local symbol" || true
bin="$("$swift" build -c "$configuration" --package-path "$fuzz" --show-bin-path)"

# Seeds: the fixtures each reader is meant for (small enough for libFuzzer to mutate quickly).
seeds() {
    local target="$1"
    case "$target" in
        fuzz-document-package)
            find "$root/fixtures/documents" "$root/fixtures/features" "$root/fixtures/zip" -type f -size -300k \
                \( -name '*.od?' -o -name '*.ot?' -o -name '*.docx' -o -name '*.do?m' -o -name '*.xls[xmb]' \
                -o -name '*.xl?m' -o -name '*.xlam' -o -name '*.ppt[xm]' -o -name '*.sx?' -o -name '*.st?' \
                -o -name '*.zip' \) ;;
        fuzz-document-flat)
            find "$root/fixtures/documents" -type f \( -name '*.fod?' -o -name '*.xml' \) ;;
        fuzz-compound-file)
            find "$root/fixtures/documents" "$root/fixtures/features" -type f -size -300k \
                \( -name '*.doc' -o -name '*.dot' -o -name '*.xls' -o -name '*.xlt' -o -name '*.ppt' \
                -o -name '*.bin' -o -name 'encrypted.*x' -o -name '*_password.*x' \) ;;
        fuzz-csv)
            find "$root/fixtures/inventory" "$root/fixtures/usage" "$root/fixtures/catalog" -type f \
                \( -name '*.csv' -o -name '*.tsv' -o -name '*.txt' \) ;;
        fuzz-inventory-xml) find "$root/fixtures/inventory" -type f -name '*.xml' ;;
        fuzz-inventory-json) find "$root/fixtures/inventory" -type f \( -name '*.json' -o -name '*.jsonl' \) ;;
        fuzz-spreadsheet)
            find "$root/fixtures/spreadsheet" "$root/fixtures/inventory/kitos" -type f \
                \( -name '*.xlsx' -o -name '*.ods' \) ;;
        fuzz-submission) find "$root/fixtures/demo/submissions" -type f -name '*.json' ;;
        fuzz-odf-validation)
            find "$root/fixtures/validation" "$root/fixtures/documents" -type f -size -300k \
                \( -name '*.od?' -o -name '*.ot?' -o -name '*.fod?' \) ;;
        *) echo "unknown fuzz target: $target" >&2; exit 2 ;;
    esac
}

for target in $targets; do
    corpus="$fuzz/corpus/$target"
    artifacts="$fuzz/artifacts/$target"
    mkdir -p "$corpus" "$artifacts" "$fuzz/logs"
    seeds "$target" | while read -r seed; do cp -n "$seed" "$corpus/" 2>/dev/null || true; done
    # OpenOffice.org 1.x packages hold flat 1.x XML: their meta.xml and content.xml seed the flat reader too.
    if [ "$target" = fuzz-document-flat ]; then
        for package in $(find "$root/fixtures/documents" -name '*.sx?' -o -name '*.st?'); do
            for part in meta.xml content.xml; do
                unzip -p "$package" "$part" >"$corpus/$(basename "$package").$part" 2>/dev/null || true
            done
        done
    fi
    log="$fuzz/logs/$target.log"
    echo "== $target for ${seconds}s (corpus $(ls "$corpus" | wc -l) files; log $log)"
    status=0
    ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" LSAN_OPTIONS="suppressions=$fuzz/lsan.supp" \
        nice -n "$priority" "$bin/$target" "$corpus" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2560 \
        -max_len=1048576 -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1 || status=$?
    grep -E '^#[0-9]+\s+(DONE|INITED)|stat::number_of_executed_units|stat::peak_rss_mb' "$log" | tail -3 || true
    ls "$artifacts" | sed -e 's/^slow-unit-/   slow input (information): slow-unit-/' -e t -e 's/^/   finding: /'
    if [ "$status" -ne 0 ]; then echo "   $target exited with $status (see $log)"; fi
done
