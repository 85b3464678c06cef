#!/usr/bin/env bash
# Regenerates the report pictures in docs/: a headless-Chromium screenshot of the national HTML report and the
# first two pages of its PDF rendered with pdftoppm, both from the synthetic demo estate.
# Needs: chromium, poppler-utils (pdftoppm), LibreOffice (for the PDF); builds overblik if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in chromium pdftoppm soffice; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install chromium poppler-utils libreoffice-writer-nogui)" >&2; exit 1; }
done
swift build --product overblik >/dev/null
bin="$(swift build --show-bin-path)/overblik"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" report --submissions fixtures/demo/submissions --period 2026 --compare-to 2025 \
  --format html,pdf --output-dir "$work" >/dev/null
mkdir -p docs
# A fixed window and no GPU: the same report gives the same picture.
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --window-size=1200,2600 --screenshot="docs/report-national-html.png" "file://$work/national.html" 2>/dev/null
pdftoppm -png -r 80 -f 1 -l 2 "$work/national.pdf" "$work/page"
cp "$(ls "$work"/page-*1.png | head -1)" docs/report-national-pdf-page1.png
cp "$(ls "$work"/page-*2.png | head -1)" docs/report-national-pdf-page2.png
ls -l docs/report-national-*.png
