#!/usr/bin/env python3
"""The independent peer's verdicts on the feature fixtures: oletools' `oleid` (which runs olevba's VBA and XLM
detection) on every office file under fixtures/features, one TSV line per file, sorted by path:

    path  container  vba  xlm  encrypted  ext_rels  object_pool

`Tests/OfficeDocumentsTests/FeatureTests.swift` compares Overblik's features with these columns and checks this
script still writes the committed file (fixtures/features/oletools-verdicts.tsv) when oletools is installed.

    python3 -m venv /tmp/oletools && /tmp/oletools/bin/pip install oletools==0.60.2
    /tmp/oletools/bin/python scripts/oletools-verdicts.py fixtures/features > fixtures/features/oletools-verdicts.tsv
"""
import logging
import os
import sys

from oletools import oleid

OFFICE = {"doc", "dot", "xls", "xlt", "xla", "ppt", "pot", "pps", "docx", "docm", "dotx", "dotm", "xlsx", "xlsm",
          "xlsb", "xltx", "xltm", "xlam", "pptx", "pptm", "potx", "potm", "ppsx", "ppsm", "odt", "ott", "ods", "ots",
          "odp", "otp"}


def verdict(path):
    indicators = {i.id: i.value for i in oleid.OleID(path).check()}
    yes = lambda value: "yes" if value in (True, "Yes") else "no"
    return [indicators.get("container") or "-", yes(indicators.get("vba")), yes(indicators.get("xlm")),
            yes(indicators.get("encrypted")), str(indicators.get("ext_rels") or 0),
            yes(indicators.get("ObjectPool"))]


def main(root):
    logging.disable(logging.CRITICAL)  # oletools logs parse trouble of encrypted files; the verdict is enough
    paths = []
    for folder, _, names in os.walk(root):
        paths += [os.path.join(folder, n) for n in names if n.rsplit(".", 1)[-1].lower() in OFFICE]
    print("\t".join(["path", "container", "vba", "xlm", "encrypted", "ext_rels", "object_pool"]))
    for path in sorted(paths, key=lambda p: os.path.relpath(p, root)):
        print("\t".join([os.path.relpath(path, root)] + verdict(path)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "fixtures/features")
