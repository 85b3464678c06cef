#!/usr/bin/env python3
"""Generate Overblik's synthetic demo estate: one submission per authority (98 municipalities + 5 regions)
for two periods, into fixtures/demo/submissions/.

Every body says `"synthetic": true` and every report built on these files says so prominently.
The figures are invented but shaped like the real thing: OS2 products in use by 93 of 98 municipalities and
all 5 regions (the figure OS2 quotes), Microsoft Office on most seats with some lines past end of life,
LibreOffice beside it in many authorities, a few old OpenOffice.org / Apache OpenOffice / Lotus Symphony
installations, ODF shares from a few per cent to about half, ESDH systems as usage declarations, and
comments on a few. A couple of unknown software titles are hostile on purpose (formula and HTML injection),
so the demo shows that reports escape them.

Deterministic: a fixed seed, fixed timestamps; re-running gives byte-identical files.
The digest is the canonical form SubmissionDigest uses (keys sorted, no whitespace, slashes unescaped,
ISO 8601 dates, nil fields absent); a Swift test recomputes it from the decoded body.

Usage: scripts/make-demo-estate.py [--output fixtures/demo/submissions]
"""
import argparse
import csv
import hashlib
import json
import os
import random

SEED = 20261123
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEO = os.path.join(ROOT, "Sources", "Geography", "Resources")
PERIODS = [("2025", "2025-11-14T09:30:00Z"), ("2026", "2026-11-13T09:30:00Z")]
TOOL = {"name": "overblik", "version": "0.1.0"}
CATALOG = {"version": "demo-estate-1", "digest": "sha256:" + hashlib.sha256(b"overblik demo estate catalog").hexdigest()}

OS2_INSTALLED = ["os2faktor", "os2borgerpc", "os2rollekatalog", "os2datascanner"]
OS2_DECLARED = ["os2kitos", "os2mo", "os2sofd", "os2forms", "os2autoproces", "os2display", "os2iot",
                "os2skoledata", "os2loop", "os2indberetning", "os2web", "os2compliance", "os2sync", "os2udoglaer"]
ESDH = [("sbsys", 0.22), ("acadre", 0.2), ("workzone", 0.18), ("edoc", 0.12), ("getorganized", 0.14),
        ("f2", 0.1), ("captia", 0.04)]
MS_LINES = [("2013", 0.04), ("2016", 0.22), ("2019", 0.2), ("2021", 0.2), ("2024", 0.06), ("microsoft-365-apps", 0.28)]
LO_LINES = {"2025": [("7.3", 0.1), ("7.6", 0.25), ("24.2", 0.4), ("24.8", 0.25)],
            "2026": [("7.6", 0.06), ("24.8", 0.14), ("25.2", 0.2), ("25.8", 0.35), ("26.2", 0.25)]}
COMMENTS = [
    "Vi er i gang med at udrulle LibreOffice til alle skoler i 2026.",
    "Tallene for dokumenter dækker kun de fælles drev, ikke ESDH.",
    "Softwareopgørelsen er fra SCCM; enkelte afdelinger mangler.",
    "Region: OS2-produkterne driftes i fællesskab med kommunerne.",
    "Vi har afsluttet vores pilot med OS2forms og går i drift.",
    "Ældre OpenOffice.org-installationer fjernes i løbet af året.",
]
HOSTILE_TITLES = [
    ("=HYPERLINK(\"http://example.invalid\",\"klik\")", "Ukendt <b>Leverandør</b> & Co", 3),
    ("<script>alert('x')</script> Toolbar", None, 2),
    ("+SUM(A1:A9) Helper", "@evil", 1),
]
PLAIN_TITLES = [("Kommunal Sagsskabelon Tilføjelse", "Lokal IT"), ("PDF Creator Plus", "pdf forge"),
                ("Skolekom Klient", "Skolekom"), ("Borgerservice Kø-system", "Qmatic"),
                ("Tegneprogram 2.1", None)]


