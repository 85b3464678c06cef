public import Foundation
import Crypto
public import OverblikModel

/// Where an estate store lives: a SQLite file (the default) or a PostgreSQL server.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case sqliteInMemory
    case postgres(url: String)

    /// The file used when neither `--store` nor `OVERBLIK_STORE` names one.
    public static let defaultFileName = "overblik.sqlite"

    /// Resolves `--store VALUE`, then `OVERBLIK_STORE`, then `overblik.sqlite` in the working directory.
    public static func resolve(
        _ value: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    )
        -> StoreLocation
    {
        let text = value ?? environment["OVERBLIK_STORE"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultFileName
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") { return .postgres(url: text) }
        if text == ":memory:" { return .sqliteInMemory }
        return .sqlite(path: text)
    }

    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .sqliteInMemory: return ":memory:"
        case .postgres(let url):
            // Never echo a password.
            guard var parts = URLComponents(string: url) else { return "postgres://…" }
            if parts.password != nil { parts.password = "***" }
            return parts.string ?? "postgres://…"
        }
    }
}

/// Errors from the estate store. Cases carry the evidence; `description` holds the message.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The database could not be opened or created.
    case cannotOpen(location: String, reason: String)
    /// The store was written by a newer Overblik (a migration this build does not know).
    case newerSchema(location: String, found: Int, known: Int)
    /// A database statement failed.
    case database(operation: String, reason: String)
    /// A write session was used after it finished or was cancelled.
    case sessionClosed
    /// A PostgreSQL URL could not be understood.
    case badPostgresURL(String)

    public var description: String {
        switch self {
        case .cannotOpen(let location, let reason):
            return "Cannot open the estate store at \(location): \(reason)"
        case .newerSchema(let location, let found, let known):
            return "The store at \(location) has schema version \(found), newer than this Overblik knows (\(known)). "
                + "Upgrade Overblik."
        case .database(let operation, let reason):
            return "Store \(operation) failed: \(reason)"
        case .sessionClosed:
            return "The store write session was already finished or cancelled."
        case .badPostgresURL(let url):
            return "Not a usable PostgreSQL URL: \(url) (expected postgres://user[:password]@host[:port]/database)"
        }
    }

    public var errorDescription: String? { description }
}

/// Size and modification time of a file as last scanned: enough to skip an unchanged file.
public struct FileStamp: Sendable, Hashable {
    public var size: Int64
    /// Seconds since 1970 (file-system modification time, full precision).
    public var modified: Double

    public init(size: Int64, modified: Date) {
        self.size = size
        self.modified = modified.timeIntervalSince1970
    }

    public init(size: Int64, modifiedSeconds: Double) {
        self.size = size
        self.modified = modifiedSeconds
    }
}

/// What the store knew about the files under one scan root after the last completed scan of it.
///
/// Paths are stored pseudonymised (keyed hash), so look-ups hash the path the scanner sees with the
/// store's key; the scanner never needs the stored form. Asking ``isUnchanged(path:stamp:)`` is also how a
/// file is counted as seen unchanged: the scanner's reader threads ask, and the recorder hands the
/// collected keys to the session when the scan finishes, so an unchanged file is hashed once and costs no
/// write.
public final class FileIndex: @unchecked Sendable {
    // Unchecked: `seen` and `seenCount` are only touched under `lock`; everything else is immutable.
    public let root: String
    let pseudonymiser: Pseudonymiser
    /// Sorted by the path key's digest: a look-up hashes nothing more and reads one or two entries.
    let table: StampTable
    private let lock = NSLock()
    /// One bit per slot of `table`: the files found unchanged so far (a bit, not a set of 16-byte digests).
    private var seen: [UInt64]
    private var seenCount = 0
    /// What the index was read from, when the store can say (SQLite): lets the finishing scan skip counting
    /// the root's documents again when no other scan of the root has finished since.
    let basis: Basis?

    struct Basis: Sendable {
        /// The newest scan of the root when the index was read (nil: none yet).
        var lastScan: Int64?
        /// The root's document rows then.
        var documents: Int
    }

    /// For store implementations: `stamps` is keyed by ``Pseudonymiser/pathKey(_:)``.
    public convenience init(root: String, pseudonymiser: Pseudonymiser, stamps: [String: FileStamp]) {
        var entries: [StampTable.Entry] = []
        entries.reserveCapacity(stamps.count)
        for (key, stamp) in stamps {
            if let digest = PathDigest(key: key) { entries.append(StampTable.Entry(digest: digest, stamp: stamp)) }
        }
        self.init(root: root, pseudonymiser: pseudonymiser, table: StampTable(entries))
    }

