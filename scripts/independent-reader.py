#!/usr/bin/env python3
"""An independent reader of office-document metadata, for checking Overblik's DocumentReader.

Written separately from the Swift code with different machinery (Python's zipfile and ElementTree/expat instead
of libzip and libxml2), following the same published rules (see docs/usage/scan.md): format by content
signature, ODF mimetype/manifest/meta.xml, OOXML docProps, failure kinds and warning kinds.

Usage: independent-reader.py FILE_OR_DIR... [--relative-to DIR]   → one JSON object per file on stdout,
sorted by path. Dates are whole seconds since 1970 (UTC when the document gives no zone)."""
import calendar
import json
import os
import re
import sys
import struct
import zipfile
import xml.etree.ElementTree as ET

MAX_PART = 8 << 20
MAX_DEPTH = 64
OFFICE = ("urn:oasis:names:tc:opendocument:xmlns:office:1.0", "http://openoffice.org/2000/office")
META = ("urn:oasis:names:tc:opendocument:xmlns:meta:1.0", "http://openoffice.org/2000/meta")
MANIFEST = ("urn:oasis:names:tc:opendocument:xmlns:manifest:1.0", "http://openoffice.org/2001/manifest")
DC = "http://purl.org/dc/elements/1.1/"
XLINK = "http://www.w3.org/1999/xlink"
EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
EP_STRICT = "http://purl.oclc.org/ooxml/officeDocument/extendedProperties"  # ISO/IEC 29500 Strict
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DCTERMS = "http://purl.org/dc/terms/"

ODF_TYPES = {
    "text": "odt", "text-template": "ott", "text-master": "odm", "text-master-template": "otm", "text-web": "oth",
    "spreadsheet": "ods", "spreadsheet-template": "ots", "presentation": "odp", "presentation-template": "otp",
    "graphics": "odg", "graphics-template": "otg", "chart": "odc", "chart-template": "otc", "formula": "odf",
    "formula-template": "otf", "image": "odi", "image-template": "oti", "base": "odb", "database": "odb",
}
SO_TYPES = {
    "writer": "sxw", "writer.template": "stw", "writer.global": "sxg", "writer.web": "stw", "calc": "sxc",
    "calc.template": "stc", "impress": "sxi", "impress.template": "sti", "draw": "sxd", "draw.template": "std",
    "math": "sxm", "base": "odb",
}
OOXML_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template": "dotx",
    "application/vnd.ms-word.document.macroenabled": "docm",
    "application/vnd.ms-word.template.macroenabledtemplate": "dotm",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template": "xltx",
    "application/vnd.ms-excel.sheet.macroenabled": "xlsm",
    "application/vnd.ms-excel.template.macroenabled": "xltm",
    "application/vnd.ms-excel.sheet.binary.macroenabled": "xlsb",
    "application/vnd.ms-excel.addin.macroenabled": "xlam",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.template": "potx",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow": "ppsx",
    "application/vnd.ms-powerpoint.presentation.macroenabled": "pptm",
    "application/vnd.ms-powerpoint.slideshow.macroenabled": "ppsm",
    "application/vnd.ms-powerpoint.template.macroenabled": "potm",
    "application/vnd.ms-visio.drawing": "vsdx",
}
ODF_EXT = set(ODF_TYPES.values())
FLAT_EXT = {"fodt", "fods", "fodp", "fodg"}
SO_EXT = {"sxw", "stw", "sxg", "sxc", "stc", "sxi", "sti", "sxd", "std", "sxm", "sdw", "sdc", "sdd"}
OOXML_EXT = set(OOXML_TYPES.values())
LEGACY_EXT = {"doc", "dot", "xls", "xlt", "xla", "ppt", "pot", "pps", "wps", "wpd", "wri", "vsd", "pub"}
CANDIDATE_EXT = ODF_EXT | FLAT_EXT | SO_EXT | OOXML_EXT | LEGACY_EXT | {"rtf", "pdf"}
ZIP_EXT = (ODF_EXT | SO_EXT | OOXML_EXT) - {"sdw", "sdc", "sdd"}


