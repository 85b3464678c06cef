public import Foundation
public import OverblikModel

/// What a scan is about; recorded with its counts when the scan finishes.
public struct ScanHeader: Sendable, Hashable {
    /// Municipality or region code; nil when the store belongs to one authority and the scan did not say.
    public var organisation: Int?
    /// The scan root this session covers (one session per root; incremental state is per root).
    public var root: String
    public var started: Date
    public var tool: Submission.Tool
    public var catalog: CatalogStamp
    /// Keep real paths (`--include-paths`); by default only a keyed hash and the top-level folder name.
    public var includePaths: Bool

    public init(
        organisation: Int?, root: String, started: Date = Date(), tool: Submission.Tool = Submission.Tool(),
        catalog: CatalogStamp, includePaths: Bool = false
    ) {
        self.organisation = organisation
        self.root = root
        self.started = started
        self.tool = tool
        self.catalog = catalog
        self.includePaths = includePaths
    }
}

/// A finished scan as the store recorded it.
public struct ScanSummary: Sendable, Hashable, Codable {
    public var id: Int64
    public var organisation: Int?
    /// Keyed hash of the root (or the root itself with `--include-paths`).
    public var root: String
    public var started: Date
    public var finished: Date
    public var toolVersion: String
    public var catalog: CatalogStamp
    public var new: Int
    public var changed: Int
    public var unchanged: Int
    public var deleted: Int

    public init(
        id: Int64, organisation: Int?, root: String, started: Date, finished: Date, toolVersion: String,
        catalog: CatalogStamp, new: Int, changed: Int, unchanged: Int, deleted: Int
    ) {
        self.id = id
        self.organisation = organisation
        self.root = root
        self.started = started
        self.finished = finished
        self.toolVersion = toolVersion
        self.catalog = catalog
        self.new = new
        self.changed = changed
        self.unchanged = unchanged
        self.deleted = deleted
    }

    /// Documents the root holds after this scan.
    public var total: Int { new + changed + unchanged }
}

/// Stored documents that agree on every grouped column, and how many they are.
public struct DocumentTally: Sendable, Hashable, Codable {
    public var family: String
    public var format: String
    public var suite: String?
    public var suiteVersionLine: String?
    public var odfVersion: String?
    public var error: String?
    public var encrypted: Bool
    public var withWarnings: Bool
    public var count: Int

    public init(
        family: String, format: String, suite: String?, suiteVersionLine: String?, odfVersion: String?,
        error: String?, encrypted: Bool, withWarnings: Bool, count: Int
    ) {
        self.family = family
        self.format = format
        self.suite = suite
        self.suiteVersionLine = suiteVersionLine
        self.odfVersion = odfVersion
        self.error = error
        self.encrypted = encrypted
        self.withWarnings = withWarnings
        self.count = count
    }

}

/// One open scan: records go in as the scanner produces them; nothing is visible until ``finish()``.
/// A crash, Ctrl-C or ``cancel()`` before then leaves the store exactly as it was.
public protocol ScanSession: Sendable {
    /// Documents the scanner read (new or changed files).
    func add(_ records: [DocumentRecord]) async throws
    /// Files the scanner skipped because ``FileIndex/isUnchanged(path:stamp:)`` said so, by path.
    func markUnchanged(paths: [String]) async throws
    /// The same, as the path digests the index already computed (what ``ScanRecorder`` hands over).
    func markUnchanged(digests: Set<PathDigest>) async throws
    /// Applies the scan in one transaction: new, changed, unchanged and deleted documents.
    func finish(finished: Date) async throws -> ScanSummary
    /// Drops everything added; the store is unchanged.
    func cancel() async
}

/// Files a rescan reads again although their size and modification time are as stored.
public enum ReadAgain: Sendable {
    /// None: every unchanged file is skipped.
    case none
    /// ODF documents stored without a conformance verdict: a scan with `--validate` after scans without it
    /// validates them, instead of leaving them unmeasured until they change.
    case odfWithoutConformance

    /// The condition on a `documents` or stage row, nil for none. One definition for both backends.
    package var rowCondition: String? {
        switch self {
        case .none: nil
        case .odfWithoutConformance: "family = 'odf' AND error IS NULL AND conformance IS NULL"
        }
    }
}

/// The store as the scanner sees it: what the last scan of a folder knew, and one session per root.
public protocol ScanStore: Sendable {
    /// What the last completed scan of `root` (for this organisation) knew, for incremental rescans; the files
    /// `readingAgain` names are in it but never found unchanged, so the scan reads them again.
    func fileIndex(organisation: Int?, root: String, readingAgain: ReadAgain) async throws -> FileIndex
    /// Opens a scan of one root. Records go in through the session; ``ScanSession/finish(finished:)`` commits.
    func beginScan(_ header: ScanHeader) async throws -> any ScanSession
    /// Completed scans, newest first; `organisation` nil for all.
    func scans(organisation: Int?) async throws -> [ScanSummary]
    /// The documents stored in `root` or below it (whichever scan read them), grouped: what a summary of the
    /// stored estate under that folder shows.
    func documentTallies(organisation: Int?, root: String) async throws -> [DocumentTally]
}

extension ScanStore {
    /// What the last completed scan of `root` knew, every unchanged file to be skipped.
    public func fileIndex(organisation: Int?, root: String) async throws -> FileIndex {
        try await fileIndex(organisation: organisation, root: root, readingAgain: .none)
    }
}
