#!/usr/bin/env bash
# Regenerates docs/usage/{export,compile,status,authorities}.md with real output of the built overblik
# (scan and import of the shipped fixtures, export, verify, compile, status, authorities), in a temp folder.
# Usage: scripts/store-usage-docs.sh [path/to/overblik]   (default: .build/debug/overblik)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
BIN=$(realpath "${1:-.build/debug/overblik}")
WORK=$(mktemp -d /tmp/overblik-usage.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
cp -r "$REPO/fixtures/documents" share
cp "$REPO/fixtures/inventory/intune-csv/AppInvAggregate.constructed.csv" intune.csv

# Show a command and its real output (paths made relative, long lines kept).
run() {
    echo '```console'
    local shown=""
    for argument in "$@"; do
        if [[ "$argument" =~ [[:space:]] ]]; then shown+=" \"$argument\""; else shown+=" $argument"; fi
    done
    echo "\$ overblik$shown"
    "$BIN" "$@" 2>&1 || echo "(exit status $?)"
    echo '```'
}

"$BIN" scan share --organisation Århus --store aarhus.sqlite --format summary >/dev/null
"$BIN" import intune.csv --organisation 751 --store aarhus.sqlite >/dev/null

{
    echo "# overblik export"
    echo
    echo "Writes an authority's **submission**: the privacy-safe aggregate of its estate store that leaves the"
    echo "authority. It holds documents counted by family, format, suite, suite version line, ODF version and"
    echo "year; read errors by kind; installations by product and version line (distinct hosts; aggregate exports'"
    echo "install counts kept); the number of distinct hosts; usage declarations (without the file they were read"
    echo "from); and, only with \`--include-unknown-titles\`, software titles the catalog did not recognise. Never a"
    echo "path, host name or person's name (a test seeds a store with all three and checks the export)."
    echo
    echo "The file is JSON: \`{\"format\": \"overblik-submission\", \"format_version\": 1, \"body\": {...}, \"digest\": \"sha256:...\"}\`;"
    echo "the digest is SHA-256 over the body's canonical JSON (keys sorted, no whitespace, slashes unescaped)."
    echo "\`overblik submission schema\` prints the JSON Schema (\`Sources/Store/Resources/submission.schema.json\`)."
    echo
    echo "Options: \`--organisation CODE|NAME|ALIAS\` (required), \`--period\` (\`2026\`, \`2026-H2\`, \`2026-Q4\`, \`2026-11\`;"
    echo "default the current year), \`--comment TEXT\` (at most 1000 characters, shown beside the authority in"
    echo "reports), \`--include-unknown-titles\`, \`--synthetic\` (demo data), \`--allow-empty\`, \`--output FILE.json\`,"
    echo "\`--store PATH|URL\` (default \`\$OVERBLIK_STORE\`, else \`overblik.sqlite\`; export never creates a store)."
    echo
    echo "An organisation with no data in the store (no documents, read errors, installations or usage declarations:"
    echo "usually the wrong store or organisation) is refused, naming both, with exit status 1 and no file written."
    echo "With \`--allow-empty\` the submission is written with \`\"empty\": true\` in its body, and \`compile\` accepts it;"
    echo "without that mark \`compile\` rejects an empty body. The key is absent otherwise, so earlier submissions keep"
    echo "their digests."
    echo
    run export --organisation 101 --store aarhus.sqlite --output kbh.json
    echo
    echo "Data without an organisation (a scan run without \`--organisation\`) counts for the authority that exports"
    echo "it: a store normally belongs to one authority."
    echo
    run export --organisation Århus --period 2026 --comment "Kun rådhusets fællesdrev er scannet" \
        --store aarhus.sqlite --output aarhus-2026.json
    echo
    echo "The start of the file:"
    echo
    echo '```json'
    head -n 40 aarhus-2026.json
    echo "..."
    echo '```'
    echo
    echo "## overblik submission verify / schema"
    echo
    echo "\`overblik submission verify FILE...\` checks each file against the schema (required keys, types, enums,"
    echo "patterns, no unknown keys), recomputes the digest, and checks the organisation code against the 98"
    echo "municipalities and 5 regions (and that name and kind match). Exit status 1 if any file is invalid."
    echo
    python3 - <<'PY'
import json
d = json.load(open('aarhus-2026.json'))
d['body']['documents']['counts'][0]['count'] += 1000
json.dump(d, open('aarhus-2026-edited.json', 'w'), indent=2, ensure_ascii=False)
d = json.load(open('aarhus-2026.json'))
d['body']['organisation'] = {'code': 999, 'name': 'Atlantis Kommune', 'kind': 'municipality'}
d['body']['period'] = 'sidste år'
d['body']['hosts'] = ['PC-1']
json.dump(d, open('broken.json', 'w'), indent=2, ensure_ascii=False)
PY
    run submission verify aarhus-2026.json
    echo
    run submission verify aarhus-2026-edited.json broken.json
    echo
    run submission schema
} | sed "s#$WORK/##g" >"$REPO/docs/usage/export.md"

for org in Kbh. Odense "Region Midtjylland"; do
    "$BIN" scan share --organisation "$org" --store others.sqlite --format summary >/dev/null
done
"$BIN" export --organisation Kbh. --period 2026 --store others.sqlite --output koebenhavn-2026.json >/dev/null
"$BIN" export --organisation 1082 --period 2026 --store others.sqlite --output midtjylland-2026.json >/dev/null
"$BIN" export --organisation Odense --period 2025 --store others.sqlite --output odense-2025.json >/dev/null
sleep 1
"$BIN" export --organisation Odense --period 2025 --comment "Rettet: hele drevet med" --store others.sqlite \
    --output odense-2025-rettet.json >/dev/null

{
    echo "# overblik compile"
    echo
    echo "The facilitator's command: verifies each submission (schema, digest, organisation) and loads the good"
    echo "ones into the national store (\`--store\`, a SQLite file or \`postgres://\` URL; created if missing)."
    echo "The newest submission per organisation and period (by its \`created\` time) is current; older ones stay as"
    echo "history for trends. Loading the same file again changes nothing. A malformed or tampered file is"
    echo "rejected with its reason and does not stop the others; the exit status is then 1."
    echo
    echo "Every file is verified before any is loaded, and the good ones load newest first (by \`created\`, then"
    echo "digest), so each file's outcome and the totals are the same in whatever order the files are given; the"
    echo "lines follow the order given. A submission whose body holds nothing (no documents, read errors,"
    echo "installations or usage declarations) is rejected unless it is marked \`\"empty\": true\` (\`overblik export"
    echo "--allow-empty\`): an export from the wrong store would otherwise replace the authority's real submission."
    echo
    run compile aarhus-2026.json koebenhavn-2026.json midtjylland-2026.json aarhus-2026-edited.json \
        odense-2025-rettet.json odense-2025.json --store national.sqlite
    echo
    echo "Again, with the same files: nothing changes."
    echo
    run compile aarhus-2026.json koebenhavn-2026.json --store national.sqlite
    echo
    echo "Usage declarations (the facilitator's CSV, KITOS exports, public evidence) go straight into the national"
    echo "store with \`overblik import FILE --organisation CODE --store national.sqlite\`; a declaration already held"
    echo "is not added twice."
} | sed "s#$WORK/##g" >"$REPO/docs/usage/compile.md"

{
    echo "# overblik status"
    echo
    echo "For all 98 municipalities and 5 regions: who has a current submission for the period (default: the newest"
    echo "period in the store), its creation date, which other periods they submitted for, and who is missing."
    echo "\`*\` marks an authority whose earlier submission for the period was replaced by a newer one."
    echo
    run status --store national.sqlite
    echo
    run status --period 2025 --store national.sqlite
} | sed "s#$WORK/##g" >"$REPO/docs/usage/status.md"

{
    echo "# overblik authorities"
    echo
    echo "Denmark's 98 municipalities and 5 regions: official code, official Danish name, short name, kind and"
    echo "region. \`--region\` takes a region code or name (any known alias) and lists the region and its"
    echo "municipalities; \`--format json\` for scripts. Everywhere Overblik asks for an organisation, the code,"
    echo "the official name or an alias (\`Århus\`, \`Kbh.\`, \`0101\`, \`Copenhagen\`) works."
    echo
    run authorities --region Nordjylland
    echo
    run authorities --region "Region Sjælland" --format json
    echo
    run authorities --region Aarhus
    echo
    echo "Without \`--region\`, all 103 (first and last lines shown):"
    echo
    echo '```console'
    echo "\$ overblik authorities"
    { "$BIN" authorities || true; } | head -n 4  # head closes the pipe early: not a failure
    echo "..."
    "$BIN" authorities | tail -n 3
    echo '```'
} | sed "s#$WORK/##g" >"$REPO/docs/usage/authorities.md"
echo "wrote docs/usage/{export,compile,status,authorities}.md"
