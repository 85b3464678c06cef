#!/usr/bin/env python3
"""Writes fixtures/documents/damaged/: hostile and broken variants of a real LibreOffice document
(fixtures/documents/generated/libreoffice-writer.odt), one defect each, plus fixtures/zip/bomb-16mib.zip.
Deterministic: entry dates are fixed, so re-running gives byte-identical files.

Each file name says what is wrong; fixtures/documents/damaged/README.md lists the expected outcome."""
import io
import os
import sys
import zipfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SOURCE = os.path.join(ROOT, "fixtures/documents/generated/libreoffice-writer.odt")
DOCX = os.path.join(ROOT, "fixtures/documents/generated/libreoffice-writer.docx")
XLS = os.path.join(ROOT, "fixtures/documents/generated/libreoffice-calc.xls")
OUT = os.path.join(ROOT, "fixtures/documents/damaged")
DATE = (2024, 1, 2, 3, 4, 6)

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
META_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             f'<office:document-meta xmlns:office="{OFFICE}" '
             'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3">')


def source_entries():
    with zipfile.ZipFile(SOURCE) as z:
        return [(info.filename, z.read(info.filename)) for info in z.infolist()]


def build(entries, deflate_mimetype=False):
    """entries: list of (name, bytes[, compress_type]). mimetype is stored unless deflate_mimetype."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for item in entries:
            name, data = item[0], item[1]
            info = zipfile.ZipInfo(name, DATE)
            if len(item) > 2:
                info.compress_type = item[2]
            elif name == "mimetype" and not deflate_mimetype:
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buffer.getvalue()


def replace(entries, name, data):
    return [(n, data if n == name else d) for n, d in entries]


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    base = source_entries()
    good = build(base)
    names = [n for n, _ in base]
    assert names[0] == "mimetype", names

    write("empty.odt", b"")
    write("not-a-zip.odt", b"This is a plain text file with an .odt name.\n" * 4)
    write("truncated.odt", good[: len(good) // 2])

    # Bad CRC: meta.xml stored (uncompressed) so a byte of it can be flipped in place.
    stored_meta = [(n, d, zipfile.ZIP_STORED) if n == "meta.xml" else (n, d) for n, d in base]
    raw = bytearray(build(stored_meta))
    meta = dict(base)["meta.xml"]
    at = raw.find(meta)
    assert at > 0
    raw[at + len(meta) // 2] ^= 0x01
    write("bad-crc.odt", bytes(raw))

    write("duplicate-entries.odt", build(base + [("meta.xml", dict(base)["meta.xml"])]))
    write("duplicate-content.odt", build(base + [("content.xml", dict(base)["content.xml"])]))
    without_mimetype = [(n, d) for n, d in base if n != "mimetype"]
    write("missing-mimetype-and-manifest.odt",
          build([(n, d) for n, d in without_mimetype if n != "META-INF/manifest.xml"]))
    write("missing-mimetype.odt", build(without_mimetype))
    write("mimetype-not-first.odt", build(without_mimetype + [("mimetype", dict(base)["mimetype"])]))
    write("mimetype-deflated.odt", build(base, deflate_mimetype=True))
    write("mimetype-trailing-newline.odt", build(replace(base, "mimetype", dict(base)["mimetype"] + b"\n")))
    with open(DOCX, "rb") as f:
        write("docx-named.odt", f.read())
    with open(XLS, "rb") as f:
        write("xls-named.ods", f.read())
    write("zip-not-office.odt", build([("readme.txt", b"hello"), ("data/values.csv", b"a,b\n1,2\n")]))
    write("text-named.doc", b"Not a Word document at all.\n")

    write("malformed-meta.odt", build(replace(base, "meta.xml",
          (META_HEAD + "<office:meta><meta:generator>X</meta:generatr></office:meta></office:document-meta>").encode())))
    xxe = ('<?xml version="1.0"?>\n<!DOCTYPE office:document-meta [\n'
           '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
           + META_HEAD[META_HEAD.index("<office:document-meta"):]
           + "<office:meta><meta:generator>&xxe;</meta:generator></office:meta></office:document-meta>")
    write("xxe-meta.odt", build(replace(base, "meta.xml", xxe.encode())))
    lols = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    laughs = ('<?xml version="1.0"?>\n<!DOCTYPE office:document-meta [' + lols + ']>\n'
              + META_HEAD[META_HEAD.index("<office:document-meta"):]
              + "<office:meta><meta:generator>&lol9;</meta:generator></office:meta></office:document-meta>")
    write("billion-laughs-meta.odt", build(replace(base, "meta.xml", laughs.encode())))
    deep = (META_HEAD + "<office:meta>" + "<meta:user-defined>" * 5000 + "</meta:user-defined>" * 5000
            + "</office:meta></office:document-meta>")
    write("deep-nesting-meta.odt", build(replace(base, "meta.xml", deep.encode())))
    # 64 MiB of spaces after a valid start: far beyond the 8 MiB cap on a metadata part (deflates to ~64 KB).
    bomb = (META_HEAD + "<office:meta>").encode() + b" " * (64 << 20)
    write("zip-bomb-meta.odt", build(replace(base, "meta.xml", bomb)))
    write("junk-before-archive.odt", b"MZ" + b"\x00junk-stub" * 100 + good)

    flat_xxe = ('<?xml version="1.0"?>\n<!DOCTYPE office:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
                f'<office:document xmlns:office="{OFFICE}" office:version="1.3" '
                'office:mimetype="application/vnd.oasis.opendocument.text"><office:meta/></office:document>\n')
    write("xxe.fodt", flat_xxe.encode())
    write("malformed.fodt", (f'<office:document xmlns:office="{OFFICE}" office:version="1.3">'
                             '<office:meta><oops></office:meta>').encode())

    # ZipKit's own bomb fixture.
    zip_dir = os.path.join(ROOT, "fixtures/zip")
    os.makedirs(zip_dir, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        info = zipfile.ZipInfo("mimetype", DATE)
        z.writestr(info, b"application/vnd.oasis.opendocument.text")
        info = zipfile.ZipInfo("content.xml", DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, b"\0" * (16 << 20), compresslevel=9)
    with open(os.path.join(zip_dir, "bomb-16mib.zip"), "wb") as f:
        f.write(buffer.getvalue())


if __name__ == "__main__":
    sys.exit(main())
