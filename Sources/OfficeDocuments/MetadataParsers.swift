import Foundation
import OverblikModel
import XMLKit

/// Fields read from an ODF / OpenOffice.org `office:meta` block (in `meta.xml` or a flat document).
struct ODFMetadata {
    var rootLocalName: String?
    var rootIsOffice = false
    var rootIsStarOffice = false
    var officeVersion: String?
    /// Flat ODF only: `office:mimetype` on the root.
    var rootMediaType: String?
    var sawMeta = false
    var generator: String?
    var created: Date?
    var modified: Date?
    var editingCycles: Int?
    var editingDuration: String?
    var statistics: [String: Int] = [:]
    var language: String?
    var template: String?
    var personal: PersonalMetadata?
}

/// Reads the text content of the element just started, up to its end (nested text included).
func readText(_ reader: XMLStreamReader, _ start: XMLElementStart) throws(XMLError) -> String {
    var text = ""
    while let event = try reader.next() {
        switch event {
        case .text(let value, _): text += value
        case .endElement(_, _, let depth) where depth == start.depth: return text
        default: continue
        }
    }
    return text
}

func trimmed(_ text: String) -> String? {
    let value = trimmingWhitespace(text)
    return value.isEmpty ? nil : value
}

/// `trimmingCharacters(in: .whitespacesAndNewlines)`, without its cost in the common case of nothing to trim.
func trimmingWhitespace(_ text: String) -> String {
    guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return text }
    if !first.properties.isWhitespace && !last.properties.isWhitespace { return text }
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
}

enum ODFMetadataParser {
    /// Streams a `meta.xml` or flat ODF document and stops at the end of `office:meta`, or at the first
    /// top-level element after it would have been (`office:body`, styles, ...). Personal fields are skipped
    /// unread unless `includePersonal`.
    static func parse(_ reader: XMLStreamReader, includePersonal: Bool) throws(XMLError) -> ODFMetadata {
        var result = ODFMetadata()
        var personal = PersonalMetadata()
        var metaDepth: Int?
        loop: while let event = try reader.next() {
            switch event {
            case .startElement(let start):
                if start.depth == 0 {
                    result.rootLocalName = start.localName
                    result.rootIsStarOffice = start.namespaceURI == NS.oooOffice
                    result.rootIsOffice = NS.isOffice(start.namespaceURI)
                    // Not an office document (an XHTML page, a WordprocessingML 2003 file, ...): stop here.
                    if !result.rootIsOffice { break loop }
                    for attribute in start.attributes where NS.isOffice(attribute.namespaceURI) {
                        if attribute.localName == "version" { result.officeVersion = attribute.value }
                        if attribute.localName == "mimetype" { result.rootMediaType = attribute.value }
                    }
                    continue
                }
                if start.depth == 1 {
                    if NS.isOffice(start.namespaceURI) && start.localName == "meta" {
                        metaDepth = 1
                        result.sawMeta = true
                        continue
                    }
                    // Anything else at the top level: meta comes first in ODF; once past it, stop.
                    if result.sawMeta || isBodyLike(start.localName) { break loop }
                    try reader.skipElement(start)
                    continue
                }
                guard let metaDepth, start.depth == metaDepth + 1 else {
                    try reader.skipElement(start)
                    continue
                }
                try readMetaChild(
                    reader, start, into: &result, personal: &personal, includePersonal: includePersonal)
            case .endElement(let localName, let namespaceURI, let depth):
                if depth == 1 && localName == "meta" && NS.isOffice(namespaceURI) { break loop }
            case .text:
                continue
            }
        }
        if includePersonal { result.personal = personal }
        return result
    }

    private static func isBodyLike(_ name: String) -> Bool {
        ["body", "styles", "automatic-styles", "master-styles", "font-face-decls", "scripts"].contains(name)
    }