    init(root: String, pseudonymiser: Pseudonymiser, table: StampTable, basis: Basis? = nil) {
        self.basis = basis
        self.root = root
        self.pseudonymiser = pseudonymiser
        self.table = table
        seen = [UInt64](repeating: 0, count: (table.slotCount + 63) / 64)
    }

    /// Number of documents the last scan of this root left in the store.
    public var count: Int { table.count }

    /// The stamp recorded for `path` (as the scanner names it), or nil when the file is new.
    public func stamp(forPath path: String) -> FileStamp? {
        table.stamp(for: pseudonymiser.pathDigest(path))
    }

    /// True when `path` was scanned before with exactly this size and modification time: the scanner need
    /// not read it again, and the file counts as unchanged in this scan. Safe from several threads.
    public func isUnchanged(path: String, stamp: FileStamp) -> Bool {
        guard let position = table.position(of: pseudonymiser.pathDigest(path)), table.stamp(at: position) == stamp
        else { return false }
        remember([Int32(position)])
        return true
    }

    /// ``isUnchanged(path:stamp:)`` with the time as a date.
    public func isUnchanged(path: String, size: Int64, modified: Date) -> Bool {
        isUnchanged(path: path, stamp: FileStamp(size: size, modified: modified))
    }

    /// The check for the files directly in `directory` (its path with a trailing `/`), for one thread: the
    /// directory's part of each path is hashed once, and files found unchanged are handed to the index
    /// together when the directory is done (``DirectoryCheck/finish()``).
    public func directory(_ directory: String) -> DirectoryCheck {
        DirectoryCheck(index: self, state: pseudonymiser.prefixed(directory))
    }

    /// ``FileIndex/isUnchanged(path:stamp:)`` for the files of one directory, by name. One thread at a time.
    public final class DirectoryCheck {
        private let index: FileIndex
        private let state: SHA256
        private var unchanged: [Int32] = []
        /// What ``StampTable/touch(_:)`` read, kept so the reads are not optimised away.
        private(set) var touched: UInt64 = 0

        init(index: FileIndex, state: SHA256) {
            self.index = index
            self.state = state
        }

        /// True when the file `name` in this directory has exactly this size and time in the index.
        public func isUnchanged(name: UnsafeBufferPointer<UInt8>, stamp: FileStamp) -> Bool {
            let digest = index.pseudonymiser.pathDigest(prefixed: state, name: name)
            guard let position = index.table.position(of: digest), index.table.stamp(at: position) == stamp else {
                return false
            }
            unchanged.append(Int32(position))
            return true
        }

        /// ``isUnchanged(name:stamp:)`` for several files of the directory, one answer each: `names` holds their
        /// names' bytes back to back, name `i` ending at `ends[i]`. The digests are made first, then the table
        /// is touched at every one's slot before any is compared: a look-up's cost is a cache miss, and misses
        /// issued together overlap instead of waiting one after the other.
        public func areUnchanged(names: UnsafeBufferPointer<UInt8>, ends: [Int], stamps: [FileStamp]) -> [Bool] {
            precondition(ends.count == stamps.count)
            var digests: [PathDigest] = []
            digests.reserveCapacity(ends.count)
            var start = 0
            for end in ends {
                digests.append(
                    index.pseudonymiser.pathDigest(
                        prefixed: state, name: UnsafeBufferPointer(rebasing: names[start..<end])))
                start = end
            }
            touched = index.table.touch(digests)
            return zip(digests, stamps).map { digest, stamp in
                guard let position = index.table.position(of: digest), index.table.stamp(at: position) == stamp else {
                    return false
                }
                unchanged.append(Int32(position))
                return true
            }
        }

        /// Counts this directory's unchanged files in the index (one lock for the directory, not one per file).
        public func finish() {
            guard !unchanged.isEmpty else { return }
            index.remember(unchanged)
            unchanged.removeAll(keepingCapacity: true)
        }
    }

    private func remember(_ positions: [Int32]) {
        lock.lock()
        for position in positions {
            let (word, bit) = (Int(position) >> 6, UInt64(1) << UInt64(position & 63))
            if seen[word] & bit == 0 {
                seen[word] |= bit
                seenCount += 1
            }
        }
        lock.unlock()
    }

