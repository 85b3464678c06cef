#!/usr/bin/env bash
# Benchmark of the estate store (release build), wall time and peak RSS (GNU time):
#   1. first scan vs unchanged rescan of N documents into SQLite (target: rescan >= 20x faster);
#   2. compile of 103 submissions into a national store (SQLite and PostgreSQL);
#   3. import of an L-line SCCM-style inventory CSV into SQLite and into PostgreSQL (target SQLite >= 200,000 lines/s),
#      beside the same import with --dry-run (no store) to show what the store costs;
#   4. ("postgres") the first scan of the N documents and the import of the L lines into PostgreSQL in CPU time:
#      the command's user+system seconds and the server's (its postmaster and every backend it reaped), which a
#      shared machine disturbs less than wall time. Each commits batch by batch (resumable after a kill).
# Medians of 3 runs. PostgreSQL: a throwaway server through scripts/with-postgres.sh.
# Usage: bench/store.sh [DOCUMENTS] [LINES]      results in bench/results/store.md
#        PARTS="scan compile import" (default all) runs only some parts; their sections are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS="${1:-100000}"
LINES="${2:-1000000}"
RUNS=3
PARTS="${PARTS:-scan compile import postgres}"
want() { [[ " $PARTS " == *" $1 "* ]]; }
WORK="${TMPDIR:-/tmp}/overblik-bench-store"
if [ -z "${OVERBLIK_TEST_POSTGRES_URL:-}" ]; then
    exec scripts/with-postgres.sh "$0" "$@"
fi
PG="$OVERBLIK_TEST_POSTGRES_URL"
rm -rf "$WORK"; mkdir -p "$WORK"
BIN=$(bench/build-release.sh)

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b - a}'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# A tree of DOCS documents: hard links to the shipped fixtures (real files, no disk cost), 1,000 per folder.
TREE="$WORK/share"
mapfile -t SOURCES < <(find fixtures/documents -type f -not -path '*/damaged/*' | sort)
if want scan || want postgres; then bench/link-tree.sh "$TREE" "$DOCS"; fi

# 1. First scan vs unchanged rescan (each run on a fresh store, page cache warm).
if want scan; then
find "$TREE" -type f -exec cat {} + >/dev/null
# Each command timed by GNU time: wall seconds and peak RSS (KB), one line per run.
timed() { local out="$1"; shift; /usr/bin/time -f "%e %M" -a -o "$out" "$@"; }
: >"$WORK/first.txt"; : >"$WORK/rescan.txt"; : >"$WORK/nostore.txt"
for _ in $(seq "$RUNS"); do
    rm -f "$WORK/scan.sqlite"*
    timed "$WORK/first.txt" "$BIN" scan "$TREE" --organisation 751 --store "$WORK/scan.sqlite" --format summary >/dev/null
    timed "$WORK/rescan.txt" "$BIN" scan "$TREE" --organisation 751 --store "$WORK/scan.sqlite" --format summary \
        >"$WORK/rescan-out.txt"
    timed "$WORK/nostore.txt" "$BIN" scan "$TREE" --no-store --format summary >/dev/null
done
column_median() { awk -v c="$2" '{print $c}' "$1" | median; }
FIRST=$(column_median "$WORK/first.txt" 1); RESCAN=$(column_median "$WORK/rescan.txt" 1)
NOSTORE=$(column_median "$WORK/nostore.txt" 1)
FIRST_RSS=$(( $(column_median "$WORK/first.txt" 2) / 1024 )); RESCAN_RSS=$(( $(column_median "$WORK/rescan.txt" 2) / 1024 ))
NOSTORE_RSS=$(( $(column_median "$WORK/nostore.txt" 2) / 1024 ))
RESCAN_LINE=$(grep '^Store' "$WORK/rescan-out.txt" | sed "s#$WORK/##")
fi

# 2. 103 submissions: one store holding a small scan for every authority, exported one by one.
if want compile; then
SMALL="$WORK/small"; mkdir -p "$SMALL"
for ((i = 0; i < 60; i++)); do src="${SOURCES[$((i % ${#SOURCES[@]}))]}"; ln "$src" "$SMALL/d$i.${src##*.}"; done
mkdir -p "$WORK/submissions"
CODES=$("$BIN" authorities --format json | python3 -c 'import json,sys; print(" ".join(str(a["code"]) for a in json.load(sys.stdin)))')
for code in $CODES; do
    "$BIN" scan "$SMALL" --organisation "$code" --store "$WORK/authorities.sqlite" --format summary >/dev/null
    "$BIN" export --organisation "$code" --period 2026 --synthetic --store "$WORK/authorities.sqlite" \
        --output "$WORK/submissions/$code.json" >/dev/null
