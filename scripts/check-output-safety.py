#!/usr/bin/env python3
"""Independent check that text from files and inventories stays text in Overblik's report outputs.

Usage: check-output-safety.py FORMAT OUTPUT_DIR EXPECTED_JSON
       check-output-safety.py scan-csv|scan-jsonl SCAN_OUTPUT_FILE EXPECTED_JSON

FORMAT is csv, html, md, ods, odt or json; OUTPUT_DIR holds the report files; EXPECTED_JSON is
{"source name": ["text as the report shows it", ...], ...}: each text must come back, as text, from the
format's own parser (Python's csv, html.parser and ElementTree; cmark-gfm for Markdown; LibreOffice, converting
the ODS to CSV, for formulas), and no cell or element anywhere may be a formula or markup it brought in. For a
scan's output, EXPECTED_JSON names the "generator" strings and "file name"s the scanned files carried.
Prints one line per problem and exits 1 if there is any.
"""
import csv
import glob
import html.parser
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
import xml.etree.ElementTree as ET

TRIGGERS = set("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
NUMBER = re.compile(r"^[-+]?\d+([.,]\d+)?%?$")
# Elements and attributes only hostile text would bring (the reports themselves use none of them).
HOSTILE_TAGS = {"script", "img", "iframe", "b", "marquee", "object", "embed"}
problems = []


def norm(text):
    """What survives every format: controls XML forbids dropped, white space runs as one space."""
    text = "".join(c for c in text if not (ord(c) < 0x20 and c not in "\t\n\r") and c not in "\ufffe\uffff")
    return re.sub(r"\s+", " ", text).strip()


def expect_found(format_name, expected, texts, exact=False):
    """Every expected text is found, as text, among what the parser extracted."""
    pool = texts if exact else [norm(t) for t in texts]
    for source, strings in expected.items():
        for s in strings:
            want = s if exact else norm(s)
            if exact:
                found = any(t == want or t == "'" + want for t in pool)
            else:
                found = any(want in t for t in pool)
            if not found:
                problems.append(f"{format_name}: {source} text {s!r} does not come back as text")


def formula_cell(cell):
    return cell != "" and cell[0] in TRIGGERS and not NUMBER.match(cell)


def check_csv(directory, expected):
    cells = []
    for path in sorted(glob.glob(os.path.join(directory, "*.csv"))):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        name = os.path.basename(path)
        for number, row in enumerate(rows, 1):
            if len(row) != len(rows[0]):
                problems.append(f"csv: {name} row {number} has {len(row)} cells where the header has {len(rows[0])}")
            for cell in row:
                if formula_cell(cell):
                    problems.append(f"csv: {name} row {number}: cell {cell!r} would be read as a formula")
            cells += row
    expect_found("csv", expected, cells, exact=True)


class TextAndTags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.tags, self.attributes = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, k, v or "") for k, v in attrs]

    def handle_data(self, data):
        self.texts.append(data)


def check_markup(format_name, markup):
    """Markup problems in one document; returns its texts (data and attribute values)."""
    parser = TextAndTags()
    parser.feed(markup)
    parser.close()
    for tag in sorted(set(parser.tags) & HOSTILE_TAGS):
        problems.append(f"{format_name}: a <{tag}> element came from the text")
    for tag, key, value in parser.attributes:
        if key.startswith("on") or value.strip().lower().startswith("javascript:"):
            problems.append(f"{format_name}: <{tag} {key}={value!r}> came from the text")
    return parser.texts + [value for _, _, value in parser.attributes]


def check_html(directory, expected):
    texts = []
    for path in sorted(glob.glob(os.path.join(directory, "*.html"))):
        with open(path, encoding="utf-8") as handle:
            texts += check_markup("html", handle.read())
    expect_found("html", expected, texts)


def check_md(directory, expected):
    texts = []
    for path in sorted(glob.glob(os.path.join(directory, "*.md"))):
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
        # Each table line must keep the header's number of unescaped pipes: an unescaped | from the text would
        # split a cell.
        for block in re.split(r"\n\n+", source):
            lines = [line for line in block.split("\n") if line.startswith("|")]
            counts = {len(re.findall(r"(?<!\\)\|", line)) for line in lines}
            if len(counts) > 1:
                problems.append(f"md: a table row has a different number of cells: {lines[:3]!r}")
        # --unsafe: raw HTML is passed through (as a browser would get it), so markup from the text shows.
        rendered = subprocess.run(
            ["cmark-gfm", "--unsafe", "--extension", "table"], input=source, capture_output=True, text=True,
            check=True).stdout
        texts += check_markup("md", rendered)
    expect_found("md", expected, texts)


