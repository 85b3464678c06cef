import Foundation
import GRDB
import GRDBSQLite
import OverblikModel

/// A scan staged in connection-private temporary tables; ``finish(finished:)`` merges it into the
/// store in one short write transaction, so a long scan never holds the store's write lock and a
/// crashed scan leaves nothing behind (temporary tables die with the connection).
actor SQLiteScanSession: IndexBasedSession {
    let store: SQLiteEstateStore
    let header: ScanHeader
    let root: String
    let rootKey: String
    let stage: String
    private var closed = false
    /// Keys of the files staged (read) and of those skipped as unchanged, held in memory: an unchanged file
    /// costs no write at all, and ``finish(finished:)`` finds the deleted ones as known − seen in one read.
    private var stagedKeys: Set<PathDigest> = []
    private var unchangedKeys = UnchangedKeys()
    private var basis: FileIndex.Basis?
    /// The folders above the files read, stored with the scan so later scans of any folder can find them.
    private var folders = FolderChain()

    func indexBasis(_ basis: FileIndex.Basis) {
        self.basis = basis
    }

    init(store: SQLiteEstateStore, header: ScanHeader, stage: String) {
        self.store = store
        self.header = header
        self.root = normalisedRoot(header.root)
        self.rootKey = store.pseudonymiser.rootKey(normalisedRoot(header.root))
        self.stage = stage
    }

    func create() async throws {
        let stage = self.stage
        try await SQLiteEstateStore.run("begin scan") {
            try await store.queue.writeWithoutTransaction { db in
                try db.execute(
                    sql: """
                        CREATE TEMP TABLE \(stage) (
                            path_key TEXT PRIMARY KEY, folder_key TEXT, path TEXT, top_folder TEXT,
                            family TEXT NOT NULL, container TEXT NOT NULL, format TEXT NOT NULL, mimetype TEXT,
                            odf_version TEXT, generator TEXT, application TEXT, app_version TEXT, suite TEXT,
                            suite_version TEXT, suite_version_line TEXT, encrypted INTEGER NOT NULL, year INTEGER,
                            error TEXT, warnings INTEGER NOT NULL, size INTEGER NOT NULL, modified REAL NOT NULL)
                        """)
            }
        }
    }

    func add(_ records: [DocumentRecord]) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        if records.isEmpty { return }
        let rows = records.map {
            DocumentRow(
                record: $0, root: root, pseudonymiser: store.pseudonymiser, includePaths: header.includePaths,
                folderKey: folders.add(folderOf: $0.path, pseudonymiser: store.pseudonymiser))
        }
        for row in rows {
            if let digest = PathDigest(key: row.pathKey) { stagedKeys.insert(digest) }
        }
        let stage = self.stage
        try await SQLiteEstateStore.run("stage scan records") {
            try await store.queue.writeWithoutTransaction { db in
                try db.inTransaction(.deferred) {
                    let statement = try db.cachedStatement(
                        sql: """
                            INSERT OR REPLACE INTO \(stage)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """)
                    for row in rows {
                        try statement.execute(arguments: [
                            row.pathKey, row.folderKey, row.path, row.topFolder, row.family, row.container,
                            row.format, row.mimetype, row.odfVersion, row.generator, row.application,
                            row.appVersion, row.suite, row.suiteVersion, row.suiteVersionLine, row.encrypted,
                            row.year, row.error, row.warnings, row.size, row.modified,
                        ])
                    }
                    return .commit
                }
            }
        }
    }

    func markUnchanged(paths: [String]) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        if paths.isEmpty { return }
        let pseudonymiser = store.pseudonymiser
        for path in paths { unchangedKeys.keys.insert(pseudonymiser.pathDigest(path)) }
    }

    func markUnchanged(digests: Set<PathDigest>) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        if unchangedKeys.keys.isEmpty {
            unchangedKeys.keys = digests
        } else {
            unchangedKeys.keys.formUnion(digests)
        }
    }

    func markUnchanged(seen: SeenUnchanged) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        if unchangedKeys.seen == nil {
            unchangedKeys.seen = seen
        } else {
            unchangedKeys.keys.formUnion(seen.digests)
        }
    }

    func finish(finished: Date) async throws -> ScanSummary {
        guard !closed else { throw StoreError.sessionClosed }
        closed = true
        let header = self.header
        let stage = self.stage
        let rootKey = self.rootKey
        let rootFolder = store.pseudonymiser.pathKey(root)
        let organisation = header.organisation ?? 0
        let root = self.root
        let stagedKeys = self.stagedKeys
        let unchangedKeys = self.unchangedKeys
        let basis = self.basis
        let folderLinks = folders.take()
        let summary = try await SQLiteEstateStore.run("finish scan") {
            try await store.queue.write { db -> ScanSummary in
                // Whether the documents are as the index found them: no scan of this organisation finished since
                // (a scan of another root may have reached the same files).
                let lastScan = try SQLiteEstateStore.newestScan(db, organisation: organisation)
                let knownFromIndex = basis.flatMap { $0.lastScan == lastScan ? $0.documents : nil }
                try db.execute(
                    sql: """
                        INSERT INTO scans (organisation, root_key, root, started, finished, tool_name, tool_version,
                            catalog_version, catalog_digest, new_count, changed_count, unchanged_count, deleted_count)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0)
                        """,
                    arguments: [
                        organisation, rootKey, header.includePaths ? root : nil, header.started.timeIntervalSince1970,
                        finished.timeIntervalSince1970, header.tool.name, header.tool.version, header.catalog.version,
                        header.catalog.digest,
                    ])
                let scanID = db.lastInsertedRowID
                let staged = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(stage)") ?? 0
                // A document is one file wherever it was reached from: matched by organisation and path key.
                // Nothing read (the unchanged rescan): nothing new or read again, and no reason to touch the
                // documents, whose pages the index, read from its snapshot, left uncached.
                let new =
                    staged == 0
                    ? 0
                    : try Int.fetchOne(
                        db,
                        sql: """
                            SELECT COUNT(*) FROM \(stage) s WHERE NOT EXISTS (
                                SELECT 1 FROM documents d WHERE d.organisation = ? AND d.path_key = s.path_key)
                            """, arguments: [organisation]) ?? 0
                // A file read again with the same size and time is unchanged, not changed. The stage drives
                // the join (CROSS JOIN keeps SQLite's order): a few files read must not walk the whole root.
                let sameRead =
                    staged == 0
                    ? 0
                    : try Int.fetchOne(
                        db,
                        sql: """
                            SELECT COUNT(*) FROM \(stage) s CROSS JOIN documents d
                            ON d.organisation = ? AND d.path_key = s.path_key
                            WHERE d.size = s.size AND d.modified = s.modified
                            """, arguments: [organisation]) ?? 0
                // Known − seen, over every document stored below the root. Every unchanged key came from the
                // index of this root, so when the counts add up nothing is gone and the keys need not be read.
                let known =
                    try knownFromIndex
                    ?? DocumentScope.count(db, organisation: organisation, rootFolder: rootFolder, rootKey: rootKey)
                // A file asked about and then read anyway counts from the stage, not as skipped.
                var skipped = unchangedKeys.count(excluding: stagedKeys)
                var gone: [String] = []
                if known != staged - new + skipped {
                    (skipped, gone) = try Self.partitionKnown(
                        db, organisation: organisation, rootFolder: rootFolder, rootKey: rootKey, staged: stagedKeys,
                        unchanged: unchangedKeys)
                }
                var deleted = 0
                let delete = try db.cachedStatement(
                    sql: "DELETE FROM documents WHERE organisation = ? AND path_key = ?")
                for key in gone {
                    try delete.execute(arguments: [organisation, key])
                    deleted += db.changesCount
                }
                let link = try db.cachedStatement(
                    sql: "INSERT OR IGNORE INTO folders (organisation, folder_key, parent_key) VALUES (?, ?, ?)")
                for folder in folderLinks { try link.execute(arguments: [organisation, folder.key, folder.parent]) }
                try db.execute(
                    sql: DocumentUpsert.sql(from: stage, organisation: "?", rootKey: "?", scan: "?"),
                    arguments: [organisation, rootKey, scanID, scanID])
                try FileIndexSnapshot.update(
                    db, organisation: organisation, rootKey: rootKey, rootFolder: rootFolder, previousScan: lastScan,
                    scan: scanID, documentsChanged: staged > 0 || !gone.isEmpty)
                let changed = staged - new - sameRead
                let unchanged = sameRead + skipped
                try db.execute(
                    sql: """
                        UPDATE scans SET new_count = ?, changed_count = ?, unchanged_count = ?, deleted_count = ?
                        WHERE id = ?
                        """, arguments: [new, changed, unchanged, deleted, scanID])
                try db.execute(sql: "DROP TABLE \(stage)")
                return ScanSummary(
                    id: scanID, organisation: header.organisation,
                    root: header.includePaths ? root : rootKey, started: header.started, finished: finished,
                    toolVersion: header.tool.version, catalog: header.catalog, new: new, changed: changed,
                    unchanged: unchanged, deleted: deleted)
            }
        }
        return summary
    }

    /// Reads the keys of the documents below the root once: those skipped as unchanged are counted, those
    /// neither read nor skipped are gone since the last scan.
    private static func partitionKnown(
        _ db: Database, organisation: Int, rootFolder: String, rootKey: String, staged: Set<PathDigest>,
        unchanged: UnchangedKeys
    ) throws -> (skipped: Int, gone: [String]) {
        var skipped = 0
        var gone: [String] = []
        try DocumentScope.forEachKey(
            db, organisation: organisation, rootFolder: rootFolder, rootKey: rootKey, columns: "path_key"
        ) { key, _ in
            // A file read this time (staged) counts as new, changed or unchanged from the stage.
            let digest = PathDigest(keyBytes: key)
            if let digest, staged.contains(digest) { return }
            if let digest, unchanged.contains(digest) {
                skipped += 1
            } else {
                gone.append(String(decoding: key, as: UTF8.self))
            }
        }
        return (skipped, gone)
    }

    func cancel() async {
        guard !closed else { return }
        closed = true
        let stage = self.stage
        try? await store.queue.writeWithoutTransaction { db in
            try db.execute(sql: "DROP TABLE IF EXISTS \(stage)")
        }
    }
}

