#!/usr/bin/env bash
# Regenerates fixtures/documents/generated/: small documents written by real producers installed from Debian
# (LibreOffice, AbiWord, Gnumeric, Calligra, pandoc) and from PyPI (odfpy, odfdo), from our own sample text
# (CC0). Producers that are not installed are skipped with a note. Then run scripts/independent-reader.py to
# refresh fixtures/documents/expected.jsonl.
#   apt-get install libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui abiword gnumeric \
#       calligrawords calligrasheets pandoc;  pip install odfpy odfdo
set -euo pipefail
cd "$(dirname "$0")/.."
out=fixtures/documents/generated
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
export HOME="$work/home"   # LibreOffice and Calligra write profiles here, not into the user's home
mkdir -p "$HOME"

printf 'Overblik test document\n\nEt kort afsnit om dokumentformater: æøå ÆØÅ.\nA second paragraph.\n' > "$work/sample.txt"
printf '# Overblik test document\n\nEt kort afsnit om dokumentformater: æøå.\n\n- one\n- two\n' > "$work/sample.md"
printf 'Kommune,Dokumenter,ODF\nAarhus,120,80\nOdense,95,40\n' > "$work/sample.csv"

have() { command -v "$1" >/dev/null 2>&1; }

if have soffice; then
  lo() {  # lo FILTER SOURCE NAME
    soffice --headless --norestore --convert-to "$1" --outdir "$work/lo" "$2" >/dev/null 2>&1
    local produced="$work/lo/$(basename "${2%.*}").${1%%:*}"
    mv "$produced" "$out/$3"
  }
  cp "$work/sample.txt" "$work/text.txt"; cp "$work/sample.csv" "$work/sheet.csv"
  lo odt "$work/text.txt" libreoffice-writer.odt
  lo fodt "$work/text.txt" libreoffice-writer.fodt
  lo docx "$work/text.txt" libreoffice-writer.docx
  lo "doc:MS Word 97" "$work/text.txt" libreoffice-writer.doc
  lo rtf "$work/text.txt" libreoffice-writer.rtf
  lo pdf "$work/text.txt" libreoffice-writer.pdf
  lo ods "$work/sheet.csv" libreoffice-calc.ods
  lo fods "$work/sheet.csv" libreoffice-calc.fods
  lo xlsx "$work/sheet.csv" libreoffice-calc.xlsx
  lo "xls:MS Excel 97" "$work/sheet.csv" libreoffice-calc.xls
  # Impress: a one-slide flat presentation of ours, converted (so LibreOffice writes the package).
  cat > "$work/slides.fodp" <<'FODP'
<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
  xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
  office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
 <office:body><office:presentation><draw:page draw:name="page1">
  <draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="3cm"><draw:text-box>
   <text:p>Overblik test presentation</text:p></draw:text-box></draw:frame>
 </draw:page></office:presentation></office:body></office:document>
FODP
  lo odp "$work/slides.fodp" libreoffice-impress.odp
  lo pptx "$work/slides.fodp" libreoffice-impress.pptx
  lo "ppt:MS PowerPoint 97" "$work/slides.fodp" libreoffice-impress.ppt
else
  echo "note: LibreOffice not installed; skipped"
fi

if have abiword; then
  abiword --to=odt -o "$out/abiword.odt" "$work/sample.txt" >/dev/null 2>&1
  abiword --to=rtf -o "$out/abiword.rtf" "$work/sample.txt" >/dev/null 2>&1
else
  echo "note: AbiWord not installed; skipped"
fi

if have ssconvert; then
  ssconvert -T Gnumeric_OpenCalc:odf "$work/sample.csv" "$out/gnumeric-odf12.ods" >/dev/null 2>&1
  ssconvert -T Gnumeric_OpenCalc:openoffice "$work/sample.csv" "$out/gnumeric-ooo.ods" >/dev/null 2>&1
  ssconvert -T Gnumeric_Excel:xlsx2 "$work/sample.csv" "$out/gnumeric.xlsx" >/dev/null 2>&1
else
  echo "note: Gnumeric not installed; skipped"
fi

if have calligraconverter; then
  # Calligra needs a (virtual) display-free platform.
  QT_QPA_PLATFORM=offscreen calligraconverter --batch "$work/sample.csv" "$out/calligra-sheets.ods" >/dev/null 2>&1 \
    || echo "note: calligraconverter (sheets) failed; skipped"
  # Calligra Words crashes on plain text input; it imports RTF (here AbiWord's, so no LibreOffice in the chain).
  if [ -f "$out/abiword.rtf" ]; then
    QT_QPA_PLATFORM=offscreen calligraconverter --batch --mimetype application/vnd.oasis.opendocument.text \
      "$out/abiword.rtf" "$out/calligra-words.odt" >/dev/null 2>&1 || echo "note: calligraconverter (words) failed; skipped"
  fi
else
  echo "note: Calligra not installed; skipped"
fi

if have pandoc; then
  pandoc "$work/sample.md" -o "$out/pandoc.odt"
  pandoc "$work/sample.md" -o "$out/pandoc.docx"
else
  echo "note: pandoc not installed; skipped"
fi

if python3 -c 'import odf' 2>/dev/null; then
  python3 - "$out/odfpy.odt" <<'PY'
import sys
from odf.opendocument import OpenDocumentText
from odf.text import P
doc = OpenDocumentText()
doc.text.addElement(P(text="Overblik test document written by odfpy."))
doc.save(sys.argv[1])
PY
else
  echo "note: odfpy not installed; skipped"
fi

if python3 -c 'import odfdo' 2>/dev/null; then
  python3 - "$out/odfdo.odt" "$out/odfdo.ods" <<'PY'
import sys
from odfdo import Document, Paragraph, Table
doc = Document("text")
doc.body.append(Paragraph("Overblik test document written by odfdo."))
doc.save(sys.argv[1])
sheet = Document("spreadsheet")
table = Table("Ark1")
table.set_value((0, 0), "Kommune")
sheet.body.append(table)
sheet.save(sys.argv[2])
PY
else
  echo "note: odfdo not installed; skipped"
fi

ls -1 "$out"
