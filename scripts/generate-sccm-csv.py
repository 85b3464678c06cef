#!/usr/bin/env python3
"""Generate a ConfigMgr (SCCM) v_GS_INSTALLED_SOFTWARE-style CSV for benchmarks.

Titles, versions and publishers are real strings taken from the inventory fixtures
(fixtures/inventory/**: SCCM, Intune, PowerShell, Lansweeper, Defender CSVs, osquery and GLPI JSON);
host names are synthetic (KOMM-PCnnnnn). A fixed seed makes the file identical on every run.

Usage: scripts/generate-sccm-csv.py LINES OUTPUT [SEED]
"""
import csv
import hashlib
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "inventory"


def real_titles():
    titles = set()
    for path in ROOT.rglob("*.csv"):
        with open(path, newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                title = row.get("ARPDisplayName0") or row.get("DisplayName") or row.get("ApplicationName") \
                    or row.get("Software")
                version = row.get("ProductVersion0") or row.get("DisplayVersion") or row.get("ApplicationVersion") \
                    or row.get("Version") or ""
                publisher = row.get("Publisher0") or row.get("Publisher") or row.get("ApplicationPublisher") or ""
                if title:
                    titles.add((title, version, publisher))
    for path in list(ROOT.rglob("programs*.json")) + list(ROOT.rglob("inventory_format-computer_1.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = data if isinstance(data, list) else data["content"]["softwares"]
        for row in rows:
            titles.add((row["name"], row.get("version", ""), row.get("publisher", "")))
    return sorted(titles)


def main():
    lines = int(sys.argv[1])
    output = Path(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20261123
    rng = random.Random(seed)
    titles = real_titles()
    dates = [f"20{y:02d}-{m:02d}-{d:02d} 00:00:00" for y in range(10, 27) for m in range(1, 13) for d in (1, 9, 17, 25)]
    with open(output, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["Netbios_Name0", "ARPDisplayName0", "ProductName0", "ProductVersion0", "Publisher0",
                         "InstallDate0", "InstalledLocation0", "SoftwareCode0"])
        host = 0
        written = 0
        while written < lines:
            host += 1
            for title, version, publisher in rng.sample(titles, min(len(titles), rng.randint(20, 80))):
                if written >= lines:
                    break
                # MSI product codes identify a product version: the same on every host that has it.
                digest = hashlib.sha1(f"{title}|{version}".encode()).hexdigest().upper()
                code = "{%s-%s-%s-%s-%s}" % (digest[0:8], digest[8:12], digest[12:16], digest[16:20], digest[20:32])
                writer.writerow([f"KOMM-PC{host:05d}", title, title, version, publisher, rng.choice(dates),
                                 "C:\\Program Files\\" + title.split(" ")[0] + "\\", code])
                written += 1
    print(f"{output}: {lines} lines, {len(titles)} distinct real titles, {host} hosts")


if __name__ == "__main__":
    main()