# Documents that need attention in a move to ODF (documents.readiness, 2026 only): the share of a format's
# documents carrying each feature. Only formats the counts hold, so every feature row has documents behind it.
FEATURE_ORDER = ["vba", "basic", "scripts", "xlm-macros", "activex", "ole-objects", "external-links",
                 "data-connections", "custom-ui", "signed", "encrypted", "template"]
FEATURE_RATES = {
    ("legacy", "doc"): {"vba": 0.02, "ole-objects": 0.04, "encrypted": 0.004},
    ("legacy", "xls"): {"vba": 0.06, "xlm-macros": 0.004, "external-links": 0.05, "ole-objects": 0.01,
                        "encrypted": 0.006},
    ("legacy", "ppt"): {"vba": 0.005, "ole-objects": 0.08},
    ("ooxml", "docx"): {"ole-objects": 0.03, "signed": 0.002, "encrypted": 0.002},
    ("ooxml", "xlsx"): {"external-links": 0.04, "data-connections": 0.02, "ole-objects": 0.005, "encrypted": 0.003},
    ("ooxml", "pptx"): {"ole-objects": 0.06},
    ("odf", "odt"): {"basic": 0.003, "ole-objects": 0.02, "signed": 0.001},
    ("odf", "ods"): {"basic": 0.01, "ole-objects": 0.005},
    ("odf", "odp"): {"ole-objects": 0.03},
}


def readiness_for(counts, rng):
    """Feature counts drawn from the document counts, or None for an authority that did not measure them
    (about one in seven: submitted with an Overblik that did not measure features)."""
    if rng.random() < 0.15:
        return None
    tally = {}
    for row in counts:
        for feature, rate in FEATURE_RATES.get((row["family"], row["format"]), {}).items():
            n = int(row["count"] * rate * rng.uniform(0.4, 1.6))
            if n > 0:
                key = (feature, row["family"], row["format"], row["year"])
                tally[key] = tally.get(key, 0) + n
    rows = [{"feature": f, "family": fam, "format": fmt, "year": year, "count": n}
            for (f, fam, fmt, year), n in tally.items()]
    rows.sort(key=lambda r: (FEATURE_ORDER.index(r["feature"]), r["family"], r["format"], r["year"]))
    return {"measured": sum(row["count"] for row in counts), "counts": rows}


# ODF conformance (documents.conformance, 2026 only). The verdict shares are real: `overblik scan --validate` over
# the shared ODF corpus (261 readable ODF files from many producers, 2026-12-06) gave these counts per producing
# suite and version line group. Most of that corpus is test documents from the projects' bug trackers, so the shares
# are likely worse than on an ordinary file share; the demo only spreads each row's documents by them.
VERDICT_ORDER = ["conforming", "extended-conforming", "not-conforming", "unknown-version", "not-checked", "unreadable"]
MEASURED_VERDICTS = {
    # LibreOffice 7.0-7.6 and 24.2-26.2: 26 extended conforming (loext: and friends), 3 not conforming (all 7.5).
    ("libreoffice", "new"): {"extended-conforming": 26, "not-conforming": 3},
    # Apache OpenOffice 3.4-4.1: 5 conforming, 1 extended conforming, 1 not conforming.
    ("apache-openoffice", "any"): {"conforming": 5, "extended-conforming": 1, "not-conforming": 1},
    # OpenOffice.org 3.0-3.3: 1 conforming, 17 not conforming.
    ("openoffice.org", "3"): {"conforming": 1, "not-conforming": 17},
    # Microsoft Office 16 (2016-2021, ODF 1.2/1.3): 9 not conforming.
    ("ms-office", "16"): {"not-conforming": 9},
}


def verdict_group(suite, line):
    if suite == "libreoffice":
        return (suite, "new" if line and int(line.split(".")[0]) >= 7 else "old")
    if suite == "apache-openoffice":
        return (suite, "any")
    if suite == "openoffice.org":
        return (suite, line.split(".")[0] if line else None)
    return (suite, line)


