#!/usr/bin/env python3
"""Independent oracle for `overblik validate`: Jing's schema verdicts on the same parts with the same schemas.

For each ODF document given (packages and flat files) it extracts content.xml, styles.xml, meta.xml, settings.xml
and META-INF/manifest.xml with Python's zipfile (skipping parts the manifest marks encrypted), finds the document's
ODF version (office:version of the parts, else manifest:version), and runs Jing (`jing -i`, no ID/IDREF checks) once
per schema over all parts that need it, in one JVM each. For the extended level it removes foreign elements and
attributes with its own implementation of ODF's rule (ElementTree), then runs Jing again.

Output: one JSON line per part: {"document", "part", "version", "strict", "extended"} where strict/extended are
Jing's verdicts (extended is null for the manifest, which is only checked strictly). ODF 1.0/1.1 allow foreign
content in a conforming document, so for them "strict" is already the filtered check and "extended" repeats it.

Usage: scripts/jing-oracle.py --schemas DIR FILE... > verdicts.jsonl
"""
import argparse, collections, json, os, re, subprocess, sys, tempfile, zipfile
import xml.etree.ElementTree as ET

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
ODF10 = {OFFICE, TEXT} | {"urn:oasis:names:tc:opendocument:xmlns:%s:1.0" % n for n in (
    "style", "table", "drawing", "xsl-fo-compatible", "meta", "datastyle", "svg-compatible", "chart", "dr3d", "form",
    "presentation", "smil-compatible", "config", "script")} | {
    "http://purl.org/dc/elements/1.1/", "http://www.w3.org/1999/xlink", "http://www.w3.org/2002/xforms"}
ODF12 = ODF10 | {"http://www.w3.org/1999/xhtml", "http://www.w3.org/2003/g/data-view#",
                 "urn:oasis:names:tc:opendocument:xmlns:database:1.0", "http://www.w3.org/XML/1998/namespace"}
SCHEMAS = {
    "1.0": ("1.0/OpenDocument-schema-v1.0-os.rng", "1.0/OpenDocument-manifest-schema-v1.0-os.rng"),
    "1.1": ("1.1/OpenDocument-schema-v1.1.rng", "1.1/OpenDocument-manifest-schema-v1.1.rng"),
    "1.2": ("1.2/OpenDocument-v1.2-os-schema.rng", "1.2/OpenDocument-v1.2-os-manifest-schema.rng"),
    "1.3": ("1.3/OpenDocument-v1.3-schema.rng", "1.3/OpenDocument-v1.3-manifest-schema.rng"),
    "1.4": ("1.4/OpenDocument-v1.4-schema.rng", "1.4/OpenDocument-v1.4-manifest-schema.rng"),
}
PARTS = ["content.xml", "styles.xml", "meta.xml", "settings.xml"]


def ns_of(name):
    return name[1:].split("}", 1)[0] if name.startswith("{") else ""


def remove_foreign(root, modern):
    """ODF's rule: a foreign element's content stays if office:process-content="true", or (1.2+, no attribute)
    inside text:p/text:h, or (1.0/1.1, no attribute) always; otherwise it goes with the element."""
    own = ODF12 if modern else ODF10

    def clean(elem, in_para):
        for key in [k for k in elem.attrib if ns_of(k) not in own]:
            del elem.attrib[key]
        in_para = in_para or elem.tag in ("{%s}p" % TEXT, "{%s}h" % TEXT)
        result, text = [], elem.text or ""
        for child in list(elem):
            if ns_of(child.tag) in own:
                clean(child, in_para)
                result.append(child)
                continue
            flag = child.get("{%s}process-content" % OFFICE)
            keep = flag == "true" if flag is not None else (in_para if modern else True)
            pieces = []
            if keep:
                wrapper = ET.Element(elem.tag)  # filter the foreign element's content in its parent's context
                wrapper.text, wrapper[:] = child.text, list(child)
                clean(wrapper, in_para)
                pieces = [wrapper.text or ""] + [x for c in wrapper for x in (c,)]
            inline = ([pieces[0]] if pieces else []) + pieces[1:] + [child.tail or ""]
            for piece in inline:
                if isinstance(piece, str):
                    if result:
                        result[-1].tail = (result[-1].tail or "") + piece
                    else:
                        text += piece
                else:
                    result.append(piece)
        elem.text = text
        elem[:] = result

    clean(root, False)
    return root


