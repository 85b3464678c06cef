public import OverblikModel

extension Report {
    /// "Which office suites write valid ODF?": the submissions' ODF conformance verdicts (`scan --validate`) by
    /// suite version line, by ODF version and per authority, over the report's scope. Counts only; an authority
    /// whose submission carries no conformance section is listed as not measured, never as 0 %.
    public struct Conformance: Codable, Sendable, Hashable {
        /// Authorities whose submission carries verdicts.
        public var measured: [AuthorityRef]
        /// Authorities that submitted without verdicts (scanned without `--validate`, or an older Overblik).
        public var notMeasured: [AuthorityRef]
        /// ODF documents with a verdict, over the measured authorities.
        public var documents: Int
        /// ODF documents in the measured authorities' document counts: what the checked ones are out of.
        public var odfDocuments: Int
        /// Every verdict over the scope.
        public var verdicts: VerdictCounts
        /// The experience group's view: one row per producing suite and version line.
        public var suites: [SuiteConformance]
        /// One row per declared ODF version (nil: none declared).
        public var odfVersions: [ODFVersionConformance]
        /// Each measured authority's verdicts.
        public var organisations: [OrganisationConformance]

        enum CodingKeys: String, CodingKey {
            case measured, documents, verdicts, suites, organisations
            case notMeasured = "not_measured"
            case odfDocuments = "odf_documents"
            case odfVersions = "odf_versions"
        }
    }

    /// Documents by verdict. Every verdict is a field, so a zero is written as a zero.
    public struct VerdictCounts: Codable, Sendable, Hashable {
        public var conforming = 0
        /// Valid once foreign elements and attributes (other namespaces, such as LibreOffice's `loext:`) are set
        /// aside, as ODF allows.
        public var extendedConforming = 0
        public var notConforming = 0
        /// No or an unknown ODF version: no schema to check against.
        public var unknownVersion = 0
        /// The check did not finish within its time limit.
        public var notChecked = 0
        /// The validator could not read the file as ODF.
        public var unreadable = 0

        /// Every document counted.
        public var total: Int {
            conforming + extendedConforming + notConforming + unknownVersion + notChecked + unreadable
        }

        /// What the report shows as "not checked": no version to check against, no verdict within the time
        /// limit, or unreadable for the validator.
        public var withoutVerdict: Int { unknownVersion + notChecked + unreadable }

        mutating func add(_ verdict: DocumentConformance, _ count: Int) {
            switch verdict {
            case .conforming: conforming += count
            case .extendedConforming: extendedConforming += count
            case .notConforming: notConforming += count
            case .unknownVersion: unknownVersion += count
            case .notChecked: notChecked += count
            case .unreadable: unreadable += count
            }
        }

        mutating func add(_ other: VerdictCounts) {
            conforming += other.conforming
            extendedConforming += other.extendedConforming
            notConforming += other.notConforming
            unknownVersion += other.unknownVersion
            notChecked += other.notChecked
            unreadable += other.unreadable
        }

        enum CodingKeys: String, CodingKey {
            case conforming, unreadable
            case extendedConforming = "extended_conforming"
            case notConforming = "not_conforming"
            case unknownVersion = "unknown_version"
            case notChecked = "not_checked"
        }
    }

    /// One producing suite and version line ("LibreOffice 7.6") and the ODF versions its documents declare.
    public struct SuiteConformance: Codable, Sendable, Hashable {
        /// Catalog product id; nil when the documents named no producer the catalog knows.
        public var suite: String?
        /// The catalog's name for the suite; nil when it has none.
        public var name: String?
        public var versionLine: String?
        public var verdicts: VerdictCounts
        /// Documents by declared ODF version (most first).
        public var odfVersions: [VersionCount]

        enum CodingKeys: String, CodingKey {
            case suite, name, verdicts
            case versionLine = "version_line"
            case odfVersions = "odf_versions"
        }
    }

    public struct VersionCount: Codable, Sendable, Hashable {
        /// The declared ODF version; nil when none was declared.
        public var version: String?
        public var documents: Int
    }

    public struct ODFVersionConformance: Codable, Sendable, Hashable {
        public var version: String?
        public var verdicts: VerdictCounts
    }

    public struct OrganisationConformance: Codable, Sendable, Hashable {
        public var code: Int
        public var name: String
        public var verdicts: VerdictCounts
    }
}