class Failure(Exception):
    def __init__(self, kind, detail=""):
        super().__init__(detail)
        self.kind = kind


def family_for_ext(ext):
    if ext in ODF_EXT or ext in FLAT_EXT:
        return "odf"
    if ext in SO_EXT:
        return "staroffice-xml"
    if ext in OOXML_EXT:
        return "ooxml"
    if ext in LEGACY_EXT:
        return "legacy"
    return "other"


def epoch(text):
    if text is None:
        return None
    m = re.match(r"\s*(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d))?(?:[.,]\d*)?(Z|[+-]\d\d:?\d\d)?)?", text)
    if not m:
        return None
    y, mo, d, h, mi, s, zone = m.groups()
    value = calendar.timegm((int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0)))
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        value -= sign * (int(digits[:2]) * 3600 + int(digits[2:4] or 0) * 60)
    return value


def check_dtd(data):
    """expat would expand internal entities: refuse any DOCTYPE with an internal subset before parsing."""
    head = data[: 1 << 20]
    start = head.find(b"<!DOCTYPE")
    if start < 0:
        return
    first_element = re.search(rb"<[A-Za-z_]", head)
    if first_element and first_element.start() < start:
        return
    end = head.find(b">", start)
    bracket = head.find(b"[", start)
    if bracket >= 0 and (end < 0 or bracket < end):
        raise Failure("forbidden-dtd", "DOCTYPE with an internal subset")


def parse(data, stop=None):
    """Iterates (event, element, depth) with a depth cap; `stop(event, elem, depth)` → True ends early."""
    check_dtd(data)
    depth = -1
    parser = ET.XMLPullParser(events=("start", "end"))
    try:
        for offset in range(0, max(len(data), 1), 65536):
            parser.feed(data[offset:offset + 65536])
            for event, elem in parser.read_events():
                if event == "start":
                    depth += 1
                    if depth > MAX_DEPTH:
                        raise Failure("too-deep", "nesting")
                    if stop and stop(event, elem, depth):
                        return
                else:
                    if stop and stop(event, elem, depth):
                        return
                    depth -= 1
        parser.close()
    except ET.ParseError as error:
        raise Failure("malformed-xml", str(error))


def split(tag):
    if tag.startswith("{"):
        ns, local = tag[1:].split("}", 1)
        return ns, local
    return "", tag


def read_capped(zf, name):
    with zf.open(name) as f:
        data = f.read(MAX_PART + 1)
    if len(data) > MAX_PART:
        raise Failure("entry-too-large", name)
    return data


def odf_meta(data, record):
    """Fills record from meta.xml / a flat document; stops after office:meta."""
    state = {"root": None, "in_meta": False}

    def stop(event, elem, depth):
        ns, local = split(elem.tag)
        if event == "start" and depth == 0:
            state["root"] = (ns, local)
            for key, value in elem.attrib.items():
                ans, alocal = split(key)
                if ans in OFFICE and alocal == "version":
                    record["odf_version"] = value
                if ans in OFFICE and alocal == "mimetype":
                    state["mimetype"] = value
            return ns not in OFFICE
        if event == "start" and depth == 1:
            if ns in OFFICE and local == "meta":
                state["in_meta"] = True
                return False
            return state["in_meta"] or local == "body"
        if event == "end" and depth == 1 and ns in OFFICE and local == "meta":
            return True
        if event == "end" and depth == 2 and state["in_meta"]:
            text = (elem.text or "").strip() if len(elem) == 0 else "".join(elem.itertext()).strip()
            if ns in META and local == "generator":
                record["generator"] = text or None
            elif ns in META and local == "creation-date":
                record["created"] = epoch(text)
            elif ns == DC and local == "date":
                record["meta_modified"] = epoch(text)
            elif ns in META and local == "editing-cycles":
                record["editing_cycles"] = int(text) if text.isdigit() else None
            elif ns in META and local == "editing-duration":
                record["editing_duration"] = text or None
            elif ns == DC and local == "language":
                record["language"] = text or None
            elif ns in META and local == "template":
                record["template"] = elem.attrib.get("{%s}href" % XLINK)
            elif ns in META and local == "document-statistic":
                for key, value in elem.attrib.items():
                    ans, alocal = split(key)
                    if ans in META and re.fullmatch(r"-?\d+", value):
                        record["statistics"][alocal] = int(value)
        return False

    parse(data, stop)
    return state