done
NSUB=$(ls "$WORK/submissions" | wc -l)
compile_runs() {  # store-location-maker
    : >"$WORK/compile.txt"
    for r in $(seq "$RUNS"); do
        local store; store=$("$1" "$r")
        t0=$(now); "$BIN" compile "$WORK"/submissions/*.json --store "$store" >/dev/null; t1=$(now)
        elapsed "$t0" "$t1" >>"$WORK/compile.txt"; echo >>"$WORK/compile.txt"
    done
    grep . "$WORK/compile.txt" | median
}
sqlite_store() { echo "$WORK/national-$1.sqlite"; }
pg_store() { echo "$PG?schema=bench_compile_$1"; }
COMPILE_SQLITE=$(compile_runs sqlite_store)
COMPILE_PG=$(compile_runs pg_store)
AGAIN0=$(now); "$BIN" compile "$WORK"/submissions/*.json --store "$WORK/national-1.sqlite" >/dev/null; AGAIN1=$(now)
COMPILE_AGAIN=$(elapsed "$AGAIN0" "$AGAIN1")
fi

# 3. Import of LINES inventory lines.
CSV="$WORK/sccm-$LINES.csv"
if want import || want postgres; then python3 scripts/generate-sccm-csv.py "$LINES" "$CSV" 20261123; fi
if want import; then
import_runs() {  # label, store-location-maker ("" for --dry-run)
    : >"$WORK/import.txt"
    for r in $(seq "$RUNS"); do
        if [ -z "$2" ]; then
            t0=$(now); "$BIN" import "$CSV" --organisation 751 --dry-run --host-key bench >/dev/null; t1=$(now)
        else
            local store; store=$("$2" "$r")
            t0=$(now); "$BIN" import "$CSV" --organisation 751 --store "$store" --host-key bench >/dev/null; t1=$(now)
        fi
        elapsed "$t0" "$t1" >>"$WORK/import.txt"; echo >>"$WORK/import.txt"
    done
    grep . "$WORK/import.txt" | median
}
import_sqlite() { echo "$WORK/import-$1.sqlite"; }
import_pg() { echo "$PG?schema=bench_import_$1"; }
IMPORT_DRY=$(import_runs dry "")
IMPORT_SQLITE=$(import_runs sqlite import_sqlite)
IMPORT_PG=$(import_runs pg import_pg)
fi

# 4. PostgreSQL in CPU time: the command's user+system seconds (GNU time) and the server's, from its
# postmaster's own and reaped children's ticks in /proc (a backend's time is added when it exits).
if want postgres; then
PM=$(head -1 "$(psql "$PG" -tAc 'SHOW data_directory')/postmaster.pid")
TICKS=$(getconf CLK_TCK)
server_ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$PM/stat"; }
cpu_runs() {  # label, command... (the store URL is appended)
    local label="$1" out="$WORK/$1.txt"; shift
    : >"$out"
    for r in $(seq "$RUNS"); do
        local s0; s0=$(server_ticks)
        /usr/bin/time -f "%e %U %S" -o "$WORK/time.txt" "$@" "$PG?schema=bench_cpu_${label}_$r" >/dev/null
        sleep 0.5  # the backend exits after the command closes its connections
        local s1; s1=$(server_ticks)
        read -r wall user sys <"$WORK/time.txt"
        awk -v w="$wall" -v u="$user" -v s="$sys" -v t=$((s1 - s0)) -v hz="$TICKS" \
            'BEGIN {printf "%s %.2f %.2f\n", w, u + s, t / hz}' >>"$out"
    done
}
find "$TREE" -type f -exec cat {} + >/dev/null
cpu_runs pgscan "$BIN" scan "$TREE" --organisation 751 --format summary --store
cpu_runs pgimport "$BIN" import "$CSV" --organisation 751 --host-key bench --store
col() { awk -v c="$2" '{print $c}' "$1" | median; }
PGSCAN_WALL=$(col "$WORK/pgscan.txt" 1); PGSCAN_CPU=$(col "$WORK/pgscan.txt" 2); PGSCAN_SERVER=$(col "$WORK/pgscan.txt" 3)
PGIMPORT_WALL=$(col "$WORK/pgimport.txt" 1); PGIMPORT_CPU=$(col "$WORK/pgimport.txt" 2)
PGIMPORT_SERVER=$(col "$WORK/pgimport.txt" 3)
fi

# The trees are hard links to the fixtures (an inode has a link limit): remove them, keep the rest.
rm -rf "$TREE" "${SMALL:-$WORK/small}"

rate() { awk -v n="$1" -v s="$2" 'BEGIN {printf "%\047d", n / s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'; }
{
    echo "# Store benchmark"
    echo
    echo "Command: \`bench/store.sh $DOCS $LINES\` ($(date -u +%Y-%m-%d), medians of $RUNS runs, release build)."
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"
    echo "$(free -g | awk '/Mem:/ {print $2}') GB RAM; $(swift --version 2>&1 | head -1);"
    echo "SQLite $(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)'), PostgreSQL $("$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/postgres" --version | awk '{print $3}') (local throwaway server, fsync off)."
    echo "Load while measuring (1-minute load average at the end): $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores."
    if want scan; then
    echo
    echo "## Incremental rescans ($DOCS documents, hard links to the shipped fixtures, warm page cache)"
    echo
    echo "| run | seconds | documents/s | peak RSS MB |"
    echo "|---|---|---|---|"
    echo "| first scan into a new SQLite store | $FIRST | $(rate "$DOCS" "$FIRST") | $FIRST_RSS |"
    echo "| unchanged rescan (nothing read again) | $RESCAN | $(rate "$DOCS" "$RESCAN") | $RESCAN_RSS |"
    echo "| scan without the store (\`--no-store\`), for reference | $NOSTORE | $(rate "$DOCS" "$NOSTORE") | $NOSTORE_RSS |"
    echo
    echo "Rescan speed-up: **$(ratio "$FIRST" "$RESCAN")x** (target >= 20x); peak RSS target < 100 MB for both."
    echo "Rescan reports: \`$RESCAN_LINE\`"
    fi
    if want compile; then
    echo
    echo "## Compile of $NSUB submissions (one per authority)"
    echo
    echo "| national store | seconds |"
    echo "|---|---|"
    echo "| SQLite (new file) | $COMPILE_SQLITE |"
    echo "| PostgreSQL (new schema) | $COMPILE_PG |"
    echo "| SQLite, the same $NSUB files again (all duplicates, nothing changes) | $COMPILE_AGAIN |"
    fi
    if want import; then
    echo
    echo "## Import of $LINES inventory lines (SCCM-style CSV, scripts/generate-sccm-csv.py, $(du -h "$CSV" | cut -f1))"
    echo
    echo "| target | seconds | lines/s |"
    echo "|---|---|---|"
    echo "| \`--dry-run\` (read, classify, no store) | $IMPORT_DRY | $(rate "$LINES" "$IMPORT_DRY") |"
    echo "| SQLite store (one transaction) | $IMPORT_SQLITE | $(rate "$LINES" "$IMPORT_SQLITE") |"
    echo "| PostgreSQL store (one transaction, COPY) | $IMPORT_PG | $(rate "$LINES" "$IMPORT_PG") |"
    echo
    echo "Each import includes hashing the file (re-import detection), reading, classifying and writing every record."
    fi
    if want postgres; then
    echo
    echo "## PostgreSQL in CPU time (first scan of $DOCS documents, import of $LINES lines; new schema each run)"
    echo
    echo "| run | wall s | command CPU s (user+sys) | server CPU s | documents or lines per CPU s (both) |"
    echo "|---|---|---|---|---|"
    echo "| first scan | $PGSCAN_WALL | $PGSCAN_CPU | $PGSCAN_SERVER | $(rate "$DOCS" "$(awk -v a="$PGSCAN_CPU" -v b="$PGSCAN_SERVER" 'BEGIN {print a + b}')") |"
    echo "| import | $PGIMPORT_WALL | $PGIMPORT_CPU | $PGIMPORT_SERVER | $(rate "$LINES" "$(awk -v a="$PGIMPORT_CPU" -v b="$PGIMPORT_SERVER" 'BEGIN {print a + b}')") |"
    fi
} | tee "bench/results/store${RESULT_SUFFIX:-}.md"
