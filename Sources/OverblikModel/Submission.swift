public import Foundation
import Crypto

/// What leaves an authority: aggregates only, never a path, host name or person's name.
///
/// On disk a submission is a JSON object `{"format", "format_version", "body", "digest"}` where
/// `digest` is `sha256:` + the hex SHA-256 of the canonical form of `body` (see ``SubmissionDigest``).
/// The JSON Schema lives in `Sources/Store/Resources/submission.schema.json`
/// (`overblik submission schema` prints it).
public struct Submission: Codable, Sendable, Hashable {
    public static let formatName = "overblik-submission"
    public static let currentFormatVersion = 1

    public var format: String
    public var formatVersion: Int
    public var body: Body
    public var digest: String

    public init(body: Body) throws {
        self.format = Self.formatName
        self.formatVersion = Self.currentFormatVersion
        self.body = body
        self.digest = try SubmissionDigest.digest(of: body)
    }

    enum CodingKeys: String, CodingKey {
        case format, body, digest
        case formatVersion = "format_version"
    }

    public struct Organisation: Codable, Sendable, Hashable {
        public var code: Int
        /// Official Danish name, e.g. "Københavns Kommune".
        public var name: String
        /// `municipality` or `region`.
        public var kind: String

        public init(code: Int, name: String, kind: String) {
            self.code = code
            self.name = name
            self.kind = kind
        }
    }

    public struct Tool: Codable, Sendable, Hashable {
        public var name: String
        public var version: String

        public init(name: String = ToolInfo.name, version: String = ToolInfo.version) {
            self.name = name
            self.version = version
        }
    }

    /// Documents counted by family, format, suite, suite version line, ODF version and year.
    public struct DocumentCount: Codable, Sendable, Hashable {
        public var family: DocumentFamily
        public var format: String
        public var suite: String?
        public var suiteVersionLine: String?
        public var odfVersion: String?
        public var year: Int?
        public var count: Int

        public init(
            family: DocumentFamily, format: String, suite: String?, suiteVersionLine: String?,
            odfVersion: String?, year: Int?, count: Int
        ) {
            self.family = family
            self.format = format
            self.suite = suite
            self.suiteVersionLine = suiteVersionLine
            self.odfVersion = odfVersion
            self.year = year
            self.count = count
        }

        enum CodingKeys: String, CodingKey {
            case family, format, suite, year, count
            case suiteVersionLine = "suite_version_line"
            case odfVersion = "odf_version"
        }
    }

    /// Files that could not be read, by failure kind.
    public struct ErrorCount: Codable, Sendable, Hashable {
        public var kind: ReadFailureKind
        public var count: Int

        public init(kind: ReadFailureKind, count: Int) {
            self.kind = kind
            self.count = count
        }
    }

    /// Documents with one feature that matters in a move to ODF, by family, format and year of last
    /// modification (the year a document counts in, ``DocumentRecord/year``). Counts only.
    public struct FeatureCount: Codable, Sendable, Hashable {
        public var feature: DocumentFeature
        public var family: DocumentFamily
        public var format: String
        public var year: Int?
        public var count: Int

        public init(feature: DocumentFeature, family: DocumentFamily, format: String, year: Int?, count: Int) {
            self.feature = feature
            self.family = family
            self.format = format
            self.year = year
            self.count = count
        }
    }

    /// What in the document estate stands in the way of a move to ODF: macros, encryption, signatures, embedded
    /// and linked content, templates. Absent from a submission whose store has no document measured for
    /// features (before 0.5, or a store not rescanned since): reports then say "not measured", never zero.
    public struct Readiness: Codable, Sendable, Hashable {
        /// Readable documents whose features were measured: what the counts are out of. A document stored before
        /// features were measured counts in `documents.counts` but not here, until its root is scanned again.
        public var measured: Int
        /// One row per feature, family, format and year; a document with two features counts under each.
        public var counts: [FeatureCount]

        public init(measured: Int, counts: [FeatureCount]) {
            self.measured = measured
            self.counts = counts
        }
    }

    /// Readable ODF documents with one conformance verdict, written by one suite and version line, declaring one
    /// ODF version (`scan --validate`). Counts only: no paths, no names.
    public struct ConformanceCount: Codable, Sendable, Hashable {
        public var verdict: DocumentConformance
        /// The producing suite or generator family (catalog product id), as in ``DocumentCount/suite``.
        public var suite: String?
        public var suiteVersionLine: String?
        public var odfVersion: String?
        public var count: Int

        public init(
            verdict: DocumentConformance, suite: String?, suiteVersionLine: String?, odfVersion: String?, count: Int
        ) {
            self.verdict = verdict
            self.suite = suite
            self.suiteVersionLine = suiteVersionLine
            self.odfVersion = odfVersion
            self.count = count
        }

        enum CodingKeys: String, CodingKey {
            case verdict, suite, count
            case suiteVersionLine = "suite_version_line"
            case odfVersion = "odf_version"
        }
    }

    /// Which suites write valid ODF: the ODF conformance verdicts of the authority's readable ODF documents.
    /// Absent from a submission whose store holds no verdict (scans without `--validate`): reports then say
    /// "not measured", never 0 %.
    public struct Conformance: Codable, Sendable, Hashable {
        /// Readable ODF documents with a verdict: what the counts are out of (they sum to it). ODF documents
        /// scanned without `--validate` count in `documents.counts` but not here.
        public var measured: Int
        /// One row per verdict, suite, suite version line and ODF version.
        public var counts: [ConformanceCount]

