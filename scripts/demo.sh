#!/usr/bin/env bash
# `make demo`: the main job on the shipped fixtures, end to end.
#   1. An authority (here: the demo estate's Aarhus Kommune) scans its document share and imports its
#      inventories into its own SQLite store, and exports a privacy-safe submission.
#   2. The facilitator compiles that submission with the synthetic demo estate (all 103 authorities,
#      two periods) into a national store and writes the national, regional and per-authority reports.
#   3. A second national report rests only on real public evidence of OS2 use (a lower bound).
# Everything lands under reports/.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(swift build --show-bin-path)/overblik"
[ -x "$bin" ] || { echo "demo: build first (make demo does)" >&2; exit 1; }

out=reports
work="$out/demo-work"
rm -rf "$work" "$out/national" "$out/public-evidence" "$out/batch"
mkdir -p "$work"
authority_store="$work/aarhus.sqlite"
national_store="$work/national.sqlite"
export OVERBLIK_HOST_KEY="demo-key-not-secret"

step() { printf '\n== %s\n' "$*"; }

step "Scan the document fixtures (metadata only) and check each ODF file's conformance"
"$bin" scan fixtures/documents --validate --organisation "Aarhus Kommune" --store "$authority_store" --format summary

step "Import the inventory fixtures"
# The GLPI computers' inventories only: the folder also holds agent JSON that lists no software (a printer),
# which import refuses as no inventory, as it should.
"$bin" import fixtures/inventory/sccm-csv/*.csv fixtures/inventory/intune-csv/*.csv \
    fixtures/inventory/glpi-json/inventory_format-computer_1*.json fixtures/inventory/fusioninventory-xml/*.xml \
    fixtures/inventory/dpkg/* fixtures/inventory/kitos/*.csv \
    --organisation 751 --store "$authority_store" --format summary

step "Export a submission (aggregates only) and verify it"
"$bin" export --organisation 751 --period 2026 --store "$authority_store" \
    --comment "Demo: the shipped fixtures, scanned and imported by make demo" --synthetic \
    --output "$work/aarhus-2026.json"
"$bin" submission verify "$work/aarhus-2026.json"

step "Compile the national store: the synthetic demo estate plus the new submission"
# The fixture-based submission is newer than the generated one for Aarhus 2026, so it wins; the
# generated one stays as history.
"$bin" compile fixtures/demo/submissions/2025/*.json fixtures/demo/submissions/2026/*.json \
    "$work/aarhus-2026.json" --store "$national_store" | tail -n 3
"$bin" status --store "$national_store" --period 2026 | tail -n 5

formats="html,odt,ods,md,csv,json"
if command -v soffice >/dev/null 2>&1; then formats="$formats,pdf"; fi

step "National report ($formats)"
"$bin" report --store "$national_store" --period 2026 --compare-to 2025 --format "$formats" \
    --output-dir "$out/national"

step "Batch: one report per authority and region, with an index"
"$bin" report --store "$national_store" --period 2026 --batch --format html --output-dir "$out/batch"

step "National report from public evidence only (a lower bound)"
"$bin" report --evidence fixtures/usage/os2-usage-evidence.tsv --format html,md,json \
    --output-dir "$out/public-evidence"

printf '\nReports written under %s/\n' "$out"