    private static func readMetaChild(
        _ reader: XMLStreamReader, _ start: XMLElementStart, into result: inout ODFMetadata,
        personal: inout PersonalMetadata, includePersonal: Bool
    ) throws(XMLError) {
        let ns = start.namespaceURI
        let name = start.localName
        if NS.isMeta(ns) {
            switch name {
            case "generator":
                result.generator = trimmed(try readText(reader, start))
                return
            case "creation-date":
                result.created = MetadataDate.parse(try readText(reader, start))
                return
            case "editing-cycles":
                result.editingCycles = Int(try readText(reader, start).trimmingWhitespaceForNumber())
                return
            case "editing-duration":
                result.editingDuration = trimmed(try readText(reader, start))
                return
            case "document-statistic":
                for attribute in start.attributes where NS.isMeta(attribute.namespaceURI) {
                    if let value = Int(attribute.value) { result.statistics[attribute.localName] = value }
                }
                try reader.skipElement(start)
                return
            case "template":
                result.template = start.attribute("href", namespace: NS.xlink)
                try reader.skipElement(start)
                return
            case "initial-creator" where includePersonal:
                personal.initialCreator = trimmed(try readText(reader, start))
                return
            case "printed-by" where includePersonal:
                personal.printedBy = trimmed(try readText(reader, start))
                return
            case "keyword" where includePersonal:
                if let keyword = trimmed(try readText(reader, start)) { personal.keywords.append(keyword) }
                return
            case "keywords" where includePersonal:
                // OpenOffice.org 1.x wraps meta:keyword elements in meta:keywords.
                while let event = try reader.next() {
                    if case .startElement(let inner) = event, inner.localName == "keyword" {
                        if let keyword = trimmed(try readText(reader, inner)) { personal.keywords.append(keyword) }
                    } else if case .endElement(_, _, let depth) = event, depth == start.depth {
                        break
                    }
                }
                return
            case "user-defined" where includePersonal:
                let key = start.attributes.first { $0.localName == "name" }?.value ?? ""
                personal.userDefined[key] = try readText(reader, start)
                return
            default: break
            }
        } else if ns == NS.dc {
            switch name {
            case "date":
                result.modified = MetadataDate.parse(try readText(reader, start))
                return
            case "language":
                result.language = trimmed(try readText(reader, start))
                return
            case "creator" where includePersonal:
                personal.creator = trimmed(try readText(reader, start))
                return
            case "title" where includePersonal:
                personal.title = trimmed(try readText(reader, start))
                return
            case "subject" where includePersonal:
                personal.subject = trimmed(try readText(reader, start))
                return
            case "description" where includePersonal:
                personal.description = trimmed(try readText(reader, start))
                return
            default: break
            }
        }
        // Personal fields (when not asked for) and anything unknown: skipped without being read.
        try reader.skipElement(start)
    }
}

/// The first element of `content.xml` / `styles.xml`: only its name and `office:version` are needed.
struct RootElementInfo {
    var localName: String
    var isStarOffice: Bool
    var officeVersion: String?
}

enum RootElementParser {
    static func parse(_ reader: XMLStreamReader) throws(XMLError) -> RootElementInfo? {
        while let event = try reader.next() {
            if case .startElement(let start) = event {
                let version = start.attributes.first { $0.localName == "version" && NS.isOffice($0.namespaceURI) }
                return RootElementInfo(
                    localName: start.localName, isStarOffice: start.namespaceURI == NS.oooOffice,
                    officeVersion: version?.value)
            }
        }
        return nil
    }
}

/// `META-INF/manifest.xml`: version, the package's own media type, and which entries are encrypted.
struct ManifestInfo {
    var version: String?
    var rootMediaType: String?
    var encryptedPaths: Set<String> = []
    var fileEntryCount = 0
}

enum ManifestParser {
    static func parse(_ reader: XMLStreamReader) throws(XMLError) -> ManifestInfo {
        var info = ManifestInfo()
        var currentPath: String?
        while let event = try reader.next() {
            guard case .startElement(let start) = event, NS.isManifest(start.namespaceURI) else { continue }
            switch start.localName {
            case "manifest":
                info.version = start.attributes.first { $0.localName == "version" }?.value
            case "file-entry":
                info.fileEntryCount += 1
                let path = start.attributes.first { $0.localName == "full-path" }?.value
                currentPath = path
                if path == "/" {
                    info.rootMediaType = start.attributes.first { $0.localName == "media-type" }?.value
                }
            case "encryption-data":
                if let currentPath { info.encryptedPaths.insert(currentPath) }
            default:
                continue
            }
        }
        return info
    }
}

