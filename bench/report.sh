#!/usr/bin/env bash
# Benchmark: the national report in every format but PDF (html, odt, ods, md, csv, json), with trends,
# from (a) a SQLite store holding the demo estate's 197 submissions (103 current) and 1,000,000 installation
# records, and (b) the 197 submission files directly. Release build; prints the median of RUNS runs.
# Usage: bench/report.sh [RUNS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
bin=$(bench/build-release.sh)
work="bench/work/report"
rm -rf "$work" && mkdir -p "$work"
store="$work/national.sqlite"

"$bin" compile fixtures/demo/submissions/2025/*.json fixtures/demo/submissions/2026/*.json --store "$store" | tail -1

# 1,000,000 installation records across the 103 authorities, in one import, as `overblik import` stores them.
codes="$(sqlite3 "$store" "SELECT group_concat(code) FROM (SELECT DISTINCT organisation AS code FROM submissions ORDER BY code)")"
sqlite3 "$store" <<SQL
CREATE TEMP TABLE codes (n INTEGER PRIMARY KEY, code INTEGER);
INSERT INTO codes (code) SELECT value FROM json_each('[$codes]');
INSERT INTO imports (organisation, file_hash, file_name, format, started, finished, tool_name, tool_version,
  catalog_version, catalog_digest, lines_read, unreadable_lines, software_records, usage_declarations)
VALUES (101, 'sha256:bench', 'bench-inventory.csv', 'csv', 0, 0, 'overblik', 'bench', 'bench', 'bench',
  1000000, 0, 1000000, 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
INSERT INTO software (import_id, organisation, source, line, host, title, publisher, version, package, platform,
  install_count, install_date, product, product_version, version_line, component, counts_as_installation, rule)
SELECT (SELECT max(id) FROM imports), (SELECT code FROM codes WHERE n = 1 + (i % (SELECT count(*) FROM codes))),
  'bench-inventory.csv', i, 'h:' || (i % 250000),
  CASE i % 5 WHEN 0 THEN 'LibreOffice 24.8.4.2' WHEN 1 THEN 'Microsoft Office Professional Plus 2016'
    WHEN 2 THEN 'Microsoft 365 Apps for enterprise - da-dk' WHEN 3 THEN 'OS2faktor Klient' ELSE 'Mozilla Firefox' END,
  NULL, NULL, NULL, 'windows', 1, NULL,
  CASE i % 5 WHEN 0 THEN 'libreoffice' WHEN 1 THEN 'ms-office' WHEN 2 THEN 'microsoft-365-apps'
    WHEN 3 THEN 'os2faktor' ELSE 'unknown' END,
  NULL, NULL, NULL, 1, 'bench'
FROM n;
SQL
echo "store: $(sqlite3 "$store" 'SELECT count(*) FROM software') installation records, $(sqlite3 "$store" 'SELECT count(*) FROM submissions') submissions, $(du -h "$store" | cut -f1)"

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
time_runs() {
  for _ in $(seq "$runs"); do
    rm -rf "$work/out"
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" --output-dir "$work/out" >/dev/null
    cat "$work/time"
  done
}
formats="html,odt,ods,md,csv,json"
store_runs="$(time_runs "$bin" report --store "$store" --period 2026 --compare-to 2025 --format "$formats")"
file_runs="$(time_runs "$bin" report --submissions fixtures/demo/submissions --period 2026 --compare-to 2025 --format "$formats")"
echo "national report, formats $formats, $runs runs each:"
echo "  from store (197 submissions + 1,000,000 installation records): median $(echo "$store_runs" | cut -d' ' -f1 | median) s, peak RSS $(echo "$store_runs" | cut -d' ' -f2 | median) KiB"
echo "  from 197 submission files:                                   median $(echo "$file_runs" | cut -d' ' -f1 | median) s, peak RSS $(echo "$file_runs" | cut -d' ' -f2 | median) KiB"
echo "  files written per run: $(ls "$work/out" | wc -l)"
