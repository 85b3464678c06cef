#!/usr/bin/env python3
"""Writes N inventory lines (TSV: title, publisher, version) with realistic repetition, for bench/classify.sh.

The distinct lines come from the real titles in fixtures/catalog/software-titles.tsv, each with version
variants in the vendor's own scheme (LibreOffice x.y.z.w, Office builds 16.0.nnnnn.nnnnn, Debian epochs and
revisions), plus a long tail of other software (runtimes, browsers, drivers, line-of-business apps) that the
catalog does not know. Lines are drawn with Zipf-like weights, as in an SCCM export of a municipality where a
few hundred titles cover most hosts. Fixed seed: the same N gives the same file.
"""
import random
import sys
from pathlib import Path

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20261123
rng = random.Random(seed)
root = Path(__file__).resolve().parent.parent
rows = [line.split("\t") for line in (root / "fixtures/catalog/software-titles.tsv").read_text().splitlines()[1:]]

def variants(title, publisher, version):
    out = [(title, publisher, version)]
    if title.startswith("LibreOffice ") and title[12:13].isdigit():
        for line in ["7.3", "7.4", "7.5", "7.6", "24.2", "24.8", "25.2", "25.8", "26.2"]:
            for micro in range(1, 8):
                full = f"{line}.{micro}.2"
                if "Help Pack" in title:
                    out.append((f"LibreOffice {line} Help Pack (Danish)", publisher, full))
                else:
                    out.append((f"LibreOffice {full}", publisher, full))
    elif version.startswith("4:7.4.7"):
        for debver in ["4:7.0.4-4+deb11u10", "4:7.4.7-1+deb12u14", "4:24.8.4-1~bpo12+1", "4:25.2.3-1"]:
            out.append((title, publisher, debver))
    elif title.startswith("Microsoft Office") and version.startswith("14.0"):
        for build in ["14.0.4763.1000", "14.0.6029.1000", "14.0.7015.1000"]:
            out.append((title, publisher, build))
    elif title.startswith("ONLYOFFICE") or title.startswith("Apache") or title.startswith("OpenOffice"):
        for micro in range(1, 17):
            out.append((title, publisher, f"4.1.{micro}"))
    return out

pool = []
for fields in rows:
    title, publisher, version = fields[0], fields[1], fields[4] if len(fields) > 4 else ""
    pool.extend(variants(title, publisher, version))
for year in ["2013", "2016", "2019", "2021", "2024"]:
    for edition in ["Professional Plus", "Standard", "Home and Business", "LTSC Professional Plus"]:
        for culture in ["da-dk", "en-us", "de-de"]:
            pool.append((f"Microsoft Office {edition} {year} - {culture}", "Microsoft Corporation", "16.0.4266.1001"))
vendors = ["Adobe", "Google", "Mozilla", "Oracle", "Citrix", "VMware", "Intel", "NVIDIA", "Realtek", "KMD", "Netcompany"]
kinds = ["Runtime", "Driver", "Agent", "Client", "Update Service", "Helper", "Viewer", "Toolkit", "Connector"]
for index in range(3000):
    vendor = rng.choice(vendors)
    name = f"{vendor} {rng.choice(kinds)} {index % 300}"
    pool.append((name, f"{vendor} Inc.", f"{rng.randint(1, 30)}.{rng.randint(0, 9)}.{rng.randint(0, 9999)}"))
rng.shuffle(pool)
weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(pool))]
out = sys.stdout
out.write("title\tpublisher\tversion\n")
chunk = 100_000
written = 0
while written < n:
    take = min(chunk, n - written)
    picks = rng.choices(pool, weights=weights, k=take)
    out.write("".join(f"{t}\t{p}\t{v}\n" for t, p, v in picks))
    written += take
print(f"{n} lines from {len(pool)} distinct title/publisher/version combinations", file=sys.stderr)