/// OOXML `[Content_Types].xml`: the main part's content type decides docx/xlsx/pptx and variants.
enum ContentTypesParser {
    static func mainContentType(_ reader: XMLStreamReader) throws(XMLError) -> String? {
        while let event = try reader.next() {
            guard case .startElement(let start) = event, start.localName == "Override" || start.localName == "Default"
            else { continue }
            guard let type = start.attributes.first(where: { $0.localName == "ContentType" })?.value else { continue }
            let lower = type.lowercased()
            guard lower.hasSuffix(".main+xml") else { continue }
            let base = String(lower.dropLast(".main+xml".count))
            if DocumentFormats.ooxmlContentTypes[base] != nil { return base }
        }
        return nil
    }
}

/// OOXML `docProps/app.xml` and `docProps/core.xml`.
struct OOXMLProperties {
    var application: String?
    var appVersion: String?
    var statistics: [String: Int] = [:]
    var totalTimeMinutes: Int?
    var template: String?
    var created: Date?
    var modified: Date?
    var revision: Int?
    var language: String?
    var personal = PersonalMetadata()
}

enum OOXMLPropertiesParser {
    /// app.xml element → ODF statistic name, so both families aggregate alike.
    static let statisticNames: [String: String] = [
        "Pages": "page-count", "Words": "word-count", "Characters": "character-count",
        "Paragraphs": "paragraph-count", "Lines": "line-count", "Slides": "slide-count", "Notes": "note-count",
        "HiddenSlides": "hidden-slide-count",
    ]

    static func parseApp(_ reader: XMLStreamReader, into props: inout OOXMLProperties) throws(XMLError) {
        while let event = try reader.next() {
            guard case .startElement(let start) = event else { continue }
            guard start.depth == 1, start.namespaceURI == NS.extendedProperties else {
                if start.depth > 0 { try reader.skipElement(start) }
                continue
            }
            switch start.localName {
            case "Application": props.application = trimmed(try readText(reader, start))
            case "AppVersion": props.appVersion = trimmed(try readText(reader, start))
            case "TotalTime":
                props.totalTimeMinutes = Int(try readText(reader, start).trimmingWhitespaceForNumber())
            case "Template": props.template = trimmed(try readText(reader, start))
            default:
                if let statistic = statisticNames[start.localName] {
                    if let value = Int(try readText(reader, start).trimmingWhitespaceForNumber()) {
                        props.statistics[statistic] = value
                    }
                } else {
                    try reader.skipElement(start)
                }
            }
        }
    }

    static func parseCore(
        _ reader: XMLStreamReader, into props: inout OOXMLProperties, includePersonal: Bool
    )
        throws(XMLError)
    {
        while let event = try reader.next() {
            guard case .startElement(let start) = event else { continue }
            guard start.depth == 1 else { continue }
            switch (start.namespaceURI, start.localName) {
            case (NS.dcterms, "created"): props.created = MetadataDate.parse(try readText(reader, start))
            case (NS.dcterms, "modified"): props.modified = MetadataDate.parse(try readText(reader, start))
            case (NS.coreProperties, "revision"):
                props.revision = Int(try readText(reader, start).trimmingWhitespaceForNumber())
            case (NS.dc, "language"): props.language = trimmed(try readText(reader, start))
            case (NS.dc, "creator") where includePersonal:
                props.personal.creator = trimmed(try readText(reader, start))
            case (NS.coreProperties, "lastModifiedBy") where includePersonal:
                props.personal.userDefined["lastModifiedBy"] = try readText(reader, start)
            case (NS.dc, "title") where includePersonal: props.personal.title = trimmed(try readText(reader, start))
            case (NS.dc, "subject") where includePersonal:
                props.personal.subject = trimmed(try readText(reader, start))
            case (NS.dc, "description") where includePersonal:
                props.personal.description = trimmed(try readText(reader, start))
            case (NS.coreProperties, "keywords") where includePersonal:
                if let keywords = trimmed(try readText(reader, start)) { props.personal.keywords = [keywords] }
            default: try reader.skipElement(start)
            }
        }
    }
}

extension String {
    /// Surrounding whitespace removed, for numbers written as element text.
    fileprivate func trimmingWhitespaceForNumber() -> String { trimmingWhitespace(self) }
}