def apportion(total, weights, rng):
    """Split `total` by jittered `weights` (name -> weight), largest remainders first; parts sum to total."""
    jittered = {name: w * rng.uniform(0.8, 1.2) for name, w in weights.items() if w > 0}
    scale = total / sum(jittered.values())
    parts = {name: int(w * scale) for name, w in jittered.items()}
    rest = sorted(jittered, key=lambda name: (jittered[name] * scale - parts[name], name), reverse=True)
    for name in rest[:total - sum(parts.values())]:
        parts[name] += 1
    return parts


def conformance_for(counts, rng):
    """Verdict counts spread from the ODF document counts by the measured shares, or None for an authority that did
    not validate (about one in four). Some authorities validated only part of their files (a rescan without --full)."""
    if rng.random() < 0.25:
        return None
    checked_share = 1.0 if rng.random() < 0.8 else rng.uniform(0.3, 0.9)
    tally = {}
    for row in counts:
        if row["family"] != "odf":
            continue
        suite, line, version = row.get("suite"), row.get("suite_version_line"), row.get("odf_version")
        checked = int(row["count"] * checked_share)
        weights = MEASURED_VERDICTS.get(verdict_group(suite, line))
        if checked <= 0 or not weights:
            continue
        for verdict, n in apportion(checked, weights, rng).items():
            if n > 0:
                key = (verdict, suite, line, version)
                tally[key] = tally.get(key, 0) + n
    if not tally:
        return None
    rows = []
    for (verdict, suite, line, version), n in tally.items():
        row = {"verdict": verdict, "count": n}
        for name, value in (("suite", suite), ("suite_version_line", line), ("odf_version", version)):
            if value is not None:
                row[name] = value
        rows.append(row)
    rows.sort(key=lambda r: (VERDICT_ORDER.index(r["verdict"]), r.get("suite") or "",
                             r.get("suite_version_line") or "", r.get("odf_version") or ""))
    return {"measured": sum(row["count"] for row in rows), "counts": rows}


def read_authorities():
    with open(os.path.join(GEO, "municipalities.csv"), encoding="utf-8") as f:
        municipalities = [(int(r["code"]), r["name"], "municipality", int(r["region_code"])) for r in csv.DictReader(f)]
    with open(os.path.join(GEO, "regions.csv"), encoding="utf-8") as f:
        regions = [(int(r["code"]), r["name"], "region", int(r["code"])) for r in csv.DictReader(f)]
    return municipalities, regions


def split(total, weights, rng):
    """Split `total` into parts by jittered weights; parts sum to total."""
    raw = [max(w * rng.uniform(0.6, 1.4), 0.0001) for _, w in weights]
    scale = total / sum(raw)
    parts = [int(r * scale) for r in raw]
    parts[-1] += total - sum(parts)
    return [(name, n) for (name, _), n in zip(weights, parts)]