def root_version(data):
    found = {}

    def stop(event, elem, depth):
        for key, value in elem.attrib.items():
            ans, alocal = split(key)
            if ans in OFFICE and alocal == "version":
                found["version"] = value
        return True

    try:
        parse(data, stop)
    except Failure:
        return None
    return found.get("version")


def warn(record, kind):
    record["warnings"].append(kind)


def read_zip(path, ext, record, head):
    record["container"] = "zip"
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise Failure("truncated" if head[:2] == b"PK" else "not-a-zip", str(error))
    with zf:
        if head[:4] not in (b"PK\x03\x04", b"PK\x05\x06"):
            warn(record, "junk-before-archive")
        infos = zf.infolist()
        all_names = [i.filename for i in infos]
        duplicated = {n for n in all_names if all_names.count(n) > 1}
        # A duplicated part is never read; the rest still informs, and the file fails as ambiguous.
        names = [n for n in all_names if n not in duplicated]
        try:
            read_package(zf, infos, names, all_names, ext, record)
        except Failure:
            if not duplicated:
                raise
        if duplicated:
            raise Failure("ambiguous-archive", "duplicate names")


def read_package(zf, infos, names, all_names, ext, record):
    if True:
        declared = None
        if "mimetype" in names:
            info = infos[all_names.index("mimetype")]
            try:
                raw = zf.read(info)[:1024].decode("utf-8", "replace")
            except zipfile.BadZipFile as error:
                raise Failure("bad-crc", str(error))
            declared = raw.strip() or None
            if raw != raw.strip():
                warn(record, "mimetype-whitespace")
            if all_names.index("mimetype") != 0:
                warn(record, "mimetype-not-first")
            if info.compress_type != zipfile.ZIP_STORED:
                warn(record, "mimetype-compressed")
        manifest, manifest_problem = None, None
        if "META-INF/manifest.xml" in names:
            try:
                manifest = parse_manifest(read_capped(zf, "META-INF/manifest.xml"))
            except (Failure, zipfile.BadZipFile) as error:
                manifest_problem = str(error)
        odf_like = lambda t: bool(t) and (t.startswith("application/vnd.oasis.opendocument.")
                                          or t.startswith("application/vnd.sun.xml."))
        if odf_like(declared):
            return read_odf(zf, names, declared, manifest, manifest_problem, True, ext, record)
        if "[Content_Types].xml" in names:
            if declared:
                warn(record, "mimetype-unexpected")
            return read_ooxml(zf, names, ext, record)
        if manifest and odf_like(manifest.get("root")):
            if declared:
                warn(record, "mimetype-invalid")
            return read_odf(zf, names, manifest["root"], manifest, manifest_problem, declared is not None, ext, record)
        if declared is None and ("content.xml" in names or "meta.xml" in names):
            record["family"] = "staroffice-xml" if ext in SO_EXT else "odf"
            if manifest_problem:
                warn(record, "manifest-unreadable")
            record["error"] = "missing-mimetype"
            try:
                odf_parts(zf, names, manifest, record)
            except Failure:
                pass
            return
        if ext in CANDIDATE_EXT:
            raise Failure("wrong-format", "zip without office markers")
        record["family"], record["format"], record["mimetype"] = "other", "zip", declared or "application/zip"


def parse_manifest(data):
    info = {"version": None, "root": None, "encrypted": set()}
    current = {"path": None}

    def stop(event, elem, depth):
        ns, local = split(elem.tag)
        if event != "start" or ns not in MANIFEST:
            return False
        attrs = {split(k)[1]: v for k, v in elem.attrib.items()}
        if local == "manifest":
            info["version"] = attrs.get("version")
        elif local == "file-entry":
            current["path"] = attrs.get("full-path")
            if current["path"] == "/":
                info["root"] = attrs.get("media-type")
        elif local == "encryption-data" and current["path"]:
            info["encrypted"].add(current["path"])
        return False

    parse(data, stop)
    return info


