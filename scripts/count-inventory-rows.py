#!/usr/bin/env python3
"""Independent count of software rows in each inventory fixture (fixtures/inventory/).

Written apart from the Swift importer, with Python's own csv/json/xml/zipfile readers, so the counts
asserted in Tests/InventoryImportTests can be checked against a second reading. One row = one installed
software item (or one KITOS IT system). Packages that dpkg lists but that are not installed
(`deinstall ok config-files`) are counted separately: they are not installations.

Usage: scripts/count-inventory-rows.py [fixtures/inventory]
"""
import csv
import io
import json
import re
import sys
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path


def read_text(path):
    raw = path.read_bytes()
    if raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff"):
        return raw.decode("utf-16")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def csv_rows(path, delimiter):
    text = read_text(path)
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith("#TYPE"):
        lines = lines[1:]
    reader = csv.DictReader(io.StringIO("".join(lines)), delimiter=delimiter)
    return list(reader)


def count_csv(path):
    text = read_text(path)
    header = text.splitlines()[0]
    delimiter = max([",", ";", "\t"], key=header.count)
    rows = csv_rows(path, delimiter)
    title_columns = ["ARPDisplayName0", "DisplayName", "ApplicationName", "SoftwareName", "Software", "IT System"]
    title = next(c for c in title_columns if c in rows[0])
    return sum(1 for row in rows if (row.get(title) or "").strip())


def count_dpkg_query(path):
    installed = not_installed = 0
    for line in read_text(path).splitlines():
        if not line.strip():
            continue
        fields = line.split("\t")
        status = fields[5] if len(fields) > 5 else "install ok installed"
        if status.endswith(" installed"):
            installed += 1
        else:
            not_installed += 1
    return installed, not_installed


def count_dpkg_list(path):
    """`dpkg -l`: rows after the `+++-===` rule; the second state letter i/W/t is installed."""
    lines = read_text(path).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("+++-"))
    states = [line[1] for line in lines[start + 1:] if line.strip()]
    installed = sum(1 for state in states if state in "iWt")
    return installed, len(states) - installed


def count_rpm_queryformat(path):
    return sum(1 for line in read_text(path).splitlines() if line.strip())


def count_cyclonedx_xml(root):
    """(records, skipped) under the same SBOM rule as the JSON form."""
    ns = root.tag[: root.tag.index("}") + 1]
    def walk(components):
        if components is None:
            return []
        return [t for c in components.findall(ns + "component") for t in [c.get("type")] + walk(c.find(ns + "components"))]
    types = walk(root.find(ns + "components"))
    subject_component = root.find(ns + "metadata/" + ns + "component")
    subject = subject_component.get("type") if subject_component is not None else None
    name = subject_component.findtext(ns + "name") if subject_component is not None else None
    if subject is not None and subject not in CDX_MACHINE and not is_root(name):
        return 0, len(types)
    records = sum(1 for t in types if t is None or t in CDX_SOFTWARE)
    return records, len(types) - records


def is_refused(path):
    """Files that are no inventory Overblik reads (a GLPI printer, SPDX 3 JSON-LD, SPDX tag-value, a .reg
    without Uninstall keys): the importer refuses them."""
    if path.name.endswith((".xlsx", ".ods")):
        return False
    text = read_text(path)
    if text.startswith("SPDXVersion:"):
        return True
    if path.name.endswith(".reg"):
        return not re.search(r"^\[[^\]]*\\Uninstall", text, re.M | re.I)
    if path.name.endswith(".json"):
        data = json.loads(text) if "defender-api" not in str(path) else {}
        if isinstance(data, dict) and "@context" in data:
            return True
        if isinstance(data, dict) and "content" in data and "softwares" not in data["content"]:
            return True
    return False


def count_agent_xml(path):
    root = ET.parse(path).getroot()
    return sum(1 for software in root.iter("SOFTWARES") if (software.findtext("NAME") or "").strip())


def count_reg(path):
    count = 0
    for block in re.split(r"\r?\n\[", read_text(path)):
        if re.search(r'^"DisplayName"="[^"]+"', block, re.M):
            count += 1
    return count


