public import Foundation

/// Broad family of an office file, as `scan` reports it.
public enum DocumentFamily: String, Codable, Sendable, CaseIterable {
    case odf
    case starOfficeXML = "staroffice-xml"
    case ooxml
    case legacy
    case other
}

/// How a file's content is packaged.
public enum ContainerKind: String, Codable, Sendable, CaseIterable {
    case zip
    case flat
    case binary
    case none
}

/// Why a file could not be read. Stable strings: stored, exported and reported by these names.
public enum ReadFailureKind: String, Codable, Sendable, CaseIterable {
    case empty
    case notAZip = "not-a-zip"
    case truncated
    case badCRC = "bad-crc"
    /// Two entries with the same name: readers may disagree on which one counts.
    case ambiguousArchive = "ambiguous-archive"
    case missingMimetype = "missing-mimetype"
    /// The content is not the format the name or mimetype claims, and cannot be read as another.
    case wrongFormat = "wrong-format"
    case malformedXML = "malformed-xml"
    /// A DTD (and so possibly external or expanding entities) in an XML part: refused.
    case forbiddenDTD = "forbidden-dtd"
    /// An entry would inflate beyond the cap (zip-bomb guard).
    case entryTooLarge = "entry-too-large"
    /// XML nested deeper than the cap.
    case tooDeep = "too-deep"
    /// The file could not be opened or read (permissions, I/O error, vanished).
    case unreadable
}

/// A spec violation or oddity that did not stop the file from being read.
public struct DocumentWarning: Codable, Sendable, Hashable {
    /// What is wrong with the package; the raw value is the stable name in records and outputs.
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        /// Bytes precede the ZIP archive.
        case junkBeforeArchive = "junk-before-archive"
        /// No `META-INF/manifest.xml`.
        case manifestMissing = "manifest-missing"
        /// The manifest could not be parsed.
        case manifestUnreadable = "manifest-unreadable"
        /// The `mimetype` entry is compressed (ODF requires it stored).
        case mimetypeCompressed = "mimetype-compressed"
        /// No `mimetype` entry.
        case mimetypeMissing = "mimetype-missing"
        /// The `mimetype` entry is not the archive's first.
        case mimetypeNotFirst = "mimetype-not-first"
        /// An OOXML package with a `mimetype` entry.
        case mimetypeUnexpected = "mimetype-unexpected"
        /// An OOXML package whose main part is none we know.
        case ooxmlMainPartUnknown = "ooxml-main-part-unknown"
        /// The `mimetype` has leading or trailing whitespace.
        case mimetypeWhitespace = "mimetype-whitespace"
        /// The file's extension names another format than its content.
        case extensionMismatch = "extension-mismatch"
        /// The `mimetype` is not an office type.
        case mimetypeInvalid = "mimetype-invalid"
        /// The manifest's root media type differs from the `mimetype`.
        case mimetypeManifestMismatch = "mimetype-manifest-mismatch"
    }

    public var kind: Kind
    /// Human-readable detail.
    public var detail: String

    public init(kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }
}

/// Personal metadata, read only with `--include-personal-data`. Never part of a submission.
public struct PersonalMetadata: Codable, Sendable, Hashable {
    public var creator: String?
    public var initialCreator: String?
    public var printedBy: String?
    public var title: String?
    public var subject: String?
    public var description: String?
    public var keywords: [String]
    public var userDefined: [String: String]

    public init(
        creator: String? = nil, initialCreator: String? = nil, printedBy: String? = nil, title: String? = nil,
        subject: String? = nil, description: String? = nil, keywords: [String] = [], userDefined: [String: String] = [:]
    ) {
        self.creator = creator
        self.initialCreator = initialCreator
        self.printedBy = printedBy
        self.title = title
        self.subject = subject
        self.description = description
        self.keywords = keywords
        self.userDefined = userDefined
    }

    enum CodingKeys: String, CodingKey {
        case creator, title, subject, description, keywords
        case initialCreator = "initial_creator"
        case printedBy = "printed_by"
        case userDefined = "user_defined"
    }
}