def read_odf(zf, names, media, manifest, manifest_problem, has_mimetype, ext, record):
    so = media.startswith("application/vnd.sun.xml.")
    record["family"] = "staroffice-xml" if so else "odf"
    record["mimetype"] = media
    suffix = media.split(".sun.xml." if so else ".opendocument.", 1)[1]
    record["format"] = (SO_TYPES if so else ODF_TYPES).get(suffix) or ext or ("sxw" if so else "odt")
    if not has_mimetype:
        warn(record, "mimetype-missing")
    if manifest_problem:
        warn(record, "manifest-unreadable")
    elif manifest is None:
        warn(record, "manifest-missing")
    if manifest and manifest.get("root") and manifest["root"] != media:
        warn(record, "mimetype-manifest-mismatch")
    if ext != record["format"]:
        warn(record, "extension-mismatch")
    odf_parts(zf, names, manifest, record)


def odf_parts(zf, names, manifest, record):
    record["manifest_version"] = manifest["version"] if manifest else None
    encrypted = manifest["encrypted"] if manifest else set()
    record["encrypted"] = bool(encrypted)
    if "meta.xml" in names and "meta.xml" not in encrypted:
        try:
            data = read_capped(zf, "meta.xml")
        except zipfile.BadZipFile as error:
            raise Failure("bad-crc", str(error))
        # All or nothing: a meta.xml that fails part-way contributes no fields.
        scratch = dict(record, statistics={})
        odf_meta(data, scratch)
        record.update(scratch)
    # The version from the first part that states it: meta.xml, the root of content.xml or styles.xml (readable
    # ones), then the manifest's manifest:version.
    for part in ("content.xml", "styles.xml"):
        if record.get("odf_version") is None and part in names and part not in encrypted:
            with zf.open(part) as f:
                prefix = f.read(65536)
            record["odf_version"] = root_version(prefix)
    if record.get("odf_version") is None:
        record["odf_version"] = record["manifest_version"]


def read_ooxml(zf, names, ext, record):
    record["family"] = "ooxml"
    main = None
    data = read_capped(zf, "[Content_Types].xml")

    def stop(event, elem, depth):
        nonlocal main
        if event == "start" and split(elem.tag)[1] in ("Override", "Default"):
            value = (elem.attrib.get("ContentType") or "").lower()
            for suffix in (".main+xml", ".main"):  # .main: the binary workbook (xlsb)
                if value.endswith(suffix) and value[: -len(suffix)] in OOXML_TYPES and main is None:
                    main = value[: -len(suffix)]
        return False

    parse(data, stop)
    if main:
        record["format"], record["mimetype"] = OOXML_TYPES[main], main
    elif "word/document.xml" in names:
        record["format"] = "docx"
    elif "xl/workbook.xml" in names:
        record["format"] = "xlsx"
    elif "ppt/presentation.xml" in names:
        record["format"] = "pptx"
    elif "xl/workbook.bin" in names:
        record["format"] = "xlsb"
    else:
        record["format"] = ext if ext in OOXML_EXT else "ooxml"
        warn(record, "ooxml-main-part-unknown")
    if ext != record["format"]:
        warn(record, "extension-mismatch")
    stats_names = {"Pages": "page-count", "Words": "word-count", "Characters": "character-count",
                   "Paragraphs": "paragraph-count", "Lines": "line-count", "Slides": "slide-count",
                   "Notes": "note-count", "HiddenSlides": "hidden-slide-count"}
    app, core = {}, {}
    for part, target, ns_ok in (("docProps/app.xml", app, lambda ns: ns == EP), ("docProps/core.xml", core, None)):
        if part not in names:
            continue

        def stop(event, elem, depth, target=target):
            if event == "end" and depth == 1:
                target[split(elem.tag)] = "".join(elem.itertext())
            return False

        parse(read_capped(zf, part), stop)
    app = {(EP if ns == EP_STRICT else ns, local): value for (ns, local), value in app.items()}
    application = (app.get((EP, "Application")) or "").strip() or None
    app_version = (app.get((EP, "AppVersion")) or "").strip() or None
    record["application"], record["app_version"] = application, app_version
    if application:
        record["generator"] = " ".join(v for v in (application, app_version) if v)
    for element, key in stats_names.items():
        value = (app.get((EP, element)) or "").strip()
        if re.fullmatch(r"-?\d+", value):
            record["statistics"][key] = int(value)
    total = (app.get((EP, "TotalTime")) or "").strip()
    record["editing_duration"] = "PT%sM" % int(total) if re.fullmatch(r"-?\d+", total) else None
    record["template"] = (app.get((EP, "Template")) or "").strip() or None
    record["created"] = epoch(core.get((DCTERMS, "created")))
    record["meta_modified"] = epoch(core.get((DCTERMS, "modified")))
    revision = (core.get((CP, "revision")) or "").strip()
    record["editing_cycles"] = int(revision) if re.fullmatch(r"-?\d+", revision) else None
    record["language"] = (core.get((DC, "language")) or "").strip() or None