CDX_SOFTWARE = {"application", "framework", "library", "operating-system", "platform", "device-driver"}
CDX_MACHINE = {"operating-system", "container", "device", "platform"}
SPDX_SOFTWARE = {"APPLICATION", "FRAMEWORK", "LIBRARY", "OPERATING-SYSTEM", "INSTALL", "OTHER"}
SPDX_MACHINE = {"OPERATING-SYSTEM", "CONTAINER", "DEVICE"}


def is_root(name):
    """A scan of a whole file system (`/`, `C:\\`, `C:/`) is a machine's, whatever its subject's type says."""
    return bool(re.fullmatch(r"\s*(?:/|[A-Za-z]:[\\/]?)\s*", name or ""))


def count_json(path):
    text = read_text(path)
    if "defender-api" in str(path):
        # The published examples are not valid JSON: count objects carrying a software name.
        return len(re.findall(r'"(?:softwareName|name)"\s*:', text))
    data = json.loads(text)
    if "bomFormat" in data if isinstance(data, dict) else False:
        # (records, skipped): only software a machine runs, and only from an SBOM whose subject is a machine
        # or not declared (docs/usage/import.md, "SBOMs").
        def walk(components):
            return [t for c in components for t in [c.get("type")] + walk(c.get("components", []))]
        types = walk(data.get("components", []))
        subject_component = (data.get("metadata") or {}).get("component") or {}
        subject = subject_component.get("type")
        if subject is not None and subject not in CDX_MACHINE and not is_root(subject_component.get("name")):
            return 0, len(types)
        records = sum(1 for t in types if t is None or t in CDX_SOFTWARE)
        return records, len(types) - records
    if isinstance(data, dict) and "spdxVersion" in data:
        packages = data["packages"]
        described = set(data.get("documentDescribes", []))
        described |= {r["relatedSpdxElement"] for r in data.get("relationships", []) if r["relationshipType"] == "DESCRIBES"}
        purposes = [p.get("primaryPackagePurpose") for p in packages if p["SPDXID"] in described]
        if purposes and None not in purposes and not any(p in SPDX_MACHINE for p in purposes) and not is_root(data.get("name")):
            return 0, len(packages)
        records = sum(1 for p in packages if p.get("primaryPackagePurpose") in SPDX_SOFTWARE | {None})
        return records, len(packages) - records
    if isinstance(data, dict) and "Sources" in data:
        return sum(len(source["Packages"]) for source in data["Sources"])
    if isinstance(data, dict) and "content" in data:
        return len(data["content"]["softwares"])
    if isinstance(data, list):
        return sum(1 for row in data if row.get("name") and row.get("status", "install ok installed").endswith("installed"))
    raise ValueError(path)


def count_winget_list(path):
    lines = read_text(path).splitlines()
    start = next(i for i, line in enumerate(lines) if set(line.strip()) == {"-"})
    return sum(1 for line in lines[start + 1:] if line.strip())


def count_xlsx(path):
    with zipfile.ZipFile(path) as archive:
        sheet = ET.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    rows = sheet.findall(".//m:sheetData/m:row", ns)
    return sum(1 for row in rows[1:] if row.findall("m:c", ns))


def count(path):
    name = path.name
    if is_refused(path):
        return "refused"
    if name.endswith(".xlsx"):
        return count_xlsx(path)
    if name.endswith(".csv"):
        return count_csv(path)
    if "dpkg" in str(path.parent):
        if read_text(path).startswith("Desired="):
            return count_dpkg_list(path)
        return count_dpkg_query(path)
    if "rpm" in str(path.parent):
        return count_rpm_queryformat(path)
    if name.endswith(".xml"):
        root = ET.parse(path).getroot()
        if root.tag.startswith("{http://cyclonedx.org/schema/bom/"):
            return count_cyclonedx_xml(root)
        return count_agent_xml(path)
    if name.endswith(".reg"):
        return count_reg(path)
    if name.endswith(".json"):
        return count_json(path)
    if "winget-list" in str(path.parent):
        return count_winget_list(path)
    return None


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "fixtures/inventory")
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.endswith(".md"):
            print(f"{path.relative_to(root)}\t{count(path)}")


if __name__ == "__main__":
    main()
