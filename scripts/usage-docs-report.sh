#!/usr/bin/env bash
# Regenerates docs/usage/report.md with real output of `overblik report` on the shipped fixtures.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product overblik >/dev/null
bin="$(swift build --show-bin-path)/overblik"
repo="$PWD"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
"$bin" report --submissions "$repo/fixtures/demo/submissions" --compare-to 2025 \
  --format html,odt,ods,md,csv,json --output-dir reports > out1.txt 2>&1
"$bin" report --evidence "$repo/fixtures/usage/os2-usage-evidence.tsv" --format html,json --lang en \
  --output-dir reports > out2.txt 2>&1
"$bin" report --submissions "$repo/fixtures/demo/submissions/2026" --batch --format html --output-dir batch > out3.txt 2>&1
"$bin" report --submissions "$repo/fixtures/demo/submissions" --scope Aarhus --format pdf --output-dir reports > out4.txt 2>&1
"$bin" report --help > help.txt 2>&1
python3 - "$repo/docs/usage/report.md" <<'PY'
import json, sys
target = sys.argv[1]
text = open(target, encoding="utf-8").read()
def block(start_marker, content):
    global text
    start = text.index(start_marker) + len(start_marker)
    end = text.index("```", start)
    text = text[:start] + content + text[end:]
strip = lambda s: s.replace(__import__("os").getcwd() + "/", "")
block("## Help\n\n```\n", open("help.txt").read())
block("--format html,odt,ods,md,csv,json --output-dir reports\n", strip(open("out1.txt").read()))
block("```markdown\n", "".join(open("reports/national.md", encoding="utf-8").readlines()[:40]))
block("gets a leading `'`):\n\n```\n", "".join(open("reports/national-office-suites.csv", encoding="utf-8-sig").readlines()[:4]))
r = json.load(open("reports/national.json"))
excerpt = {"schema_version": r["schema_version"], "coverage": {"municipalities": r["coverage"]["municipalities"]},
           "headline": {k: r["headline"][k] for k in ["os2_any", "open_office_suite", "odf_share"]}}
block("```json\n", json.dumps(excerpt, indent=2, ensure_ascii=False) + "\n")
evidence = json.load(open("reports/national-public-evidence.json"))["headline"]["os2_any"]
block("--lang en --output-dir reports\n", strip(open("out2.txt").read())
      + "$ jq .headline.os2_any reports/national-public-evidence.json\n" + json.dumps(evidence, indent=2) + "\n")
block("--batch --format html --output-dir batch\n", strip(open("out3.txt").read()))
block("--scope Aarhus --format pdf --output-dir reports\n", strip(open("out4.txt").read()))
open(target, "w", encoding="utf-8").write(text)
PY
echo "docs/usage/report.md regenerated"