def serialise(root, original):
    """ElementTree drops namespace declarations no element uses, but ODF names namespaces in attribute values
    (chart:class="chart:bar", QNames in formulas): keep the document's prefixes and declare them all on the root."""
    import io
    declared = {}
    for _, (prefix, uri) in ET.iterparse(io.BytesIO(original), events=("start-ns",)):
        declared.setdefault(prefix, uri)
    for prefix, uri in declared.items():
        if prefix and not prefix.startswith("ns"):
            ET.register_namespace(prefix, uri)
    text = ET.tostring(root, encoding="unicode")
    end = text.index(">")
    head = text[:end]
    extra = "".join(' xmlns:%s="%s"' % (p, u) for p, u in declared.items() if p and "xmlns:%s=" % p not in head)
    if head.endswith("/"):
        head, tail = head[:-1], "/" + text[end:]
    else:
        tail = text[end:]
    return (head + extra + tail).encode("utf-8")


def root_attr(data, name):
    try:
        for _, elem in ET.iterparse(__import__("io").BytesIO(data), events=("start",)):
            return elem.get(name)
    except ET.ParseError:
        return None


def strip_doctype(data):
    return re.sub(rb"<!DOCTYPE[^>\[]*(\[[^\]]*\])?\s*>", b"", data, count=1)


def document_parts(path):
    """(version, {part: bytes}) for one document; flat files are one part named after the file."""
    with open(path, "rb") as f:
        head = f.read(4)
    if head.startswith(b"PK"):
        z = zipfile.ZipFile(path)
        names = set(z.namelist())
        manifest = z.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else None
        encrypted = set()
        if manifest:
            try:
                for entry in ET.fromstring(strip_doctype(manifest)).iter("{%s}file-entry" % MANIFEST):
                    if entry.find("{%s}encryption-data" % MANIFEST) is not None:
                        encrypted.add(entry.get("{%s}full-path" % MANIFEST))
            except ET.ParseError:
                pass
        parts = {p: z.read(p) for p in PARTS if p in names and p not in encrypted}
        version = next((v for v in (root_attr(d, "{%s}version" % OFFICE) for d in parts.values()) if v), None)
        if version is None and manifest:
            version = root_attr(strip_doctype(manifest), "{%s}version" % MANIFEST)
        if manifest is not None:
            parts["META-INF/manifest.xml"] = manifest
        return version, parts
    data = open(path, "rb").read()
    return root_attr(data, "{%s}version" % OFFICE), {os.path.basename(path): data}


def run_jing(schema, files):
    """Invalid files among `files`. Jing stops a run at the first fatal (not well-formed) file, so the files
    after it are run again."""
    invalid = set()
    pending = list(files)
    while pending:
        batch, pending = pending[:500], pending[500:]
        out = subprocess.run(["jing", "-i", schema] + batch, capture_output=True, text=True).stdout
        position = {f: i for i, f in enumerate(batch)}
        fatal_at = None
        for line in out.splitlines():
            name = line.split(":", 1)[0]
            if name in position:
                invalid.add(name)
                if ": fatal:" in line:
                    fatal_at = position[name]
        if fatal_at is not None:
            pending = batch[fatal_at + 1:] + pending
    return invalid


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schemas", required=True)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="jing-oracle-")
    jobs = collections.defaultdict(list)  # schema -> [(file, key, level)]
    rows = {}
    for n, path in enumerate(args.files):
        try:
            version, parts = document_parts(path)
        except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, EOFError, ValueError):
            continue
        if version not in SCHEMAS:
            continue
        for i, (part, data) in enumerate(parts.items()):
            if re.search(rb"<!DOCTYPE[^>]*\[", data[:4096]):
                continue  # an internal DTD subset: refused by Overblik, nothing to compare
            data = strip_doctype(data)
            is_manifest = part == "META-INF/manifest.xml"
            schema = os.path.join(args.schemas, SCHEMAS[version][1 if is_manifest else 0])
            key = (path, part)
            rows[key] = {"document": path, "part": part, "version": version, "strict": None, "extended": None}
            modern = version >= "1.2"
            variants = [("strict", data if (is_manifest or modern) else None)]
            if not is_manifest:
                variants.append(("extended", None))
            for level, raw in variants:
                name = os.path.join(work, "%d-%d-%s.xml" % (n, i, level))
                try:
                    if raw is None:
                        raw = serialise(remove_foreign(ET.fromstring(data), modern), data)
                except ET.ParseError:
                    rows[key][level] = False
                    continue
                with open(name, "wb") as f:
                    f.write(raw)
                jobs[schema].append((name, key, level))
    for schema, items in jobs.items():
        invalid = run_jing(schema, [name for name, _, _ in items])
        for name, key, level in items:
            rows[key][level] = name not in invalid
    for row in rows.values():
        print(json.dumps(row, sort_keys=True))


if __name__ == "__main__":
    main()
