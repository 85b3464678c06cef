#!/usr/bin/env python3
"""Make the spreadsheet fixtures in fixtures/spreadsheet/.

* `*.constructed.ods`: LibreOffice's own conversion of two inventory fixtures
  (`soffice --headless --convert-to ods`), so the ODS reader is tested on a real producer's output.
* `two-sheets.xlsx`: a workbook written here the way Excel writes one — shared strings, a cover sheet
  with a title block first, the inventory on the second sheet ("Software") with its header on row 3,
  a numeric count cell and a boolean — to test --sheet, header-row detection and shared strings.
"""
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "spreadsheet"


def convert_with_libreoffice():
    for source in ["fixtures/inventory/kitos/IT-Systemer-Overblik.constructed.xlsx",
                   "fixtures/inventory/lansweeper-csv/software-by-computer.constructed.csv"]:
        # CSV import filter options: comma, double quote, UTF-8 (76), from line 1.
        subprocess.run(["soffice", "--headless", "--infilter=CSV:44,34,76,1", "--convert-to", "ods", "--outdir",
                        str(OUT), str(ROOT / source)], check=True, capture_output=True)


def two_sheet_xlsx():
    strings = ["Softwareopgørelse", "Udtrukket 01-10-2026", "Computer", "Programnavn", "Version", "Udgiver",
               "Antal", "Godkendt", "RÅDHUS-PC0001", "LibreOffice 24.2.7.2", "24.2.7.2", "The Document Foundation",
               "RÅDHUS-PC0002", "Microsoft Office Professional Plus 2016", "16.0.4266.1001", "Microsoft Corporation",
               "Se fanen Software"]
    index = {s: i for i, s in enumerate(strings)}

    def s(text, ref):
        return f'<c r="{ref}" t="s"><v>{index[text]}</v></c>'

    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    cover = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {main}><sheetData>'
             f'<row r="1">{s("Softwareopgørelse", "A1")}</row><row r="2">{s("Se fanen Software", "A2")}</row>'
             '</sheetData></worksheet>')
    software = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {main}><sheetData>'
                f'<row r="1">{s("Softwareopgørelse", "A1")}</row>'
                f'<row r="2">{s("Udtrukket 01-10-2026", "A2")}</row>'
                f'<row r="3">{s("Computer", "A3")}{s("Programnavn", "B3")}{s("Version", "C3")}{s("Udgiver", "D3")}'
                f'{s("Godkendt", "F3")}</row>'
                f'<row r="4">{s("RÅDHUS-PC0001", "A4")}{s("LibreOffice 24.2.7.2", "B4")}{s("24.2.7.2", "C4")}'
                f'{s("The Document Foundation", "D4")}<c r="F4" t="b"><v>1</v></c></row>'
                f'<row r="6">{s("RÅDHUS-PC0002", "A6")}<c r="B6" t="inlineStr"><is><t>Microsoft Office Professional '
                f'Plus 2016</t></is></c>{s("16.0.4266.1001", "C6")}{s("Microsoft Corporation", "D6")}'
                '<c r="F6" t="b"><v>0</v></c></row>'
                '</sheetData></worksheet>')
    shared = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst {main} count="{len(strings)}" '
              f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{t}</t></si>" for t in strings) + "</sst>")
    workbook = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {main} {rel}><sheets>'
                '<sheet name="Forside" sheetId="1" r:id="rId1"/><sheet name="Software" sheetId="2" r:id="rId2"/>'
                '</sheets></workbook>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet2.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             'spreadsheetml.sheet.main+xml"/></Types>')
    root_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 'officeDocument" Target="xl/workbook.xml"/></Relationships>')
    with zipfile.ZipFile(OUT / "two-sheets.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [("[Content_Types].xml", types), ("_rels/.rels", root_rels), ("xl/workbook.xml", workbook),
                           ("xl/_rels/workbook.xml.rels", rels), ("xl/sharedStrings.xml", shared),
                           ("xl/worksheets/sheet1.xml", cover), ("xl/worksheets/sheet2.xml", software)]:
            info = zipfile.ZipInfo(name, date_time=(2026, 10, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data.encode("utf-8"))


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    if "--no-libreoffice" not in sys.argv:
        convert_with_libreoffice()
    two_sheet_xlsx()
