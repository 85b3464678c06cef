#!/usr/bin/env python3
"""Hand-made package defects for `overblik validate`, one rule broken per file, built with Python's zipfile from
a conforming ODF 1.2 text document. Each output is named `<problem-code>.odt` (or .ods) after the rule it breaks,
so the tests know which problem code must be reported; `base.odt` is the untouched rebuild and must conform.

Usage: scripts/make-validation-defects.py BASE.odt OUTDIR
"""
import os, re, sys, zipfile

MIMETYPE = "mimetype"
MANIFEST = "META-INF/manifest.xml"


def read(base):
    with zipfile.ZipFile(base) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def write(path, entries, mimetype_first=True, mimetype_method=zipfile.ZIP_STORED, mimetype_extra=b""):
    entries = list(entries)
    mimetype = [e for e in entries if e[0] == MIMETYPE]
    others = [e for e in entries if e[0] != MIMETYPE]
    ordered = (mimetype + others) if mimetype_first else (others[:1] + mimetype + others[1:])
    with zipfile.ZipFile(path, "w") as z:
        for name, data in ordered:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            if name == MIMETYPE:
                info.compress_type = mimetype_method
                info.extra = mimetype_extra
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def replace(entries, name, change):
    return [(n, change(d) if n == name else d) for n, d in entries]


def main():
    base, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    entries = read(base)
    p = lambda name: os.path.join(out, name)
    write(p("base.odt"), entries)
    write(p("package.mimetype-missing.odt"), [e for e in entries if e[0] != MIMETYPE])
    write(p("package.mimetype-not-first.odt"), entries, mimetype_first=False)
    write(p("package.mimetype-compressed.odt"), entries, mimetype_method=zipfile.ZIP_DEFLATED)
    # An unknown extra-field block (header id 0xCAFE, 4 bytes of data).
    write(p("package.mimetype-extra-field.odt"), entries, mimetype_extra=b"\xfe\xca\x04\x00abcd")
    write(p("package.mimetype-manifest-mismatch.odt"), replace(entries, MANIFEST, lambda d: d.replace(
        b'full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"',
        b'full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text-template"')))
    write(p("package.media-type-extension-mismatch.ods"), entries)
    write(p("package.media-type-unknown.odt"), replace(entries, MIMETYPE, lambda d: b"application/zip"))
    write(p("package.manifest-missing.odt"), [e for e in entries if e[0] != MANIFEST])
    write(p("package.manifest-entry-unlisted.odt"), entries + [("extra.txt", b"not in the manifest")])
    write(p("package.manifest-entry-absent.odt"), replace(entries, MANIFEST, lambda d: d.replace(
        b"</manifest:manifest>",
        b'<manifest:file-entry manifest:full-path="Pictures/missing.png" manifest:media-type="image/png"/>'
        b"</manifest:manifest>")))
    write(p("package.manifest-root-missing.odt"), replace(entries, MANIFEST, lambda d: re.sub(
        rb'<manifest:file-entry manifest:full-path="/"[^>]*/>', b"", d)))
    write(p("package.manifest-version-mismatch.odt"), replace(entries, MANIFEST, lambda d: d.replace(
        b'manifest:version="1.2">', b'manifest:version="1.3">', 1)))
    write(p("package.version-inconsistent.odt"), replace(entries, "meta.xml", lambda d: d.replace(
        b'office:version="1.2"', b'office:version="1.3"', 1)))
    write(p("package.encryption-malformed.odt"), replace(entries, MANIFEST, lambda d: d.replace(
        b'manifest:full-path="content.xml" manifest:media-type="text/xml"/>',
        b'manifest:full-path="content.xml" manifest:media-type="text/xml" manifest:size="788">'
        b'<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="!!not base64!!">'
        b'<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAAAAAAAAA="/>'
        b"</manifest:encryption-data></manifest:file-entry>")))
    write(p("package.signature-malformed.odt"), entries + [("META-INF/documentsignatures.xml", b"<signatures/>")])
    duplicated = entries + [e for e in entries if e[0] == "meta.xml"]
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write(p("package.duplicate-entry.odt"), duplicated)
    write(p("xml.malformed.odt"), replace(entries, "content.xml", lambda d: d[: len(d) // 2]))
    write(p("schema.invalid.odt"), replace(entries, "content.xml", lambda d: d.replace(
        b"</office:text>", b"<text:no-such-element/></office:text>")))
    write(p("version.missing.odt"), [(n, re.sub(rb' (office|manifest):version="1.2"', b"", d) if n.endswith(".xml")
                                      else d) for n, d in entries])
    write(p("version.unknown.odt"), [(n, d.replace(b'office:version="1.2"', b'office:version="9.9"')
                                      if n.endswith(".xml") else d) for n, d in entries])


if __name__ == "__main__":
    main()
