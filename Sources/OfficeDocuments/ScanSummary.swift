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
    /// Documents by feature (``DocumentFeature`` raw value), over the files read (read errors excluded).
    public var byFeature: [String: Int] = [:]
    /// Templates that carry macros (VBA, Basic, scripts or Excel 4): every document made from one inherits them.
    /// `nil` when the summary comes from a store, which does not hold features yet.
    public var macroTemplates: Int?
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

    /// Files that could not be read: counted by error kind only, never as what their name says.
    public var unreadable: Int { errorsByKind.values.reduce(0, +) }

    /// Files read: what the family, format, suite and ODF version counts are over.
    public var readable: Int { files - unreadable }

    /// Features that mean a template carries macros (made once, not for every record).
    private static let macroFeatures: Set<DocumentFeature> = [.vba, .basic, .scripts, .xlmMacros]

    public mutating func add(_ record: DocumentRecord) {
        if record.error == nil {
            for feature in record.features { byFeature[feature.rawValue, default: 0] += 1 }
            if record.features.contains(.template) && !record.features.isDisjoint(with: Self.macroFeatures) {
                macroTemplates = (macroTemplates ?? 0) + 1
            } else if macroTemplates == nil {
                macroTemplates = 0
            }
        }
        add(
            family: record.family.rawValue, format: record.format, suite: record.suite,
            suiteVersionLine: record.suiteVersionLine, odfVersion: record.odfVersion, error: record.error?.rawValue,
            encrypted: record.encrypted, withWarnings: !record.warnings.isEmpty)
    }

    /// Adds `count` documents alike in every column shown (a stored estate's groups, or one record).
    public mutating func add(
        family: String, format: String, suite: String?, suiteVersionLine: String?, odfVersion: String?,
        error: String?, encrypted: Bool, withWarnings: Bool, count: Int = 1
    ) {
        files += count
        if encrypted { self.encrypted += count }
        if withWarnings { self.withWarnings += count }
        // A file whose format could not be confirmed (empty, truncated, not the package its name promises)
        // counts as a read error, not as ODF or OOXML by its extension.
        if let error {
            errorsByKind[error, default: 0] += count
            return
        }
        byFamily[family, default: 0] += count
        byFormat[format, default: 0] += count
        if let suite {
            bySuite[suite, default: [:]][suiteVersionLine ?? "", default: 0] += count
        }
        if family == DocumentFamily.odf.rawValue {
            byODFVersion[odfVersion ?? "none", default: 0] += count
        }
    }

    public mutating func add(_ issue: WalkIssue) {
        walkIssuesByKind[issue.kind.rawValue, default: 0] += 1
    }

    enum CodingKeys: String, CodingKey {
        case files, encrypted
        case byFeature = "by_feature"
        case macroTemplates = "macro_templates"
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