def cfb(path, ext, record):
    """Independent of the Swift directory walk: look for the stream names' UTF-16LE bytes anywhere."""
    record["container"] = "binary"
    with open(path, "rb") as f:
        data = f.read(8 << 20)
    has = lambda name: name.encode("utf-16-le") in data
    def pick(family, formats, mimetype):
        record["family"], record["format"], record["mimetype"] = family, (ext if ext in formats else formats[0]), mimetype
    if has("EncryptedPackage"):
        record["family"], record["format"], record["encrypted"] = "ooxml", ext if ext in OOXML_EXT else "ooxml", True
    elif has("WordDocument"):
        pick("legacy", ["doc", "dot"], "application/msword")
    elif has("Workbook") or has("Book"):
        pick("legacy", ["xls", "xlt", "xla"], "application/vnd.ms-excel")
    elif has("PowerPoint Document"):
        pick("legacy", ["ppt", "pot", "pps"], "application/vnd.ms-powerpoint")
    elif ext in LEGACY_EXT:
        record["family"], record["format"] = "legacy", ext
    else:
        record["family"], record["format"] = (family_for_ext(ext), ext) if ext in CANDIDATE_EXT else ("other", "cfb")
    if record["family"] == "legacy":
        stream_headers(path, record)
    if ext != record["format"]:
        warn(record, "extension-mismatch")
    if record["family"] == "legacy":
        property_sets(path, record)


def u16(data, offset):
    return int.from_bytes(data[offset:offset + 2], "little")


def stream_headers(path, record):
    """Encryption and templates from the stream headers, read with olefile ([MS-DOC] FibBase: wIdent 0xA5EC,
    fDot 0x0001 and fEncrypted 0x0100 at 0x0A; [MS-XLS] globals records before EOF: FILEPASS 0x2F, TEMPLATE 0x60,
    within the first 256 KiB; [MS-PPT] CurrentUserAtom headerToken 0xF3D1C4DF at 12)."""
    import olefile

    try:
        ole = olefile.OleFileIO(path)
    except Exception:
        return
    def head(name, count):
        try:
            return ole.openstream(name).read(count) if ole.exists(name) else b""
        except Exception:
            return b""
    fib = head("WordDocument", 32)
    if len(fib) >= 12 and u16(fib, 0) == 0xA5EC:
        if record["format"] in ("doc", "dot"):
            record["format"] = "dot" if u16(fib, 0x0A) & 0x0001 else "doc"
        if u16(fib, 0x0A) & 0x0100:
            record["encrypted"] = True
    name = "Workbook" if ole.exists("Workbook") else "Book"
    globals_ = head(name, 256 << 10)
    offset, count = 0, 0
    while offset + 4 <= len(globals_):
        kind, length = u16(globals_, offset), u16(globals_, offset + 2)
        if offset + 4 + length > len(globals_):
            break
        count += 1
        if kind == 0x000A and count > 1:
            break
        if kind == 0x002F:
            record["encrypted"] = True
        if kind == 0x0060 and record["format"] == "xls":
            record["format"] = "xlt"
        offset += 4 + length
    if ole.exists("PowerPoint Document"):
        atom = head("Current User", 16)
        if len(atom) >= 16 and int.from_bytes(atom[12:16], "little") == 0xF3D1C4DF:
            record["encrypted"] = True
    ole.close()


