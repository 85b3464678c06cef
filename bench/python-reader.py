#!/usr/bin/env python3
"""Bench peer: a straightforward Python reader (zipfile + ElementTree), one process per core.
For each file: open as ZIP, read mimetype and meta.xml, parse meta.xml, take generator and office:version.
Usage: python-reader.py DIR  → prints counts."""
import multiprocessing
import os
import sys
import zipfile
import xml.etree.ElementTree as ET

OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"


def read(path):
    try:
        with zipfile.ZipFile(path) as z:
            mimetype = z.read("mimetype").decode() if "mimetype" in z.namelist() else None
            if "meta.xml" not in z.namelist():
                return (mimetype, None, None)
            root = ET.fromstring(z.read("meta.xml"))
            generator = root.find(f"{OFFICE}meta/{META}generator")
            return (mimetype, root.get(f"{OFFICE}version"), generator.text if generator is not None else None)
    except Exception as error:  # noqa: BLE001 - a bench peer counts failures, it does not classify them
        return ("error", type(error).__name__, None)


def paths(root):
    for directory, _, names in os.walk(root):
        for name in names:
            yield os.path.join(directory, name)


def main():
    with multiprocessing.Pool(os.cpu_count()) as pool:
        results = pool.imap_unordered(read, paths(sys.argv[1]), chunksize=64)
        total = errors = 0
        for result in results:
            total += 1
            errors += result[0] == "error"
    print(f"{total} files, {errors} not readable as ODF")


if __name__ == "__main__":
    main()