def xml_texts(root):
    texts = []
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local in ("p", "h", "span", "table-cell", "title", "generator", "description"):
            texts.append("".join(element.itertext()))
    return texts


def check_odf_content(format_name, path):
    """Scripts, formulas and script links in one ODF package; returns its texts."""
    with zipfile.ZipFile(path) as package:
        roots = [ET.fromstring(package.read(part)) for part in ("content.xml", "meta.xml")]
    for root in roots:
        for element in root.iter():
            local = element.tag.rsplit("}", 1)[-1]
            if local in ("script", "scripts", "event-listener"):
                problems.append(f"{format_name}: an {local} element in {os.path.basename(path)}")
            for key, value in element.attrib.items():
                if key.endswith("}formula"):
                    problems.append(f"{format_name}: a formula attribute {value!r} in {os.path.basename(path)}")
                if key.endswith("}href") and value.strip().lower().startswith("javascript:"):
                    problems.append(f"{format_name}: a javascript: link in {os.path.basename(path)}")
    return sum((xml_texts(root) for root in roots), [])


def check_odt(directory, expected):
    texts = []
    for path in sorted(glob.glob(os.path.join(directory, "*.odt"))):
        texts += check_odf_content("odt", path)
    expect_found("odt", expected, texts)


def check_ods(directory, expected):
    paths = sorted(glob.glob(os.path.join(directory, "*.ods")))
    texts = []
    for path in paths:
        texts += check_odf_content("ods", path)
    expect_found("ods", expected, texts)
    # LibreOffice opens each workbook and writes every sheet as CSV with the cells' values: a formula would
    # have been evaluated (2, #NAME?, Err:508) instead of showing its text.
    with tempfile.TemporaryDirectory() as work:
        for path in paths:
            filter_options = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
            subprocess.run(
                ["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless", "--norestore",
                 "--convert-to", filter_options, "--outdir", os.path.join(work, "csv"), path],
                capture_output=True, check=True, timeout=300)
        cells = []
        for converted in sorted(glob.glob(os.path.join(work, "csv", "*.csv"))):
            with open(converted, encoding="utf-8", newline="") as handle:
                for row in csv.reader(handle):
                    for cell in row:
                        if cell in ("#NAME?", "#VALUE!", "#REF!") or cell.startswith("Err:"):
                            problems.append(f"ods: LibreOffice evaluated a formula: {cell!r}")
                    cells += row
        if not cells:
            problems.append("ods: LibreOffice wrote no CSV")
        expect_found("ods (LibreOffice)", expected, cells)


def check_json(directory, expected):
    values = []

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            values.append(node)

    for path in sorted(glob.glob(os.path.join(directory, "*.json"))):
        with open(path, encoding="utf-8") as handle:
            walk(json.load(handle))
    expect_found("json", expected, values, exact=True)


# path ... modified, then conformance (empty unless scan --validate gave a verdict).
SCAN_COLUMNS = 16


def check_scan_csv(path, expected):
    """`overblik scan --format csv`: a generator or file name never splits a row or becomes a formula."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    for number, row in enumerate(rows, 1):
        if len(row) != SCAN_COLUMNS:
            problems.append(f"scan csv: row {number} has {len(row)} cells, not {SCAN_COLUMNS}")
        for cell in row:
            if formula_cell(cell):
                problems.append(f"scan csv: row {number}: cell {cell!r} would be read as a formula")
    records = [dict(zip(rows[0], row)) for row in rows[1:]]
    check_scan_records("scan csv", records, expected, neutralised=True)


def check_scan_jsonl(path, expected):
    with open(path, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    check_scan_records("scan jsonl", records, expected, neutralised=False)


def check_scan_records(format_name, records, expected, neutralised):
    def plain(value):
        value = value or ""
        return value[1:] if neutralised and value.startswith("'") and len(value) > 1 and value[1] in TRIGGERS else value

    names = {os.path.basename(plain(record["path"])) for record in records}
    generators = {plain(record.get("generator")).strip() for record in records}
    for name in expected.get("file name", []):
        if name not in names:
            problems.append(f"{format_name}: file name {name!r} does not come back as text")
    for generator in expected.get("generator", []):
        if generator.strip() not in generators:
            problems.append(f"{format_name}: generator {generator!r} does not come back as text")


def main():
    format_name, directory, expected_path = sys.argv[1:4]
    with open(expected_path, encoding="utf-8") as handle:
        expected = json.load(handle)
    checks = {"csv": check_csv, "html": check_html, "md": check_md, "ods": check_ods, "odt": check_odt,
              "json": check_json, "scan-csv": check_scan_csv, "scan-jsonl": check_scan_jsonl}
    checks[format_name](directory, expected)
    for problem in problems:
        print(problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
