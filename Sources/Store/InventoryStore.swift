public import Foundation
public import OverblikModel

/// What an import is about: one inventory file for one organisation.
public struct ImportHeader: Sendable, Hashable {
    public var organisation: Int
    /// SHA-256 (`sha256:` + hex) of the file's bytes: the same content imported twice counts once.
    public var fileHash: String
    /// The file's name (never its full path).
    public var fileName: String
    /// Detected or forced input format (`sccm-csv`, `glpi-json`, `usage-csv`, ...).
    public var format: String
    public var started: Date
    public var tool: Submission.Tool
    public var catalog: CatalogStamp
    /// Lines read and lines that could not be read, as the importer counted them.
    public var linesRead: Int
    public var unreadableLines: Int
    /// When the inventory's data were taken (`import --observed`, else the file's modification time): of two
    /// inventories of one host, the one observed later is the host's software list, whatever the import order.
    /// Nil: when the import started.
    public var observed: Date?

    public init(
        organisation: Int, fileHash: String, fileName: String, format: String, started: Date = Date(),
        tool: Submission.Tool = Submission.Tool(), catalog: CatalogStamp, linesRead: Int = 0, unreadableLines: Int = 0,
        observed: Date? = nil
    ) {
        self.observed = observed
        self.organisation = organisation
        self.fileHash = fileHash
        self.fileName = fileName
        self.format = format
        self.started = started
        self.tool = tool
        self.catalog = catalog
        self.linesRead = linesRead
        self.unreadableLines = unreadableLines
    }

    /// `sha256:` + hex digest of a file's bytes, read in chunks.
    public static func hashFile(at url: URL) throws -> String {
        try Pseudonymiser.sha256File(at: url)
    }
}

/// An import as the store recorded it.
public struct ImportSummary: Sendable, Hashable, Codable {
    public var id: Int64
    public var organisation: Int
    public var fileHash: String
    public var fileName: String
    public var format: String
    public var started: Date
    public var finished: Date
    public var linesRead: Int
    public var unreadableLines: Int
    public var softwareRecords: Int
    public var usageDeclarations: Int

    public init(
        id: Int64, organisation: Int, fileHash: String, fileName: String, format: String, started: Date,
        finished: Date, linesRead: Int, unreadableLines: Int, softwareRecords: Int, usageDeclarations: Int
    ) {
        self.id = id
        self.organisation = organisation
        self.fileHash = fileHash
        self.fileName = fileName
        self.format = format
        self.started = started
        self.finished = finished
        self.linesRead = linesRead
        self.unreadableLines = unreadableLines
        self.softwareRecords = softwareRecords
        self.usageDeclarations = usageDeclarations
    }
}

/// The result of finishing an import.
public enum ImportOutcome: Sendable, Hashable {
    case imported(ImportSummary)
    /// The same file (hash) was already imported for this organisation; nothing was added.
    case alreadyImported(ImportSummary)

    public var summary: ImportSummary {
        switch self {
        case .imported(let summary), .alreadyImported(let summary): return summary
        }
    }
}

/// One open import: batches committed under an import that counts nowhere until ``finish(finished:)`` (one
/// transaction) makes it current; ``cancel()`` removes it, a kill leaves it for the next import of the file.
public protocol ImportSession: Sendable {
    func add(software: [SoftwareRecord]) async throws
    func add(usage: [UsageDeclaration]) async throws
    /// What the importer learnt while reading (detected format, lines read, unreadable lines); stored with
    /// the import when it commits.
    func describe(format: String, linesRead: Int, unreadableLines: Int) async throws
    func finish(finished: Date) async throws -> ImportOutcome
    func cancel() async
}

/// An import session that also takes software records already flattened into column bytes (see
/// ``ImportRecorder``): the same rows as ``ImportSession/add(software:)`` would store.
protocol RowBatchImportSession: ImportSession {
    func add(rows: SoftwareRowBatch) async throws
}

/// The store as inventory imports see it: one session per file, and usage declarations.
public protocol InventoryStore: Sendable {

    /// Opens an import of one file. ``ImportSession/finish(finished:)`` commits, or reports the file as
    /// already imported (same hash, same organisation) without adding anything.
    func beginImport(_ header: ImportHeader) async throws -> any ImportSession
    /// The import of this file for this organisation, if it was imported already.
    func importSummary(organisation: Int, fileHash: String) async throws -> ImportSummary?
    /// Completed imports, newest first; `organisation` nil for all.
    func imports(organisation: Int?) async throws -> [ImportSummary]
    /// Adds usage declarations for any organisation (facilitator's CSV, KITOS, public evidence), outside
    /// an import file. A declaration already held (same organisation, product, relation, date, evidence and
    /// kind) is not added again. Returns how many were new.
    @discardableResult
    func addUsageDeclarations(_ declarations: [UsageDeclaration]) async throws -> Int
    /// Usage declarations held, for one organisation or all (nil), in a stable order.
    func usageDeclarations(organisation: Int?) async throws -> [UsageDeclaration]
}
