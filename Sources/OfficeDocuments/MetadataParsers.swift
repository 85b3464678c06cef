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

func trimmed(_ text: String) -> String? {
    let value = trimmingWhitespace(text)
    return value.isEmpty ? nil : value
}

/// `trimmingCharacters(in: .whitespacesAndNewlines)`, without its cost in the common case of nothing to trim.
func trimmingWhitespace(_ text: String) -> String {
    guard let first = text.utf8.first, let last = text.utf8.last else { return text }
    // Most values begin and end with a visible ASCII character: decided from two bytes, no Unicode tables.
    if first > 0x20 && first < 0x80 && last > 0x20 && last < 0x80 { return text }
    guard let firstScalar = text.unicodeScalars.first, let lastScalar = text.unicodeScalars.last else { return text }
    if !firstScalar.properties.isWhitespace && !lastScalar.properties.isWhitespace { return text }
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Streams a `meta.xml` or flat ODF document and stops at the end of `office:meta`, or at the first top-level
/// element after it would have been (`office:body`, styles, ...). Personal fields are skipped unread unless
/// `includePersonal`.
final class ODFMetadataParser: XMLContentHandler {
    private(set) var result = ODFMetadata()
    private var personal = PersonalMetadata()
    private let includePersonal: Bool
    private var inMeta = false
    /// `meta:user-defined`'s name, kept while its value is collected.
    private var userDefinedName = ""

    /// The `office:meta` children whose text is read; the raw value is the `collectText` tag.
    private enum Field: Int {
        case generator, created, editingCycles, editingDuration, modified, language
        case initialCreator, printedBy, keyword, userDefined
    }

    init(includePersonal: Bool) {
        self.includePersonal = includePersonal
    }

    /// The fields read, once the parse is over.
    var metadata: ODFMetadata {
        var metadata = result
        if includePersonal { metadata.personal = personal }
        return metadata
    }

    func startElement(_ element: XMLElementView) -> XMLElementDecision {
        switch element.depth {
        case 0:
            result.rootLocalName = element.localName
            result.rootIsStarOffice = element.isInNamespace(NS.oooOffice)
            result.rootIsOffice = NS.isOffice(element)
            // Not an office document (an XHTML page, a WordprocessingML 2003 file, ...): stop here.
            guard result.rootIsOffice else { return .stop }
            for attribute in element.attributes where NS.isOffice(attribute) {
                if attribute.hasLocalName("version") { result.officeVersion = attribute.value }
                if attribute.hasLocalName("mimetype") { result.rootMediaType = attribute.value }
            }
            return .enter
        case 1:
            if NS.isOffice(element) && element.hasLocalName("meta") {
                inMeta = true
                result.sawMeta = true
                return .enter
            }
            // Anything else at the top level: meta comes first in ODF; once past it, stop.
            if result.sawMeta || Self.isBodyLike(element) { return .stop }
            return .skip
        case 2 where inMeta:
            return metaChild(element)
        case 3 where inMeta:
            // Only `meta:keywords` (OpenOffice.org 1.x's wrapper of meta:keyword) is entered at depth 2.
            return element.hasLocalName("keyword") ? .collectText(tag: Field.keyword.rawValue) : .skip
        default:
            return .skip
        }
    }

    func endElement(_ element: XMLNameView) -> Bool {
        // The only element entered at depth 1 is office:meta: its end is the end of the parse.
        element.depth != 1
    }

    private static func isBodyLike(_ name: XMLElementView) -> Bool {
        name.hasLocalName("body") || name.hasLocalName("styles") || name.hasLocalName("automatic-styles")
            || name.hasLocalName("master-styles") || name.hasLocalName("font-face-decls")
            || name.hasLocalName("scripts")
    }

    private func metaChild(_ element: XMLElementView) -> XMLElementDecision {
        func collect(_ field: Field) -> XMLElementDecision { .collectText(tag: field.rawValue) }
        if NS.isMeta(element) {
            if element.hasLocalName("generator") { return collect(.generator) }
            if element.hasLocalName("creation-date") { return collect(.created) }
            if element.hasLocalName("editing-cycles") { return collect(.editingCycles) }
            if element.hasLocalName("editing-duration") { return collect(.editingDuration) }
            if element.hasLocalName("document-statistic") {
                // Room for every count at once: a dictionary grown one count at a time rehashes at each step.
                result.statistics.reserveCapacity(result.statistics.count + element.attributes.count)
                for attribute in element.attributes where NS.isMeta(attribute) {
                    if let value = Int(attribute.value) { result.statistics[attribute.localName] = value }
                }
                return .skip
            }
            if element.hasLocalName("template") {
                result.template = element.attribute("href", namespace: NS.xlink)
                return .skip
            }
            guard includePersonal else { return .skip }
            if element.hasLocalName("initial-creator") { return collect(.initialCreator) }
            if element.hasLocalName("printed-by") { return collect(.printedBy) }
            if element.hasLocalName("keyword") { return collect(.keyword) }
            if element.hasLocalName("keywords") { return .enter }
            if element.hasLocalName("user-defined") {
                userDefinedName = element.attribute("name") ?? ""
                return collect(.userDefined)
            }
        } else if element.isInNamespace(NS.dc) {
            if element.hasLocalName("date") { return collect(.modified) }
            if element.hasLocalName("language") { return collect(.language) }
            if includePersonal, let field = DublinCorePersonalField(element) { return field.collect }
        }
        // Personal fields (when not asked for) and anything unknown: skipped without being read.
        return .skip
    }

    func collectedText(_ text: String, tag: Int) {
        switch Field(rawValue: tag) {
        case .generator: result.generator = trimmed(text)
        case .created: result.created = MetadataDate.parse(text)
        case .editingCycles: result.editingCycles = Int(trimmingWhitespace(text))
        case .editingDuration: result.editingDuration = trimmed(text)
        case .modified: result.modified = MetadataDate.parse(text)
        case .language: result.language = trimmed(text)
        case .initialCreator: personal.initialCreator = trimmed(text)
        case .printedBy: personal.printedBy = trimmed(text)
        case .keyword: if let keyword = trimmed(text) { personal.keywords.append(keyword) }
        case .userDefined: personal.userDefined[userDefinedName] = text
        case nil: DublinCorePersonalField(tag: tag)?.store(text, in: &personal)
        }
    }
}

/// Dublin Core elements that name a person or describe the content, in ODF's `office:meta` and OOXML's
/// `core.xml` alike: read only when personal data is asked for.
enum DublinCorePersonalField: Int {
    case creator, title, subject, description

    /// Collect tags of these fields start here, clear of each parser's own tags.
    private static let firstTag = 1_000

    init?(_ element: XMLElementView) {
        guard element.isInNamespace(NS.dc) else { return nil }
        if element.hasLocalName("creator") {
            self = .creator
        } else if element.hasLocalName("title") {
            self = .title
        } else if element.hasLocalName("subject") {
            self = .subject
        } else if element.hasLocalName("description") {
            self = .description
        } else {
            return nil
        }
    }

    init?(tag: Int) { self.init(rawValue: tag - Self.firstTag) }

    var collect: XMLElementDecision { .collectText(tag: Self.firstTag + rawValue) }

    func store(_ text: String, in personal: inout PersonalMetadata) {
        let value = trimmed(text)
        switch self {
        case .creator: personal.creator = value
        case .title: personal.title = value
        case .subject: personal.subject = value
        case .description: personal.description = value
        }
    }
}

/// The first element of `content.xml` / `styles.xml`: only its name and `office:version` are needed.
struct RootElementInfo {
    var localName: String
    var isStarOffice: Bool
    var officeVersion: String?
}

final class RootElementParser: XMLContentHandler {
    private(set) var root: RootElementInfo?

    func startElement(_ element: XMLElementView) -> XMLElementDecision {
        let version = element.attributes.first { $0.hasLocalName("version") && NS.isOffice($0) }
        root = RootElementInfo(
            localName: element.localName, isStarOffice: element.isInNamespace(NS.oooOffice),
            officeVersion: version?.value)
        return .stop
    }
}

/// `META-INF/manifest.xml`: version, the package's own media type, and which entries are encrypted.
struct ManifestInfo {
    var version: String?
    var rootMediaType: String?
    var encryptedPaths: Set<String> = []
}

final class ManifestParser: XMLContentHandler {
    private(set) var info = ManifestInfo()
    /// The last `file-entry`'s `full-path`, kept as bytes: a `String` is made only for an encrypted entry.
    private var currentPath: [UInt8] = []
    private var hasCurrentPath = false

    func startElement(_ element: XMLElementView) -> XMLElementDecision {
        guard NS.isManifest(element) else { return .enter }
        if element.hasLocalName("manifest") {
            info.version = element.attribute("version")
        } else if element.hasLocalName("file-entry") {
            let path = element.firstAttribute("full-path")
            hasCurrentPath = path != nil
            path?.copyValue(into: &currentPath)
            if path?.valueEquals("/") == true { info.rootMediaType = element.attribute("media-type") }
        } else if element.hasLocalName("encryption-data") {
            if hasCurrentPath { info.encryptedPaths.insert(String(decoding: currentPath, as: UTF8.self)) }
        }
        return .enter
    }
}

/// OOXML `[Content_Types].xml`: the main part's content type decides docx/xlsx/pptx and variants.
///
/// A pptx declares a content type for every slide, so declarations are kept as the bytes read: the
/// lowercased `String` maps (``overrides``, ``defaults``) are made only when a declared type may mean a
/// feature (a macro project, ActiveX, links, signatures), and then exactly as they always were.
final class ContentTypesParser: XMLContentHandler {
    private(set) var mainContentType: String?

    /// One `Default` or `Override` with a `ContentType` and the name it applies to, as ranges of `storage`.
    private struct Declaration {
        var isOverride: Bool
        var name: Range<Int>
        var type: Range<Int>
    }
    private var declarations: [Declaration] = []
    private var storage: [UInt8] = []
    private var scratch: [UInt8] = []
    /// Some override's / default's type is non-ASCII or (lowercased) a feature type: the maps are needed.
    private(set) var overridesMayMeanFeatures = false
    private(set) var defaultsMayMeanFeatures = false

    func startElement(_ element: XMLElementView) -> XMLElementDecision {
        let isOverride = element.hasLocalName("Override")
        guard isOverride || element.hasLocalName("Default"), let type = element.firstAttribute("ContentType") else {
            return .enter
        }
        type.copyValue(into: &scratch)
        let isASCII = scratch.allSatisfy { $0 < 0x80 }
        if let name = element.firstAttribute(isOverride ? "PartName" : "Extension") {
            let typeStart = storage.count
            storage.append(contentsOf: scratch)
            let nameStart = storage.count
            name.copyValue(into: &scratch)
            storage.append(contentsOf: scratch)
            declarations.append(
                Declaration(isOverride: isOverride, name: nameStart..<storage.count, type: typeStart..<nameStart))
            let mayMeanFeature = !isASCII || Self.isFeatureType(storage[typeStart..<nameStart])
            if isOverride { overridesMayMeanFeatures = overridesMayMeanFeatures || mayMeanFeature }
            if !isOverride { defaultsMayMeanFeatures = defaultsMayMeanFeatures || mayMeanFeature }
            if mainContentType == nil { noteMainType(storage[typeStart..<nameStart], isASCII: isASCII) }
        } else if mainContentType == nil {
            noteMainType(scratch[...], isASCII: isASCII)
        }
        return .enter
    }

    /// The first type that names a known main part (`….main+xml`, or the binary workbook's `….main`), without the
    /// suffix and lowercased.
    private func noteMainType(_ type: ArraySlice<UInt8>, isASCII: Bool) {
        guard isASCII else {
            // Unicode lowercasing and comparison, as for any type that is not plain ASCII.
            let lower = String(decoding: type, as: UTF8.self).lowercased()
            for suffix in Self.mainSuffixes where lower.hasSuffix(suffix) {
                let base = String(lower.dropLast(suffix.count))
                if DocumentFormats.ooxmlContentTypes[base] != nil { mainContentType = base }
                return
            }
            return
        }
        for suffix in Self.mainSuffixes {
            let bytes = suffix.utf8
            guard type.count >= bytes.count,
                type[(type.endIndex - bytes.count)...].lazy.map(Self.lowercased).elementsEqual(bytes)
            else { continue }
            let base = String(decoding: type[..<(type.endIndex - bytes.count)].map(Self.lowercased), as: UTF8.self)
            if DocumentFormats.ooxmlContentTypes[base] != nil { mainContentType = base }
            return
        }
    }

    /// `.main+xml` for the XML main parts; `.main` for the binary workbook's (`…sheet.binary.macroEnabled.main`).
    private static let mainSuffixes = [".main+xml", ".main"]

    private static func lowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }

    /// The lowercased feature types of ``PackageFeatures/ooxmlContentTypes``, as bytes.
    private static let featureTypes: [[UInt8]] = PackageFeatures.ooxmlContentTypes.keys.map { Array($0.utf8) }

    private static func isFeatureType(_ type: ArraySlice<UInt8>) -> Bool {
        featureTypes.contains { $0.count == type.count && $0.elementsEqual(type.lazy.map(lowercased)) }
    }

    /// `Override` declarations: lowercased part name without the leading `/` → lowercased content type.
    private(set) lazy var overrides: [String: String] = map(overrides: true)
    /// `Default` declarations: lowercased extension → lowercased content type.
    private(set) lazy var defaults: [String: String] = map(overrides: false)

    private func map(overrides: Bool) -> [String: String] {
        var map: [String: String] = [:]
        for declaration in declarations where declaration.isOverride == overrides {
            let type = String(decoding: storage[declaration.type], as: UTF8.self).lowercased()
            let name = String(decoding: storage[declaration.name], as: UTF8.self).lowercased()
            map[overrides ? String(name.drop(while: { $0 == "/" })) : name] = type
        }
        return map
    }
}