/// The files a scan skipped as unchanged: the index's bits (a rescan) and any digests marked one by one.
struct UnchangedKeys: Sendable {
    var keys: Set<PathDigest> = []
    var seen: SeenUnchanged?

    func contains(_ digest: PathDigest) -> Bool {
        keys.contains(digest) || seen?.contains(digest) == true
    }

    /// How many distinct files, leaving out those that were read (staged) after all.
    func count(excluding staged: Set<PathDigest>) -> Int {
        var count = 0
        if let seen {
            count = seen.count
            for digest in staged where seen.contains(digest) { count -= 1 }
        }
        for digest in keys where !staged.contains(digest) && seen?.contains(digest) != true { count += 1 }
        return count
    }
}

/// An import held in one explicit write transaction from ``begin()`` to ``finish(finished:)``:
/// the whole file is in, or (crash, cancel, already imported) nothing is.
actor SQLiteImportSession: RowBatchImportSession {
    let store: SQLiteEstateStore
    let header: ImportHeader
    private var importID: Int64 = 0
    private var existing: ImportSummary?
    private var closed = false
    private var softwareCount = 0
    private var usageCount = 0
    /// What the stored lines name: the hosts and aggregates this import may become the current list of.
    private var listed = ListedInventories()
    /// The detected format (``describe(format:linesRead:unreadableLines:)``): the kind of a host-less export.
    private var format: String

    init(store: SQLiteEstateStore, header: ImportHeader) {
        self.store = store
        self.header = header
        self.format = header.format
    }

    func begin() async throws {
        let header = self.header
        let (id, existing) = try await SQLiteEstateStore.run("begin import") {
            try await store.queue.writeWithoutTransaction { db -> (Int64, ImportSummary?) in
                try db.execute(sql: "BEGIN IMMEDIATE")
                do {
                    if let row = try Row.fetchOne(
                        db, sql: "SELECT * FROM imports WHERE organisation = ? AND file_hash = ?",
                        arguments: [header.organisation, header.fileHash])
                    {
                        try db.execute(sql: "ROLLBACK")
                        return (0, SQLiteEstateStore.importSummary(row: row))
                    }
                    try db.execute(
                        sql: """
                            INSERT INTO imports (organisation, file_hash, file_name, format, started, finished, tool_name,
                                tool_version, catalog_version, catalog_digest, lines_read, unreadable_lines,
                                software_records, usage_declarations, observed)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)
                            """,
                        arguments: [
                            header.organisation, header.fileHash, header.fileName, header.format,
                            header.started.timeIntervalSince1970, header.started.timeIntervalSince1970,
                            header.tool.name, header.tool.version, header.catalog.version, header.catalog.digest,
                            header.linesRead, header.unreadableLines,
                            (header.observed ?? header.started).timeIntervalSince1970,
                        ])
                    return (db.lastInsertedRowID, nil)
                } catch {
                    try? db.execute(sql: "ROLLBACK")
                    throw error
                }
            }
        }
        importID = id
        self.existing = existing
    }

    func add(software: [SoftwareRecord]) async throws {
        try await add(rows: SoftwareRowBatch(software, organisation: header.organisation))
    }

    func add(rows: SoftwareRowBatch) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        guard existing == nil, !rows.isEmpty else { return }
        let importID = self.importID
        try await SQLiteEstateStore.run("import software records") {
            try await store.queue.writeWithoutTransaction { db in
                try rows.insert(into: db, importID: importID)
            }
        }
        softwareCount += rows.count
        listed.formUnion(rows.listed)
    }

    func add(usage: [UsageDeclaration]) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        guard existing == nil, !usage.isEmpty else { return }
        let importID = self.importID
        let added = try await SQLiteEstateStore.run("import usage declarations") {
            try await store.queue.writeWithoutTransaction { db in
                try SQLiteEstateStore.insertUsage(usage, importID: importID, db: db)
            }
        }
        usageCount += added
    }

    func describe(format: String, linesRead: Int, unreadableLines: Int) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        guard existing == nil else { return }
        self.format = format
        let importID = self.importID
        try await SQLiteEstateStore.run("describe import") {
            try await store.queue.writeWithoutTransaction { db in
                try db.execute(
                    sql: "UPDATE imports SET format = ?, lines_read = ?, unreadable_lines = ? WHERE id = ?",
                    arguments: [format, linesRead, unreadableLines, importID])
            }
        }
    }

    func finish(finished: Date) async throws -> ImportOutcome {
        guard !closed else { throw StoreError.sessionClosed }
        closed = true
        if let existing { return .alreadyImported(existing) }
        let importID = self.importID
        let header = self.header
        let (listed, format) = (self.listed, self.format)
        let counts = (softwareCount, usageCount)
        let summary = try await SQLiteEstateStore.run("finish import") {
            try await store.queue.writeWithoutTransaction { db -> ImportSummary in
                do {
                    try db.execute(
                        sql:
                            "UPDATE imports SET finished = ?, software_records = ?, usage_declarations = ? WHERE id = ?",
                        arguments: [finished.timeIntervalSince1970, counts.0, counts.1, importID])
                    try CurrentSoftware.adopt(
                        db, importID: importID, format: format,
                        observed: (header.observed ?? header.started).timeIntervalSince1970, listed: listed)
                    let row = try Row.fetchOne(db, sql: "SELECT * FROM imports WHERE id = ?", arguments: [importID])
                    try db.execute(sql: "COMMIT")
                    return SQLiteEstateStore.importSummary(row: row!)
                } catch {
                    try? db.execute(sql: "ROLLBACK")
                    throw error
                }
            }
        }
        return .imported(summary)
    }

    func cancel() async {
        guard !closed else { return }
        closed = true
        guard existing == nil else { return }
        try? await store.queue.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
    }
}