    /// The files found unchanged so far, emptied: handed to the session once, when the scan finishes.
    func takeUnchanged() -> SeenUnchanged {
        lock.lock()
        defer { lock.unlock() }
        let taken = SeenUnchanged(table: table, bits: seen, count: seenCount)
        seen = [UInt64](repeating: 0, count: seen.count)
        seenCount = 0
        return taken
    }
}

/// The files of a ``FileIndex`` a scan found unchanged: a bit per slot of the index's table.
struct SeenUnchanged: Sendable {
    let table: StampTable
    let bits: [UInt64]
    /// How many files, each once.
    let count: Int

    func contains(_ digest: PathDigest) -> Bool {
        guard let position = table.position(of: digest) else { return false }
        return bits[position >> 6] & (UInt64(1) << UInt64(position & 63)) != 0
    }

    /// The same files as a set, for sessions that take one.
    var digests: Set<PathDigest> {
        var digests = Set<PathDigest>(minimumCapacity: count)
        for (word, value) in bits.enumerated() where value != 0 {
            for bit in 0..<64 where value & (UInt64(1) << UInt64(bit)) != 0 {
                digests.insert(table.digest(at: word << 6 | bit))
            }
        }
        return digests
    }
}

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

/// One open import: one transaction, all in or nothing.
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

/// A submission held by the (national) store.
public struct StoredSubmission: Sendable, Hashable {
    public var submission: Submission
    /// When the store received it.
    public var loaded: Date
    /// True when a newer submission for the same organisation and period replaced it.
    public var superseded: Bool

    public init(submission: Submission, loaded: Date, superseded: Bool) {
        self.submission = submission
        self.loaded = loaded
        self.superseded = superseded
    }
}

/// What loading one submission did.
public enum SubmissionLoadOutcome: Sendable, Hashable {
    /// Loaded and now the current submission for its organisation and period.
    case current
    /// Loaded as history: a newer one for the same organisation and period is already held.
    case history
    /// The exact same submission (digest) was already held; nothing changed.
    case duplicate
}

/// Documents counted one way for export (see ``Submission/DocumentCount``).
public typealias DocumentAggregate = Submission.DocumentCount

/// The estate store: scans, imports, usage declarations and submissions, on SQLite or PostgreSQL.
///
/// Every scan and import is one transaction; readers never see half of one.
public protocol EstateStore: Sendable {
    /// Schema version of the open store.
    func schemaVersion() async throws -> Int

    // MARK: Scans

    /// What the last completed scan of `root` (for this organisation) knew, for incremental rescans.
    func fileIndex(organisation: Int?, root: String) async throws -> FileIndex
    /// The catalog stamp last remembered under `fingerprint` (``CatalogStampMemo``), or nil: a command that
    /// finds it need not parse the catalog just to record which catalog it used.
    func rememberedCatalogStamp(fingerprint: String) async throws -> CatalogStamp?
    /// Remembers the stamp of the catalog with this fingerprint (only the latest one is kept).
    func rememberCatalogStamp(_ stamp: CatalogStamp, fingerprint: String) async throws
    /// Opens a scan of one root. Records go in through the session; ``ScanSession/finish(finished:)`` commits.
    func beginScan(_ header: ScanHeader) async throws -> any ScanSession
    /// Completed scans, newest first; `organisation` nil for all.
    func scans(organisation: Int?) async throws -> [ScanSummary]
    /// The documents stored in `root` or below it (whichever scan read them), grouped: what a summary of the
    /// stored estate under that folder shows.
    func documentTallies(organisation: Int?, root: String) async throws -> [DocumentTally]

    // MARK: Imports

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

    // MARK: Classification

    /// The catalog every stored document and software line is classified with; nil when the store has not
    /// recorded one (a store from before 0.4 that no scan, import or reclassify has touched since).
    func classificationStamp() async throws -> CatalogStamp?
    /// Classifies every stored document and software line again with `classifier` and records its catalog, in
    /// one transaction. Rows whose answer does not change are not written.
    func reclassify(with classifier: any StoredRowClassifier) async throws -> ReclassificationSummary

    // MARK: Aggregates for export (only records of `organisation`, plus records stored without one)

    /// Documents read, by family, format, suite, version line, ODF version and year. A file that could not be
    /// read is never counted here as what its name says: it is in ``documentErrorCounts(organisation:)`` only.
    func documentCounts(organisation: Int) async throws -> [Submission.DocumentCount]
    func documentErrorCounts(organisation: Int) async throws -> [Submission.ErrorCount]
    /// Newest finish time of the scans behind the document counts.
    func lastScanFinished(organisation: Int) async throws -> Date?
    /// When the oldest and the newest scan behind the document figures finished (for each root holding
    /// documents, its newest scan; then the oldest and newest of those).
    func scanDates(organisation: Int) async throws -> DataDates