/// What OOXML `docProps/app.xml` says.
struct OOXMLAppProperties {
    var application: String?
    var appVersion: String?
    var statistics: [String: Int] = [:]
    var totalTimeMinutes: Int?
    var template: String?
}

/// What OOXML `docProps/core.xml` says.
struct OOXMLCoreProperties {
    var created: Date?
    var modified: Date?
    var revision: Int?
    var language: String?
    var personal = PersonalMetadata()
}

/// `docProps/app.xml`: the application that saved the package, its version and the document statistics.
final class OOXMLAppParser: XMLContentHandler {
    private(set) var props = OOXMLAppProperties()

    /// app.xml element → ODF statistic name, so both families aggregate alike (tag: index in this list).
    static let statisticNames: [(element: StaticString, statistic: String)] = [
        ("Pages", "page-count"), ("Words", "word-count"), ("Characters", "character-count"),
        ("Paragraphs", "paragraph-count"), ("Lines", "line-count"), ("Slides", "slide-count"),
        ("Notes", "note-count"), ("HiddenSlides", "hidden-slide-count"),
    ]
    private static let application = -1
    private static let appVersion = -2
    private static let totalTime = -3
    private static let template = -4

    func startElement(_ element: XMLElementView) -> XMLElementDecision {
        guard element.depth == 1 else { return element.depth == 0 ? .enter : .skip }
        guard NS.isExtendedProperties(element) else { return .skip }
        if element.hasLocalName("Application") { return .collectText(tag: Self.application) }
        if element.hasLocalName("AppVersion") { return .collectText(tag: Self.appVersion) }
        if element.hasLocalName("TotalTime") { return .collectText(tag: Self.totalTime) }
        if element.hasLocalName("Template") { return .collectText(tag: Self.template) }
        if let index = Self.statisticNames.firstIndex(where: { element.hasLocalName($0.element) }) {
            return .collectText(tag: index)
        }
        return .skip
    }

