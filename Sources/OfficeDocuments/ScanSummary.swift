public import OverblikModel

/// Aggregates of a scan: memory is bounded by the number of distinct families, suites, versions and error
/// kinds, never by the number of files.
public struct ScanSummary: Sendable, Codable, Hashable {
    public var files = 0
    public var byFamily: [String: Int] = [:]
    public var byFormat: [String: Int] = [:]
    /// Suite id → version line (or `""` when unknown) → count.
    public var bySuite: [String: [String: Int]] = [:]
    /// ODF documents by `office:version` (`"none"` when absent).
    public var byODFVersion: [String: Int] = [:]
    public var errorsByKind: [String: Int] = [:]
    public var encrypted = 0
    public var withWarnings = 0
    public var walkIssuesByKind: [String: Int] = [:]
    public var elapsedSeconds: Double = 0

    public init() {}

    /// Office documents the ODF share is measured against: ODF, OpenOffice.org 1.x XML, OOXML, legacy binary.
    public var officeDocuments: Int {
        [DocumentFamily.odf, .starOfficeXML, .ooxml, .legacy].reduce(0) { $0 + (byFamily[$1.rawValue] ?? 0) }
    }

    /// ODF documents as a share of office documents (0...1), or `nil` when there are none.
    public var odfShare: Double? {
        let total = officeDocuments
        return total == 0 ? nil : Double(byFamily[DocumentFamily.odf.rawValue] ?? 0) / Double(total)
    }

    public var filesPerSecond: Double { elapsedSeconds > 0 ? Double(files) / elapsedSeconds : 0 }

    public mutating func add(_ record: DocumentRecord) {
        files += 1
        byFamily[record.family.rawValue, default: 0] += 1
        byFormat[record.format, default: 0] += 1
        if let suite = record.suite {
            bySuite[suite, default: [:]][record.suiteVersionLine ?? "", default: 0] += 1
        }
        if record.family == .odf {
            byODFVersion[record.odfVersion ?? "none", default: 0] += 1
        }
        if let error = record.error { errorsByKind[error.rawValue, default: 0] += 1 }
        if record.encrypted { encrypted += 1 }
        if !record.warnings.isEmpty { withWarnings += 1 }
    }

    public mutating func add(_ issue: WalkIssue) {
        walkIssuesByKind[issue.kind.rawValue, default: 0] += 1
    }

    enum CodingKeys: String, CodingKey {
        case files, encrypted
        case byFamily = "by_family"
        case byFormat = "by_format"
        case bySuite = "by_suite"
        case byODFVersion = "by_odf_version"
        case errorsByKind = "errors_by_kind"
        case withWarnings = "with_warnings"
        case walkIssuesByKind = "walk_issues_by_kind"
        case elapsedSeconds = "elapsed_seconds"
    }
}
