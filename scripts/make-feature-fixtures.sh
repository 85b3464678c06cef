#!/usr/bin/env bash
# Makes fixtures/features/libreoffice and fixtures/features/zipfile from public test files already in
# fixtures/features (see fixtures/features/SOURCES.md) with real producers:
#   LibreOffice (soffice --headless): converts oletools' oleform-PR314.docm, whose VBA project LibreOffice
#     turns into Basic libraries and dialogs, to .odt and .ott; and the zipfile .xlsm below to .ods.
#   Python's zipfile: adds excelize's real vbaProject.bin to LibreOffice's generated .xlsx (as Excel stores it:
#     a Default content type for .bin, a relationship from the workbook, the macro-enabled main content type),
#     a custom ribbon (customUI/customUI.xml with its relationship) to LibreOffice's generated .docx, and a Python
#     script (Scripts/python/, listed in the manifest, where LibreOffice keeps document scripts) to its .odt.
set -euo pipefail
cd "$(dirname "$0")/.."
features=fixtures/features
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$features" <<'PY'
import sys, zipfile
features = sys.argv[1]

def rewrite(source, target, edit, extra):
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = edit(info.filename, zin.read(info.filename))
            zout.writestr(info, data)
        for name, data in extra:
            zout.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)

vba = open(f"{features}/zipfile/vbaProject.bin", "rb").read()
def xlsm(name, data):
    if name == "[Content_Types].xml":
        data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
        data = data.replace(b"<Override", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Override', 1)
    if name == "xl/_rels/workbook.xml.rels":
        data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVBA" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
    return data
rewrite("fixtures/documents/generated/libreoffice-calc.xlsx", f"{features}/zipfile/vba-added.xlsm", xlsm,
        [("xl/vbaProject.bin", vba)])

ribbon = (b'<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui"><ribbon><tabs>'
          b'<tab id="overblik" label="Overblik"/></tabs></ribbon></customUI>')
def docx(name, data):
    if name == "_rels/.rels":
        data = data.replace(b"</Relationships>", b'<Relationship Id="rIdUI" Type="http://schemas.microsoft.com/office/2006/relationships/ui/extensibility" Target="customUI/customUI.xml"/></Relationships>')
    return data
rewrite("fixtures/documents/generated/libreoffice-writer.docx", f"{features}/zipfile/custom-ui-added.docx", docx,
        [("customUI/customUI.xml", ribbon)])

script = b"def hello(*args):\n    pass\n\ng_exportedScripts = (hello,)\n"
def odt(name, data):
    if name == "META-INF/manifest.xml":
        data = data.replace(b"</manifest:manifest>",
            b'<manifest:file-entry manifest:full-path="Scripts/python/hello.py" manifest:media-type=""/>'
            b'<manifest:file-entry manifest:full-path="Scripts/python/" manifest:media-type="application/binary"/>'
            b'<manifest:file-entry manifest:full-path="Scripts/" manifest:media-type="application/binary"/>'
            b"</manifest:manifest>")
    return data
rewrite("fixtures/documents/generated/libreoffice-writer.odt", f"{features}/zipfile/python-script-added.odt", odt,
        [("Scripts/python/hello.py", script)])
PY

convert() {  # convert SOURCE FORMAT TARGET
  soffice --headless -env:UserInstallation=file://$work/profile --convert-to "$2" --outdir "$work" "$1" >/dev/null 2>&1
  mv "$work/$(basename "${1%.*}").${2%%:*}" "$3"
}
convert "$features/oletools/oleform-PR314.docm" odt "$features/libreoffice/basic-from-vba.odt"
convert "$features/oletools/oleform-PR314.docm" ott "$features/libreoffice/basic-from-vba.ott"
convert "$features/zipfile/vba-added.xlsm" ods "$features/libreoffice/basic-from-vba.ods"
convert "$features/zipfile/vba-added.xlsm" xls "$features/libreoffice/vba-kept.xls"