    func collectedText(_ text: String, tag: Int) {
        switch tag {
        case Self.application: props.application = trimmed(text)
        case Self.appVersion: props.appVersion = trimmed(text)
        case Self.totalTime: props.totalTimeMinutes = Int(trimmingWhitespace(text))
        case Self.template: props.template = trimmed(text)
        case Self.statisticNames.indices:
            if let value = Int(trimmingWhitespace(text)) {
                props.statistics[Self.statisticNames[tag].statistic] = value
            }
        default: break
        }
    }
}

/// `docProps/core.xml`: dates, revision and language (and, when asked, the personal fields).
final class OOXMLCoreParser: XMLContentHandler {
    private(set) var props = OOXMLCoreProperties()
    private let includePersonal: Bool

    private enum Field: Int {
        case created, modified, revision, language, lastModifiedBy, keywords
    }

    init(includePersonal: Bool) {
        self.includePersonal = includePersonal
    }

    func startElement(_ element: XMLElementView) -> XMLElementDecision {
        guard element.depth == 1 else { return element.depth == 0 ? .enter : .skip }
        func collect(_ field: Field) -> XMLElementDecision { .collectText(tag: field.rawValue) }
        if element.isInNamespace(NS.dcterms) {
            if element.hasLocalName("created") { return collect(.created) }
            if element.hasLocalName("modified") { return collect(.modified) }
        } else if element.isInNamespace(NS.coreProperties) {
            if element.hasLocalName("revision") { return collect(.revision) }
            if includePersonal && element.hasLocalName("lastModifiedBy") { return collect(.lastModifiedBy) }
            if includePersonal && element.hasLocalName("keywords") { return collect(.keywords) }
        } else if element.isInNamespace(NS.dc) {
            if element.hasLocalName("language") { return collect(.language) }
            if includePersonal, let field = DublinCorePersonalField(element) { return field.collect }
        }
        return .skip
    }

    func collectedText(_ text: String, tag: Int) {
        switch Field(rawValue: tag) {
        case .created: props.created = MetadataDate.parse(text)
        case .modified: props.modified = MetadataDate.parse(text)
        case .revision: props.revision = Int(trimmingWhitespace(text))
        case .language: props.language = trimmed(text)
        case .lastModifiedBy: props.personal.userDefined["lastModifiedBy"] = text
        case .keywords: if let keywords = trimmed(text) { props.personal.keywords = [keywords] }
        case nil: DublinCorePersonalField(tag: tag)?.store(text, in: &props.personal)
        }
    }
}