        public init(measured: Int, counts: [ConformanceCount]) {
            self.measured = measured
            self.counts = counts
        }
    }

    public struct Documents: Codable, Sendable, Hashable {
        /// When the newest scan behind these figures finished.
        public var asOf: Date?
        /// When the oldest of the scans behind these figures finished (absent in submissions before 0.4).
        public var oldest: Date?
        /// Documents read. A file that could not be read counts in `errors` only, never by its name.
        public var counts: [DocumentCount]
        public var errors: [ErrorCount]
        /// Features that matter in a move to ODF; nil when not measured (optional, so submissions without it
        /// keep their digests).
        public var readiness: Readiness?
        /// ODF conformance verdicts; nil when not measured (optional, so submissions without it keep their digests).
        public var conformance: Conformance?

        public init(
            asOf: Date?, oldest: Date? = nil, counts: [DocumentCount], errors: [ErrorCount],
            readiness: Readiness? = nil, conformance: Conformance? = nil
        ) {
            self.asOf = asOf
            self.oldest = oldest
            self.counts = counts
            self.errors = errors
            self.readiness = readiness
            self.conformance = conformance
        }

        enum CodingKeys: String, CodingKey {
            case counts, errors, oldest, readiness, conformance
            case asOf = "as_of"
        }
    }

    /// Installations of one product and version line: distinct hosts (or an aggregate export's count).
    public struct InstallationCount: Codable, Sendable, Hashable {
        public var product: String
        public var versionLine: String?
        public var hosts: Int

        public init(product: String, versionLine: String?, hosts: Int) {
            self.product = product
            self.versionLine = versionLine
            self.hosts = hosts
        }

        enum CodingKeys: String, CodingKey {
            case product, hosts
            case versionLine = "version_line"
        }
    }

    public struct UnknownTitle: Codable, Sendable, Hashable {
        public var title: String
        public var publisher: String?
        public var count: Int

        public init(title: String, publisher: String?, count: Int) {
            self.title = title
            self.publisher = publisher
            self.count = count
        }
    }

    public struct Installations: Codable, Sendable, Hashable {
        /// The newest data date behind these figures: when the newest inventory counted was taken.
        public var asOf: Date?
        /// The oldest data date behind these figures: the oldest host inventory (or aggregate export) counted.
        public var oldest: Date?
        /// Distinct hosts in their newest inventories (the seat count for business cases).
        public var hosts: Int
        public var counts: [InstallationCount]

        public init(asOf: Date?, oldest: Date? = nil, hosts: Int, counts: [InstallationCount]) {
            self.asOf = asOf
            self.oldest = oldest
            self.hosts = hosts
            self.counts = counts
        }

        enum CodingKeys: String, CodingKey {
            case hosts, counts, oldest
            case asOf = "as_of"
        }
    }

    public struct Body: Codable, Sendable, Hashable {
        public var organisation: Organisation
        /// Reporting period, e.g. `2026`, `2026-H2` or `2026-Q4`.
        public var period: String
        public var created: Date
        public var tool: Tool
        public var catalog: CatalogStamp
        /// The authority's own short comment, shown beside its profile in reports.
        public var comment: String?
        /// True for the demo estate's generated data; every report built on it says so.
        public var synthetic: Bool
        public var documents: Documents
        public var installations: Installations
        public var usage: [UsageDeclaration]
        /// Present only with `--include-unknown-titles`.
        public var unknownTitles: [UnknownTitle]?
        /// True when the authority deliberately submits nothing (`export --allow-empty`); otherwise absent, so
        /// submissions without it keep their digests. `compile` refuses an empty body not marked so.
        public var empty: Bool?

        public init(
            organisation: Organisation, period: String, created: Date, tool: Tool = Tool(), catalog: CatalogStamp,
            comment: String?, synthetic: Bool, documents: Documents, installations: Installations,
            usage: [UsageDeclaration], unknownTitles: [UnknownTitle]?, empty: Bool = false
        ) {
            self.organisation = organisation
            self.period = period
            self.created = created
            self.tool = tool
            self.catalog = catalog
            self.comment = comment
            self.synthetic = synthetic
            self.documents = documents
            self.installations = installations
            self.usage = usage
            self.unknownTitles = unknownTitles
            self.empty = empty ? true : nil
        }

        /// No documents, read errors, installations, hosts, usage declarations or unknown titles.
        public var holdsNoData: Bool {
            documents.counts.isEmpty && documents.errors.isEmpty && installations.counts.isEmpty
                && installations.hosts == 0 && usage.isEmpty && (unknownTitles ?? []).isEmpty
        }

        enum CodingKeys: String, CodingKey {
            case organisation, period, created, tool, catalog, comment, synthetic, documents, installations, usage
            case empty
            case unknownTitles = "unknown_titles"
        }
    }
}

/// The canonical form a submission digest is computed over.
///
/// Canonical form: the body as a JSON value, serialised with keys sorted, no insignificant
/// whitespace and unescaped slashes; dates as ISO 8601 strings (UTC, whole seconds).
/// Verification re-serialises the `body` value found in the file the same way, so any change
/// to the body (an added key, an edited count) changes the digest.
public enum SubmissionDigest {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// Canonical bytes of any JSON value (as returned by `JSONSerialization`).
    public static func canonicalData(ofJSONObject object: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    public static func digest(of body: Submission.Body) throws -> String {
        let encoded = try encoder().encode(body)
        let object = try JSONSerialization.jsonObject(with: encoded)
        return digest(ofCanonicalData: try canonicalData(ofJSONObject: object))
    }

    public static func digest(ofCanonicalData data: Data) -> String {
        "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
