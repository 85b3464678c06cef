public import Foundation
public import OverblikModel
import GRDB
import GRDBSQLite

/// The default estate store: one SQLite file through GRDB (WAL, busy timeout so several processes can
/// write one file), or an in-memory database for tests.
public final class SQLiteEstateStore: EstateStore {
    let queue: DatabaseQueue
    let location: String
    let pseudonymiser: Pseudonymiser
    private let stageCounter = StageCounter()

    /// Opens (creating and migrating if needed) the store at `path`, or in memory when `path` is nil.
    public init(path: String?) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(120)
        // Import sessions keep one explicit transaction open across calls (all of a file, or nothing).
        configuration.allowsUnsafeTransactions = true
        configuration.foreignKeysEnabled = true
        configuration.label = "overblik-store"
        let isFile = path != nil
        configuration.prepareDatabase { db in
            if isFile {
                try db.execute(sql: "PRAGMA page_size = 16384")
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            // Staging tables live in the temp database; a roomy cache keeps a rescan's staging off the disk.
            try db.execute(sql: "PRAGMA temp_store = FILE")
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA temp.cache_size = -65536")
        }
        let location = path ?? ":memory:"
        let queue: DatabaseQueue
        do {
            if let path {
                queue = try DatabaseQueue(path: path, configuration: configuration)
            } else {
                queue = try DatabaseQueue(configuration: configuration)
            }
        } catch {
            throw StoreError.cannotOpen(location: location, reason: "\(error)")
        }
        self.location = location
        self.queue = queue
        pseudonymiser = try Self.run("migration") {
            try queue.write { db in
                let known = Set(StoreSchema.steps(dialect: .sqlite).map(\.name))
                let applied = try StoreSchema.sqliteMigrator().appliedIdentifiers(db)
                if let unknown = applied.first(where: { !known.contains($0) }) {
                    let found = Int(unknown.split(separator: "-").first?.dropFirst() ?? "") ?? applied.count
                    throw StoreError.newerSchema(location: location, found: found, known: StoreSchema.currentVersion)
                }
                return ()
            }
            try StoreSchema.sqliteMigrator().migrate(queue)
            return try queue.write { db in
                if let hex = try String.fetchOne(
                    db, sql: "SELECT value FROM store_settings WHERE key = 'pseudonym_key'")
                {
                    return Pseudonymiser(keyHex: hex)
                }
                let hex = Pseudonymiser.newKeyHex()
                try db.execute(
                    sql: "INSERT INTO store_settings (key, value) VALUES ('pseudonym_key', ?)", arguments: [hex])
                return Pseudonymiser(keyHex: hex)
            }
        }
    }