    // Software figures count the estate as it is now: each host's software list from its newest inventory, and
    // each kind of host-less export (aggregates) from its newest import; `observedSince` leaves out hosts and
    // exports whose newest data are older (stale), nil counts them however old.

    /// Installations by product and version line: distinct hosts among records that count as an
    /// installation, plus the install counts of aggregate (host-less) records.
    func installationCounts(organisation: Int, observedSince: Date?) async throws -> [Submission.InstallationCount]
    /// Distinct hosts with a current inventory.
    func distinctHosts(organisation: Int, observedSince: Date?) async throws -> Int
    /// The data dates behind the software figures, and how many hosts were left out as stale.
    func inventoryDates(organisation: Int, observedSince: Date?) async throws -> InventoryDates
    /// Software titles the catalog did not recognise, with how many current records carried them.
    func unknownTitles(organisation: Int, limit: Int, observedSince: Date?) async throws -> [Submission.UnknownTitle]

    // MARK: Submissions (the national store)

    /// Stores a verified submission; newest `created` per organisation and period is current.
    func addSubmission(_ submission: Submission) async throws -> SubmissionLoadOutcome
    /// The current (newest) submission per organisation, for one period or (nil) the newest period each
    /// organisation submitted for. Ordered by organisation code.
    func latestSubmissions(period: String?) async throws -> [Submission]
    /// Every submission held, current and superseded, oldest first; filters are optional.
    func submissionHistory(organisation: Int?, period: String?) async throws -> [StoredSubmission]
    /// Periods with at least one submission, sorted ascending.
    func periods() async throws -> [String]

    /// Releases connections. The store must not be used afterwards.
    func close() async throws
}

extension EstateStore {
    public func installationCounts(organisation: Int) async throws -> [Submission.InstallationCount] {
        try await installationCounts(organisation: organisation, observedSince: nil)
    }

    public func distinctHosts(organisation: Int) async throws -> Int {
        try await distinctHosts(organisation: organisation, observedSince: nil)
    }

    public func unknownTitles(organisation: Int, limit: Int) async throws -> [Submission.UnknownTitle] {
        try await unknownTitles(organisation: organisation, limit: limit, observedSince: nil)
    }
}

/// The oldest and newest data date behind a set of figures.
public struct DataDates: Sendable, Hashable {
    public var oldest: Date?
    public var newest: Date?

    public init(oldest: Date?, newest: Date?) {
        self.oldest = oldest
        self.newest = newest
    }
}

/// The data dates behind the software figures.
public struct InventoryDates: Sendable, Hashable {
    public var dates: DataDates
    /// Hosts whose newest inventory is older than the cut-off, and so not counted.
    public var staleHosts: Int
    /// Host-less exports (aggregates) older than the cut-off, and so not counted.
    public var staleAggregates: Int

    public init(dates: DataDates, staleHosts: Int, staleAggregates: Int) {
        self.dates = dates
        self.staleHosts = staleHosts
        self.staleAggregates = staleAggregates
    }
}

/// How a store keeps the last catalog stamp a command computed, under the fingerprint of the catalog's
/// sources (``Catalog/CatalogSources``): one `store_settings` row, the same on SQLite and PostgreSQL.
public enum CatalogStampMemo {
    /// The `store_settings` key.
    public static let settingKey = "catalog_stamp"

    private struct Value: Codable {
        var fingerprint: String
        var version: String
        var digest: String
    }

    /// The setting's value for `stamp` under `fingerprint`.
    public static func encode(_ stamp: CatalogStamp, fingerprint: String) throws -> String {
        let data = try JSONEncoder().encode(
            Value(fingerprint: fingerprint, version: stamp.version, digest: stamp.digest))
        return String(decoding: data, as: UTF8.self)
    }

    /// The stamp in a setting's value when it was remembered under `fingerprint`; nil otherwise (another
    /// catalog or build, or a value this build cannot read).
    public static func decode(_ value: String?, fingerprint: String) -> CatalogStamp? {
        guard let value, let decoded = try? JSONDecoder().decode(Value.self, from: Data(value.utf8)),
            decoded.fingerprint == fingerprint
        else { return nil }
        return CatalogStamp(version: decoded.version, digest: decoded.digest)
    }
}
