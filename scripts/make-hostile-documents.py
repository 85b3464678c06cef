#!/usr/bin/env python3
"""Writes hostile office documents with Python's own zipfile (a writer independent of Overblik's libzip),
each beside a well-formed twin where one exists, for HostileDocumentTests:

    scripts/make-hostile-documents.py OUTDIR SOURCE.odt

SOURCE is a real ODF package (its parts are reused). Files written (all named .odt):
  twin.odt              SOURCE's parts, rewritten plainly: the oracle for the readable ones below
  zip64.odt             the same parts with ZIP64 headers on every entry
  many-entries.odt      the same parts plus 20,000 tiny entries
  long-name.odt         the same parts plus an entry whose name is 65,000 bytes
  non-utf8-name.odt     the same parts plus an entry whose name is not UTF-8 (flagged as UTF-8)
  encrypted-meta.odt    meta.xml marked as encrypted (traditional PKWARE) in both headers
  lying-size.odt        meta.xml whose headers declare 8 bytes while it inflates to far more
  huge-meta.odt         meta.xml of 500 MB (inflates from about 0.5 MB): a generator first, then padding
  bad-utf8-meta.odt     meta.xml with a byte sequence that is not UTF-8 inside the generator
  cut-short.odt         the twin cut in half
"""
import os
import struct
import sys
import zipfile
import zlib

out, source = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
with zipfile.ZipFile(source) as z:
    parts = [(i.filename, z.read(i.filename)) for i in z.infolist() if not i.filename.endswith("/")]
parts.sort(key=lambda p: p[0] != "mimetype")  # mimetype first, stored


def write(name, extra=(), force_zip64=False, replace=None):
    path = os.path.join(out, name)
    with zipfile.ZipFile(path, "w") as z:
        for part, data in parts:
            if replace and part in replace:
                data = replace[part]
            method = zipfile.ZIP_STORED if part == "mimetype" else zipfile.ZIP_DEFLATED
            info = zipfile.ZipInfo(part, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = method
            with z.open(info, "w", force_zip64=force_zip64) as f:
                f.write(data)
        for part, data in extra:
            info = zipfile.ZipInfo(part, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return path


def patch_entry(path, entry, patcher):
    """Rewrites the local and central headers of `entry` through patcher(header_bytes, kind) -> bytes."""
    data = bytearray(open(path, "rb").read())
    name = entry if isinstance(entry, bytes) else entry.encode()
    for signature, kind, name_offset in ((b"PK\x03\x04", "local", 30), (b"PK\x01\x02", "central", 46)):
        start = 0
        while True:
            at = data.find(signature, start)
            if at < 0:
                break
            start = at + 4
            length = struct.unpack_from("<H", data, at + (26 if kind == "local" else 28))[0]
            if bytes(data[at + name_offset:at + name_offset + length]) == name:
                data[at:at + name_offset] = patcher(bytes(data[at:at + name_offset]), kind)
    open(path, "wb").write(bytes(data))


def set_flag(bit):
    def patcher(header, kind):
        offset = 6 if kind == "local" else 8
        flags = struct.unpack_from("<H", header, offset)[0] | bit
        return header[:offset] + struct.pack("<H", flags) + header[offset + 2:]
    return patcher


def declare_size(size):
    def patcher(header, kind):
        offset = 22 if kind == "local" else 24
        return header[:offset] + struct.pack("<I", size) + header[offset + 4:]
    return patcher


meta = dict(parts)["meta.xml"]
write("twin.odt")
write("zip64.odt", force_zip64=True)
write("many-entries.odt", extra=[("Pictures/p%05d.txt" % i, b"x") for i in range(20000)])
write("long-name.odt", extra=[("Pictures/" + "n" * 65000, b"long")])
path = write("non-utf8-name.odt", extra=[("Pictures/ZZZZ.txt", b"latin-1 name")])
data = open(path, "rb").read().replace(b"Pictures/ZZZZ.txt", b"Pictures/\xe9\xff\xfe\xe9.txt")
open(path, "wb").write(data)
patch_entry(path, b"Pictures/\xe9\xff\xfe\xe9.txt", set_flag(0x800))
encrypted = write("encrypted-meta.odt")
patch_entry(encrypted, "meta.xml", set_flag(0x1))
lying = write("lying-size.odt", replace={"meta.xml": meta + b"<!--" + b" " * 4_000_000 + b"-->"})
patch_entry(lying, "meta.xml", declare_size(8))

# 500 MB of meta.xml, streamed through zlib so the test machine never holds it.
head = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-meta '
        b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3"><office:meta>'
        b'<meta:generator>LibreOffice/7.6.4.1$Linux_X86_64 LibreOffice_project/e19e193f88cd6c0525a17fb7a176ed8e6a3e2aa1</meta:generator>'
        b'<meta:keyword>')
tail = b"</meta:keyword></office:meta></office:document-meta>"
size = 500 * 1024 * 1024
huge = os.path.join(out, "huge-meta.odt")
with zipfile.ZipFile(huge, "w") as z:
    for part, data in parts:
        if part == "meta.xml":
            info = zipfile.ZipInfo("meta.xml", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with z.open(info, "w", force_zip64=True) as f:
                f.write(head)
                chunk = b"a" * (1 << 20)
                for _ in range((size - len(head) - len(tail)) // len(chunk)):
                    f.write(chunk)
                f.write(tail)
        else:
            info = zipfile.ZipInfo(part, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if part == "mimetype" else zipfile.ZIP_DEFLATED
            z.writestr(info, data)
write("bad-utf8-meta.odt", replace={"meta.xml": meta.replace(b"<meta:generator>", b"<meta:generator>\xc3\x28\xff")})
twin = open(os.path.join(out, "twin.odt"), "rb").read()
open(os.path.join(out, "cut-short.odt"), "wb").write(twin[: len(twin) // 2])