    static func run<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as StoreError { throw error } catch {
            throw StoreError.database(operation: operation, reason: "\(error)")
        }
    }

    static func run<T>(
        _ operation: String, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async throws -> T {
        do { return try await body() } catch let error as StoreError { throw error } catch {
            throw StoreError.database(operation: operation, reason: "\(error)")
        }
    }

    public func schemaVersion() async throws -> Int {
        try await Self.run("schema version") {
            let applied = try await queue.read { db in try StoreSchema.sqliteMigrator().appliedIdentifiers(db) }
            return StoreSchema.steps(dialect: .sqlite).filter { applied.contains($0.name) }.map(\.version).max() ?? 0
        }
    }

    /// SQLite's own consistency check (`PRAGMA integrity_check`): "ok" when the file is sound.
    public func integrityCheck() async throws -> String {
        try await queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }

    // MARK: Scans

    public func fileIndex(organisation: Int?, root: String) async throws -> FileIndex {
        let root = normalisedRoot(root)
        let rootKey = pseudonymiser.rootKey(root)
        let (table, basis) = try await Self.run("file index") {
            try await queue.read { db -> (StampTable, FileIndex.Basis) in
                // The last scan of this root: its snapshot is current only when that scan wrote it, its counts
                // size the table, and its id tells the finishing scan whether anyone changed the root since.
                let last = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT id, new_count + changed_count + unchanged_count AS total FROM scans
                        WHERE organisation = ? AND root_key = ? ORDER BY id DESC LIMIT 1
                        """, arguments: [organisation ?? 0, rootKey])
                let lastScan: Int64? = last?["id"]
                if let lastScan,
                    let table = try FileIndexSnapshot.read(
                        db, organisation: organisation ?? 0, rootKey: rootKey, scan: lastScan)
                {
                    return (table, FileIndex.Basis(lastScan: lastScan, documents: table.count))
                }
                var entries: [StampTable.Entry] = []
                entries.reserveCapacity(last?["total"] ?? 0)
                var rows = 0
                try forEachRow(
                    db, operation: "file index",
                    sql: "SELECT path_key, size, modified FROM documents WHERE organisation = ? AND root_key = ?",
                    arguments: [organisation ?? 0, rootKey]
                ) { key, row in
                    rows += 1
                    // A key this build cannot parse is treated as unknown: that file is simply read again.
                    if let digest = PathDigest(keyBytes: key) {
                        entries.append(
                            StampTable.Entry(
                                digest: digest,
                                stamp: FileStamp(
                                    size: sqlite3_column_int64(row, 1), modifiedSeconds: sqlite3_column_double(row, 2)))
                        )
                    }
                }
                return (StampTable(entries), FileIndex.Basis(lastScan: lastScan, documents: rows))
            }
        }
        return FileIndex(root: root, pseudonymiser: pseudonymiser, table: table, basis: basis)
    }

    public func rememberedCatalogStamp(fingerprint: String) async throws -> CatalogStamp? {
        let value = try await Self.run("read catalog stamp") {
            try await queue.read { db in
                try String.fetchOne(
                    db, sql: "SELECT value FROM store_settings WHERE key = ?", arguments: [CatalogStampMemo.settingKey])
            }
        }
        return CatalogStampMemo.decode(value, fingerprint: fingerprint)
    }

    public func rememberCatalogStamp(_ stamp: CatalogStamp, fingerprint: String) async throws {
        let value = try CatalogStampMemo.encode(stamp, fingerprint: fingerprint)
        try await Self.run("remember catalog stamp") {
            try await queue.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO store_settings (key, value) VALUES (?, ?)",
                    arguments: [CatalogStampMemo.settingKey, value])
            }
        }
    }

    public func beginScan(_ header: ScanHeader) async throws -> any ScanSession {
        let number = await stageCounter.next()
        let session = SQLiteScanSession(store: self, header: header, stage: "scan_stage_\(number)")
        try await session.create()
        return session
    }

    public func scans(organisation: Int?) async throws -> [ScanSummary] {
        try await Self.run("list scans") {
            try await queue.read { db in
                let filter = organisation == nil ? "" : "WHERE organisation = \(organisation!)"
                return try Row.fetchAll(db, sql: "SELECT * FROM scans \(filter) ORDER BY finished DESC, id DESC").map {
                    row in
                    let organisation: Int = row["organisation"]
                    let root: String? = row["root"]
                    return ScanSummary(
                        id: row["id"], organisation: organisation == 0 ? nil : organisation,
                        root: root ?? row["root_key"], started: Date(timeIntervalSince1970: row["started"]),
                        finished: Date(timeIntervalSince1970: row["finished"]), toolVersion: row["tool_version"],
                        catalog: CatalogStamp(version: row["catalog_version"], digest: row["catalog_digest"]),
                        new: row["new_count"], changed: row["changed_count"], unchanged: row["unchanged_count"],
                        deleted: row["deleted_count"])
                }
            }
        }
    }

    // MARK: Imports

    public func beginImport(_ header: ImportHeader) async throws -> any ImportSession {
        let session = SQLiteImportSession(store: self, header: header)
        try await session.begin()
        return session
    }

    public func importSummary(organisation: Int, fileHash: String) async throws -> ImportSummary? {
        try await Self.run("find import") {
            try await queue.read { db in
                try Row.fetchOne(
                    db, sql: "SELECT * FROM imports WHERE organisation = ? AND file_hash = ?",
                    arguments: [organisation, fileHash]
                ).map(Self.importSummary(row:))
            }
        }
    }

    public func imports(organisation: Int?) async throws -> [ImportSummary] {
        try await Self.run("list imports") {
            try await queue.read { db in
                let filter = organisation == nil ? "" : "WHERE organisation = \(organisation!)"
                return try Row.fetchAll(db, sql: "SELECT * FROM imports \(filter) ORDER BY finished DESC, id DESC")
                    .map(Self.importSummary(row:))
            }
        }
    }

    static func importSummary(row: Row) -> ImportSummary {
        ImportSummary(
            id: row["id"], organisation: row["organisation"], fileHash: row["file_hash"], fileName: row["file_name"],
            format: row["format"], started: Date(timeIntervalSince1970: row["started"]),
            finished: Date(timeIntervalSince1970: row["finished"]), linesRead: row["lines_read"],
            unreadableLines: row["unreadable_lines"], softwareRecords: row["software_records"],
            usageDeclarations: row["usage_declarations"])
    }

    @discardableResult
    public func addUsageDeclarations(_ declarations: [UsageDeclaration]) async throws -> Int {
        try await Self.run("add usage declarations") {
            try await queue.write { db in try Self.insertUsage(declarations, importID: nil, db: db) }
        }
    }

    static func insertUsage(_ declarations: [UsageDeclaration], importID: Int64?, db: Database) throws -> Int {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO usage_declarations (import_id, dedupe_key, organisation, product, relation, date, evidence,
                    evidence_kind, source, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING
                """)
        var added = 0
        for item in declarations {
            try statement.execute(arguments: [
                importID, item.dedupeKey, item.organisation, item.product, item.relation.rawValue, item.date,
                item.evidence, item.evidenceKind.rawValue, item.source, item.line,
            ])
            added += db.changesCount
        }
        return added
    }

    public func usageDeclarations(organisation: Int?) async throws -> [UsageDeclaration] {
        try await Self.run("list usage declarations") {
            try await queue.read { db in
                let filter = organisation == nil ? "" : "WHERE organisation = \(organisation!)"
                return try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM usage_declarations \(filter) ORDER BY organisation, product, date, relation, id
                        """
                ).map { row in
                    UsageDeclaration(
                        organisation: row["organisation"], product: row["product"],
                        relation: UsageRelation(rawValue: row["relation"]) ?? .uses, date: row["date"],
                        evidence: row["evidence"],
                        evidenceKind: EvidenceKind(rawValue: row["evidence_kind"]) ?? .usageDeclaration,
                        source: row["source"], line: row["line"])
                }
            }
        }
    }

    // MARK: Aggregates

    public func documentCounts(organisation: Int) async throws -> [Submission.DocumentCount] {
        try await Self.run("count documents") {
            try await queue.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT family, format, suite, suite_version_line, odf_version, year, COUNT(*) AS n
                        FROM documents WHERE organisation IN (?, 0)
                        GROUP BY family, format, suite, suite_version_line, odf_version, year
                        """, arguments: [organisation]
                ).map { row in
                    Submission.DocumentCount(
                        family: DocumentFamily(rawValue: row["family"]) ?? .other, format: row["format"],
                        suite: row["suite"], suiteVersionLine: row["suite_version_line"],
                        odfVersion: row["odf_version"], year: row["year"], count: row["n"])
                }.sorted(by: AggregateOrder.documents)
            }
        }
    }

    public func documentErrorCounts(organisation: Int) async throws -> [Submission.ErrorCount] {
        try await Self.run("count read errors") {
            try await queue.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT error, COUNT(*) AS n FROM documents
                        WHERE organisation IN (?, 0) AND error IS NOT NULL GROUP BY error ORDER BY error
                        """, arguments: [organisation]
                ).compactMap { row in
                    ReadFailureKind(rawValue: row["error"]).map { Submission.ErrorCount(kind: $0, count: row["n"]) }
                }
            }
        }
    }

    public func lastScanFinished(organisation: Int) async throws -> Date? {
        try await Self.run("last scan") {
            try await queue.read { db in
                try Double.fetchOne(
                    db, sql: "SELECT MAX(finished) FROM scans WHERE organisation IN (?, 0)", arguments: [organisation]
                ).map(Date.init(timeIntervalSince1970:))
            }
        }
    }

    public func installationCounts(organisation: Int) async throws -> [Submission.InstallationCount] {
        try await Self.run("count installations") {
            try await queue.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT product, version_line,
                            COUNT(DISTINCT host) + COALESCE(SUM(CASE WHEN host IS NULL THEN install_count END), 0) AS n
                        FROM software WHERE organisation = ? AND counts_as_installation <> 0
                        GROUP BY product, version_line
                        """, arguments: [organisation]
                ).map { row in
                    Submission.InstallationCount(
                        product: row["product"], versionLine: row["version_line"], hosts: row["n"])
                }.sorted(by: AggregateOrder.installations)
            }
        }
    }

    public func distinctHosts(organisation: Int) async throws -> Int {
        try await Self.run("count hosts") {
            try await queue.read { db in
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(DISTINCT host) FROM software WHERE organisation = ?",
                    arguments: [organisation]) ?? 0
            }
        }
    }

    public func lastImportFinished(organisation: Int) async throws -> Date? {
        try await Self.run("last import") {
            try await queue.read { db in
                try Double.fetchOne(
                    db, sql: "SELECT MAX(finished) FROM imports WHERE organisation = ? AND software_records > 0",
                    arguments: [organisation]
                ).map(Date.init(timeIntervalSince1970:))
            }
        }
    }

    public func unknownTitles(organisation: Int, limit: Int) async throws -> [Submission.UnknownTitle] {
        try await Self.run("unknown titles") {
            try await queue.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT title, publisher, COUNT(*) AS n FROM software
                        WHERE organisation = ? AND product = 'unknown'
                        GROUP BY title, publisher ORDER BY n DESC, title, publisher LIMIT ?
                        """, arguments: [organisation, limit]
                ).map { Submission.UnknownTitle(title: $0["title"], publisher: $0["publisher"], count: $0["n"]) }
            }
        }
    }

    // MARK: Submissions

    public func addSubmission(_ submission: Submission) async throws -> SubmissionLoadOutcome {
        let content = String(decoding: try encodeSubmission(submission, pretty: false), as: UTF8.self)
        return try await Self.run("load submission") {
            try await queue.write { db in
                if try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM submissions WHERE digest = ?", arguments: [submission.digest]) ?? false
                {
                    return .duplicate
                }
                let body = submission.body
                try db.execute(
                    sql: """
                        INSERT INTO submissions (organisation, period, digest, created, loaded, content, superseded)
                        VALUES (?, ?, ?, ?, ?, ?, 0)
                        """,
                    arguments: [
                        body.organisation.code, body.period, submission.digest, body.created.timeIntervalSince1970,
                        Date().timeIntervalSince1970, content,
                    ])
                let newest = try String.fetchOne(
                    db,
                    sql: """
                        SELECT digest FROM submissions WHERE organisation = ? AND period = ?
                        ORDER BY created DESC, digest DESC LIMIT 1
                        """, arguments: [body.organisation.code, body.period])
                try db.execute(
                    sql: """
                        UPDATE submissions SET superseded = CASE WHEN digest = ? THEN 0 ELSE 1 END
                        WHERE organisation = ? AND period = ?
                        """, arguments: [newest, body.organisation.code, body.period])
                return newest == submission.digest ? .current : .history
            }
        }
    }

    public func latestSubmissions(period: String?) async throws -> [Submission] {
        try await Self.run("latest submissions") {
            try await queue.read { db in
                let sql: String
                let arguments: StatementArguments
                if let period {
                    sql = """
                        SELECT content FROM submissions WHERE superseded = 0 AND period = ? ORDER BY organisation
                        """
                    arguments = [period]
                } else {
                    sql = """
                        SELECT s.content FROM submissions s
                        WHERE s.superseded = 0 AND s.period = (
                            SELECT MAX(t.period) FROM submissions t WHERE t.organisation = s.organisation)
                        ORDER BY s.organisation
                        """
                    arguments = []
                }
                return try String.fetchAll(db, sql: sql, arguments: arguments).map {
                    try decodeSubmission(Data($0.utf8))
                }
            }
        }
    }

    public func submissionHistory(organisation: Int?, period: String?) async throws -> [StoredSubmission] {
        try await Self.run("submission history") {
            try await queue.read { db in
                var conditions: [String] = []
                var arguments: StatementArguments = []
                if let organisation {
                    conditions.append("organisation = ?")
                    arguments += [organisation]
                }
                if let period {
                    conditions.append("period = ?")
                    arguments += [period]
                }
                let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
                return try Row.fetchAll(
                    db,
                    sql: """
                        SELECT content, loaded, superseded FROM submissions \(filter)
                        ORDER BY organisation, period, created, digest
                        """, arguments: arguments
                ).map { row in
                    let content: String = row["content"]
                    return StoredSubmission(
                        submission: try decodeSubmission(Data(content.utf8)),
                        loaded: Date(timeIntervalSince1970: row["loaded"]), superseded: row["superseded"])
                }
            }
        }
    }

    public func periods() async throws -> [String] {
        try await Self.run("list periods") {
            try await queue.read { db in
                try String.fetchAll(db, sql: "SELECT DISTINCT period FROM submissions ORDER BY period")
            }
        }
    }

    public func close() async throws {
        try queue.close()
    }
}

/// Deterministic order of aggregate rows in a submission (so two exports of the same data are identical).
enum AggregateOrder {
    static func documents(_ a: Submission.DocumentCount, _ b: Submission.DocumentCount) -> Bool {
        let left = [a.family.rawValue, a.format, a.suite ?? "", a.suiteVersionLine ?? "", a.odfVersion ?? ""]
        let right = [b.family.rawValue, b.format, b.suite ?? "", b.suiteVersionLine ?? "", b.odfVersion ?? ""]
        if left != right { return left.lexicographicallyPrecedes(right) }
        return (a.year ?? 0) < (b.year ?? 0)
    }

    static func installations(_ a: Submission.InstallationCount, _ b: Submission.InstallationCount) -> Bool {
        if a.product != b.product { return a.product < b.product }
        return (a.versionLine ?? "") < (b.versionLine ?? "")
    }
}

/// Hands out unique names for staging tables within one process.
actor StageCounter {
    private var value = 0
    func next() -> Int {
        value += 1
        return value
    }
}