FILETIME_1970 = 11644473600  # seconds from 1601-01-01 to 1970-01-01
SUMMARY_COUNTS = {14: "page-count", 15: "word-count", 16: "character-count"}
# Windows code page numbers whose Python codec is not named cpNNNN (Mac pages are what Office for Mac writes).
CODEPAGES = {1200: "utf-16-le", 65001: "utf-8", 10000: "mac_roman", 10006: "mac_greek", 10007: "mac_cyrillic",
             10029: "mac_latin2", 10079: "mac_iceland", 10081: "mac_turkish", 28591: "latin-1", 20127: "ascii"}
DOCUMENT_COUNTS = {5: "line-count", 6: "paragraph-count", 7: "slide-count", 8: "note-count", 9: "hidden-slide-count"}


def property_sets(path, record):
    """SummaryInformation / DocumentSummaryInformation read by olefile (its own CFB and property-set code), mapped
    as docs/usage/scan.md says: AppName (+ PIDDSI_VERSION as major.build) → application / app_version / generator,
    FILETIME dates (0 = none), revision, edit time in minutes, template and counts. Unreadable sets are skipped."""
    import olefile

    try:
        ole = olefile.OleFileIO(path)
    except Exception:
        return
    def props(name):
        if not ole.exists(name):
            return {}
        try:
            return ole.getproperties(name, convert_time=False)
        except Exception:
            return {}
    summary, document = props("\x05SummaryInformation"), props("\x05DocumentSummaryInformation")
    # VT_I2: 65001 (UTF-8) reads as -535.
    codepage = summary.get(1) & 0xFFFF if isinstance(summary.get(1), int) else 1252
    def text(value):
        if isinstance(value, bytes):
            try:
                value = value.decode(CODEPAGES.get(codepage, "cp%d" % codepage))
            except (LookupError, UnicodeDecodeError):
                return None
        if not isinstance(value, str):
            return None
        value = value.split("\x00", 1)[0].strip()
        return value or None
    application = text(summary.get(18))
    version = document.get(23)
    app_version = None
    if isinstance(version, int) and (version & 0xFFFFFFFF) >> 16:
        app_version = "%d.%04d" % ((version & 0xFFFFFFFF) >> 16, version & 0xFFFF)
    record["application"], record["app_version"] = application, app_version
    if application:
        record["generator"] = " ".join(v for v in (application, app_version) if v)
    for pid, key in ((12, "created"), (13, "meta_modified")):
        ticks = summary.get(pid)  # olefile without conversion: whole seconds since 1601
        if isinstance(ticks, int) and ticks > 0:
            record[key] = ticks - FILETIME_1970
    if isinstance(summary.get(10), int):
        record["editing_duration"] = "PT%dM" % (summary[10] // 60)
    revision = text(summary.get(9)) or ""
    record["editing_cycles"] = int(revision) if re.fullmatch(r"[+-]?\d+", revision) else None
    record["template"] = text(summary.get(7))
    for source, names in ((summary, SUMMARY_COUNTS), (document, DOCUMENT_COUNTS)):
        for pid, name in names.items():
            if isinstance(source.get(pid), int) and not isinstance(source.get(pid), bool):
                record["statistics"][name] = source[pid]
    ole.close()


def flat(path, ext, record):
    with open(path, "rb") as f:
        data = f.read()
    record["container"] = "flat"
    scratch = dict(record, statistics={})
    state = odf_meta(data, scratch)
    record.update(scratch)
    ns, local = state["root"] or ("", "")
    if ns not in OFFICE or local != "document":
        record["container"] = "none"
        if ext in CANDIDATE_EXT:
            raise Failure("wrong-format", "root %s" % local)
        record["family"], record["format"] = "other", "xml"
        return
    if ns == OFFICE[1]:
        record["family"], record["format"] = "staroffice-xml", ext if ext in SO_EXT else "xml"
    else:
        record["family"] = "odf"
        kind = ODF_TYPES.get((state.get("mimetype") or "").split(".opendocument.", 1)[-1])
        record["format"] = {"odt": "fodt", "ott": "fodt", "odm": "fodt", "oth": "fodt", "ods": "fods",
                            "ots": "fods", "odp": "fodp", "otp": "fodp", "odg": "fodg", "otg": "fodg"}.get(kind, "fodt")
    record["mimetype"] = state.get("mimetype")
    if ext != record["format"]:
        warn(record, "extension-mismatch")


def looks_like_xml(head):
    if head.startswith(b"\xff\xfe<\x00") or head.startswith(b"\xfe\xff\x00<"):
        return True
    text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    text = text.lstrip(b" \t\r\n")
    return len(text) > 1 and text[:1] == b"<" and (text[1:2] in (b"?", b"!", b"_") or text[1:2].isalpha()
                                                    or text[1] >= 0x80)


def pre_ole(head):
    """Word for Windows 1.x/2.0 (wIdent 0xA59B/0xA5DB); Excel 2.x-4.0 BOF record of a sheet type."""
    if len(head) < 8:
        return None
    ident, length, _, sheet = struct.unpack("<HHHH", head[:8])
    if ident in (0xA59B, 0xA5DB):
        return "doc", "application/msword"
    if ((ident == 0x0009 and length == 4) or (ident in (0x0209, 0x0409) and length == 6)) \
            and sheet in (0x10, 0x20, 0x40, 0x100):
        return "xls", "application/vnd.ms-excel"
    return None


def read(path):
    name = os.path.basename(path)
    ext = name.rsplit(".", 1)[1].lower() if "." in name else ""
    record = {"family": family_for_ext(ext), "container": "none", "format": ext, "mimetype": None,
              "odf_version": None, "manifest_version": None, "generator": None, "application": None,
              "app_version": None, "encrypted": False, "created": None, "meta_modified": None,
              "editing_cycles": None, "editing_duration": None, "statistics": {}, "language": None,
              "template": None, "warnings": [], "error": None}
    size = os.path.getsize(path)
    try:
        if size == 0:
            raise Failure("empty")
        with open(path, "rb") as f:
            head = f.read(4096)
        if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
            read_zip(path, ext, record, head)
        elif head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            cfb(path, ext, record)
        elif head.startswith(b"{\\rtf"):
            record.update(family="other", format="rtf", mimetype="application/rtf")
            if ext != "rtf":
                warn(record, "extension-mismatch")
        elif b"%PDF-" in head[:1029]:
            record.update(family="other", format="pdf", mimetype="application/pdf")
            if ext != "pdf":
                warn(record, "extension-mismatch")
        elif looks_like_xml(head):
            flat(path, ext, record)
        elif pre_ole(head):
            fmt, mimetype = pre_ole(head)
            record.update(family="legacy", format=ext if ext in {"doc": ("doc", "dot"), "xls": ("xls", "xlt")}[fmt] else fmt,
                          mimetype=mimetype)
            if ext != record["format"]:
                warn(record, "extension-mismatch")
        elif ext in ZIP_EXT and zipfile.is_zipfile(path):
            read_zip(path, ext, record, head)
        elif ext in ZIP_EXT:
            raise Failure("not-a-zip")
        elif ext in CANDIDATE_EXT:
            raise Failure("wrong-format")
        else:
            record.update(family="other", format=ext or "unknown")
    except Failure as failure:
        record["error"] = failure.kind
    record["warnings"] = sorted(record["warnings"])
    return record


def main(argv):
    relative = None
    if "--relative-to" in argv:
        i = argv.index("--relative-to")
        relative = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    files = []
    for arg in argv:
        if os.path.isdir(arg):
            for root, _, names in os.walk(arg):
                files += [os.path.join(root, n) for n in names if n != "README.md" and not n.endswith((".jsonl", ".tsv"))]
        else:
            files.append(arg)
    out = []
    for path in files:
        record = read(path)
        record["path"] = os.path.relpath(path, relative) if relative else path
        out.append(record)
    for record in sorted(out, key=lambda r: r["path"]):
        print(json.dumps(record, sort_keys=True, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