/// What `scan` learns about one file: metadata only, never content.
///
/// The JSON form (snake_case keys) is the `jsonl` output of `overblik scan` and is stable.
public struct DocumentRecord: Codable, Sendable, Hashable {
    /// Path as given to the scanner (the store may pseudonymise it).
    public var path: String
    public var family: DocumentFamily
    public var container: ContainerKind
    /// Detected format by content, as an extension-like token: `odt`, `fodt`, `sxw`, `docx`, `doc`, `pdf`, `rtf`.
    public var format: String
    /// The `mimetype` entry (ODF), the manifest's root media type, or the sniffed type.
    public var mimetype: String?
    /// `office:version` (ODF) or `nil` when absent (ODF 1.0 writers often omit it).
    public var odfVersion: String?
    /// `manifest:version` from `META-INF/manifest.xml`, when present.
    public var manifestVersion: String?
    /// Raw `meta:generator`, or for OOXML `Application` + " " + `AppVersion`.
    public var generator: String?
    /// OOXML `docProps/app.xml` `Application` and `AppVersion`, kept separately.
    public var application: String?
    public var appVersion: String?
    /// Catalog id of the producing suite (`libreoffice`, ...; `unknown` when not recognised).
    public var suite: String?
    public var suiteVersion: String?
    public var suiteVersionLine: String?
    public var encrypted: Bool
    /// What in the document's structure matters in a move to ODF (macros, signatures, embedded objects, ...).
    public var features: Set<DocumentFeature> = []
    /// Dates from the document's own metadata (`meta:creation-date`, `dc:date`, OOXML core.xml).
    public var created: Date?
    public var metaModified: Date?
    public var editingCycles: Int?
    /// ISO 8601 duration as written, e.g. `PT1H2M3S`.
    public var editingDuration: String?
    /// Document statistics present in meta.xml, by attribute name without prefix
    /// (`page-count`, `word-count`, `cell-count`, ...).
    public var statistics: [String: Int]
    public var language: String?
    /// `meta:template` `xlink:href`, when present.
    public var template: String?
    public var warnings: [DocumentWarning]
    /// Why the file could not be read, or `nil` when it was.
    public var error: ReadFailureKind?
    /// Detail for `error` (which entry, which line, what the library said).
    public var errorDetail: String?
    /// File size in bytes and file-system modification time.
    public var size: Int64
    public var modified: Date
    /// Present only when personal data was explicitly requested.
    public var personal: PersonalMetadata?
    /// The ODF conformance verdict, present only when the scan validated (`scan --validate`) an ODF file.
    public var conformance: DocumentConformance?

    public init(
        path: String, family: DocumentFamily, container: ContainerKind, format: String, size: Int64, modified: Date
    ) {
        self.path = path
        self.family = family
        self.container = container
        self.format = format
        self.encrypted = false
        self.statistics = [:]
        self.warnings = []
        self.size = size
        self.modified = modified
    }

    /// The year a document counts in for aggregation: its own modification or creation date,
    /// else the file-system modification time.
    public var year: Int {
        let date = metaModified ?? created ?? modified
        // Arithmetic where the proleptic and Foundation's Gregorian calendar agree (after its 1582 switch from
        // the Julian calendar, before year 10,000): a calendar lookup cost a quarter of a µs per stored row.
        let seconds = date.timeIntervalSince1970
        if seconds >= Self.firstGregorianSecond && seconds < Self.yearTenThousandSecond {
            return UTCCivilTime(date).year
        }
        return Self.utcCalendar.component(.year, from: date)
    }

    /// 1583-01-01T00:00:00Z and 10000-01-01T00:00:00Z, in seconds since 1970.
    static let firstGregorianSecond = -12_212_553_600.0
    static let yearTenThousandSecond = 253_402_300_800.0

    /// Made once: a calendar made per call cost about as much as a stored row's other columns together.
    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    enum CodingKeys: String, CodingKey {
        case path, family, container, format, mimetype, generator, application, suite, encrypted, features, created,
            statistics, language, template, warnings, error, size, modified, personal, conformance
        case odfVersion = "odf_version"
        case manifestVersion = "manifest_version"
        case appVersion = "app_version"
        case suiteVersion = "suite_version"
        case suiteVersionLine = "suite_version_line"
        case metaModified = "meta_modified"
        case editingCycles = "editing_cycles"
        case editingDuration = "editing_duration"
        case errorDetail = "error_detail"
    }
}