def canonical(body):
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=os.path.join(ROOT, "fixtures", "demo", "submissions"))
    args = parser.parse_args()
    rng = random.Random(SEED)
    municipalities, regions = read_authorities()

    # Which municipalities use no OS2 product at all (5 of 98, as OS2's own figure says 93 of 98).
    no_os2 = set(rng.sample([m[0] for m in municipalities], 5))
    # Which ones did not submit for the earlier period (so coverage and trends have something to show).
    late = set(rng.sample([m[0] for m in municipalities], 9))
    commented = set(rng.sample([a[0] for a in municipalities + regions], len(COMMENTS)))
    hostile = rng.choice([m[0] for m in municipalities])

    written = 0
    for code, name, kind, region in municipalities + regions:
        profile = random.Random(SEED * 1000 + code)
        hosts_2026 = int(profile.lognormvariate(7.6, 0.7)) + 150 if kind == "municipality" else \
            int(profile.uniform(14000, 38000))
        if code == 101:
            hosts_2026 = 42000
        lo_share_2026 = min(1.0, profile.betavariate(0.9, 3.2) * (1.6 if profile.random() < 0.15 else 1.0))
        has_lo = profile.random() < 0.72
        odf_share_2026 = min(0.62, 0.02 + (lo_share_2026 if has_lo else 0.02) * profile.uniform(0.35, 0.8))
        uses_os2 = code not in no_os2
        os2_installed = [p for p in OS2_INSTALLED if uses_os2 and profile.random() < 0.45]
        os2_declared = [p for p in OS2_DECLARED if uses_os2 and profile.random() < 0.28]
        if uses_os2 and not os2_installed and not os2_declared:
            os2_declared = [profile.choice(OS2_DECLARED)]
        esdh = profile.choices([e for e, _ in ESDH], weights=[w for _, w in ESDH])[0]
        for period, created in PERIODS:
            earlier = period == "2025"
            if earlier and code in late:
                continue
            growth = 0.85 if earlier else 1.0
            hosts = int(hosts_2026 * (0.97 if earlier else 1.0))
            installations = []
            ms_hosts = int(hosts * profile.uniform(0.9, 1.0))
            lines = MS_LINES if not earlier else [(l, w * (1.3 if l == "2016" else 1.0)) for l, w in MS_LINES]
            for line, n in split(ms_hosts, lines, profile):
                if n <= 0:
                    continue
                if line == "microsoft-365-apps":  # its own catalog product, on a continuous lifecycle
                    installations.append({"product": "microsoft-365-apps", "hosts": n})
                else:
                    installations.append({"product": "ms-office", "version_line": line, "hosts": n})
            lo_hosts = int(hosts * lo_share_2026 * growth) if has_lo else 0
            for line, n in split(lo_hosts, LO_LINES[period], profile) if lo_hosts else []:
                if n > 0:
                    installations.append({"product": "libreoffice", "version_line": line, "hosts": n})
            if profile.random() < 0.12:
                installations.append({"product": "apache-openoffice", "version_line": "4.1",
                                      "hosts": profile.randint(2, 60)})
            if profile.random() < 0.05 or (earlier and profile.random() < 0.06):
                installations.append({"product": "openoffice.org", "version_line": "3.3",
                                      "hosts": profile.randint(1, 25)})
            if code in (461, 1082) or profile.random() < 0.01:
                installations.append({"product": "lotus-symphony", "version_line": "3.0",
                                      "hosts": profile.randint(1, 12)})
            if profile.random() < 0.04:
                installations.append({"product": "onlyoffice", "version_line": "8.2",
                                      "hosts": profile.randint(5, 80)})
            for product in os2_installed:
                if earlier and product == os2_installed[-1] and profile.random() < 0.3:
                    continue  # started using it this year
                share = {"os2faktor": 0.9, "os2borgerpc": 0.04, "os2rollekatalog": 0.01, "os2datascanner": 0.01}[product]
                installations.append({"product": product, "hosts": max(1, int(hosts * share * profile.uniform(0.5, 1)))})

            usage = []
            for product in os2_declared:
                relation = "uses" if profile.random() < 0.85 else "pilot"
                year = profile.choice(["2019", "2021", "2022", "2023", "2024"])
                if earlier and profile.random() < 0.15:
                    continue
                usage.append({"organisation": code, "product": product, "relation": relation,
                              "date": year, "evidence": "KITOS-udtræk" if profile.random() < 0.5 else
                              "Facilitatorens opgørelse", "evidence_kind":
                              "kitos" if profile.random() < 0.5 else "usage-declaration"})
            if not uses_os2 and profile.random() < 0.5:
                usage.append({"organisation": code, "product": "os2forms", "relation": "retired", "date": "2023",
                              "evidence": "Facilitatorens opgørelse", "evidence_kind": "usage-declaration"})
            usage.append({"organisation": code, "product": esdh, "relation": "uses", "date": "2020",
                          "evidence": "Facilitatorens ESDH-oversigt", "evidence_kind": "usage-declaration"})

            odf_share = odf_share_2026 * growth
            total_docs = hosts * profile.randint(60, 240)
            office_docs = int(total_docs * 0.8)
            odf_docs = int(office_docs * odf_share)
            star_docs = int(office_docs * profile.uniform(0.0, 0.01))
            legacy_docs = int(office_docs * profile.uniform(0.05, 0.25))
            ooxml_docs = office_docs - odf_docs - star_docs - legacy_docs
            other_docs = total_docs - office_docs
            counts = []

            def add(family, fmt, suite, line, odf_version, year, n):
                if n <= 0:
                    return
                row = {"family": family, "format": fmt, "year": year, "count": n}
                if suite is not None:
                    row["suite"] = suite
                if line is not None:
                    row["suite_version_line"] = line
                if odf_version is not None:
                    row["odf_version"] = odf_version
                counts.append(row)

            last = int(period)
            for fmt, part in split(odf_docs, [("odt", 0.6), ("ods", 0.3), ("odp", 0.1)], profile):
                for (suite, line, version, year), n in split(part, [
                        (("libreoffice", "24.2", "1.3", last), 0.45), (("libreoffice", "7.6", "1.3", last - 1), 0.25),
                        (("libreoffice", "7.3", "1.3", last - 3), 0.12), (("apache-openoffice", "4.1", "1.2", last - 5), 0.08),
                        (("openoffice.org", "3.3", "1.2", 2011), 0.07), (("ms-office", "16", "1.3", last), 0.03)], profile):
                    add("odf", fmt, suite, line, version, year, n)
            add("staroffice-xml", "sxw", "openoffice.org", "1.1", None, 2005, star_docs)
            for fmt, part in split(ooxml_docs, [("docx", 0.55), ("xlsx", 0.35), ("pptx", 0.1)], profile):
                for (line, year), n in split(part, [(("16", last), 0.6), (("16", last - 2), 0.3), (("15", last - 6), 0.1)], profile):
                    add("ooxml", fmt, "ms-office", line, None, year, n)
            for fmt, part in split(legacy_docs, [("doc", 0.6), ("xls", 0.35), ("ppt", 0.05)], profile):
                add("legacy", fmt, None, None, None, 2009, part)
            add("other", "pdf", None, None, None, last, other_docs)
            errors = [{"kind": k, "count": profile.randint(0, 40)} for k in ("truncated", "not-a-zip", "bad-crc")]
            errors = [e for e in errors if e["count"] > 0]
            if profile.random() < 0.2:
                errors.append({"kind": "forbidden-dtd", "count": profile.randint(1, 3)})

            as_of = created.replace("09:30:00", "02:00:00")
            body = {
                "organisation": {"code": code, "name": name, "kind": kind},
                "period": period,
                "created": created,
                "tool": TOOL,
                "catalog": CATALOG,
                "synthetic": True,
                "documents": {"as_of": as_of, "counts": counts, "errors": errors},
                "installations": {"as_of": as_of, "hosts": hosts, "counts": installations},
                "usage": usage,
            }
            # A generator of its own, so the figures drawn before it stay as they were.
            readiness = None if earlier else readiness_for(counts, random.Random(SEED * 7 + code))
            if readiness:
                body["documents"]["readiness"] = readiness
            conformance = None if earlier else conformance_for(counts, random.Random(SEED * 11 + code))
            if conformance:
                body["documents"]["conformance"] = conformance
            if code in commented and not earlier:
                body["comment"] = COMMENTS[sorted(commented).index(code)]
            titles = [{"title": t, "publisher": p, "count": profile.randint(1, 30)} for t, p in PLAIN_TITLES
                      if profile.random() < 0.3]
            if code == hostile:
                titles += [{"title": t, "publisher": p, "count": n} for t, p, n in HOSTILE_TITLES]
            if titles:
                for title in titles:
                    if title["publisher"] is None:
                        del title["publisher"]
                body["unknown_titles"] = titles
            digest = "sha256:" + hashlib.sha256(canonical(body)).hexdigest()
            submission = {"format": "overblik-submission", "format_version": 1, "body": body, "digest": digest}
            folder = os.path.join(args.output, period)
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, f"{code:04d}.json"), "w", encoding="utf-8") as f:
                json.dump(submission, f, ensure_ascii=False, indent=2, sort_keys=True)
                f.write("\n")
            written += 1
    print(f"wrote {written} synthetic submissions to {args.output}")


if __name__ == "__main__":
    main()
