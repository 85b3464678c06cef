public import Foundation
import GRDB
import GRDBSQLite
import OverblikModel

/// A scan staged in a table of the store (`scan_stage_<id>`, listed in `scan_progress`), committed batch by
/// batch; ``finish(finished:)`` merges it into `documents` in one write transaction, so figures never see half a
/// scan and a long scan never holds the store's write lock.
///
/// Memory stays flat with the number of files: the stage is on disk, and the finish works from it with SQL
/// (nothing per file is kept in memory but the file index's bit per known file). A scan killed before its
/// finish leaves its stage; the next scan of the same root takes it over (``ScanOwner``), finds its files in
/// the file index, and reads only what the stage does not hold yet.
actor SQLiteScanSession: IndexBasedSession {
    let store: SQLiteEstateStore
    let header: ScanHeader
    let root: String
    let rootKey: String
    private var progress = ScanProgress(id: 0, adopted: false, writtenOnce: false)
    private var closed = false
    /// The files skipped as unchanged: the index's bits (and digests marked one by one).
    private var unchangedKeys = UnchangedKeys()
    private var basis: FileIndex.Basis?
    /// The folders above the files read, stored with each batch so later scans of any folder can find them.
    private var folders = FolderChain()
    private var topFolders = TopFolders()
    /// What this session staged, grouped: a first scan's finish stores it as the root's tallies.
    private var tallies = StagedTallies()
    /// The stamps this session staged, for a first scan's snapshot; nil once they cannot stand for the root's rows
    /// (a stage taken over, a row outside the root's folders, a key that is not a digest, a spill that failed).
    private var stagedStamps: StampRuns?

    private var stage: String { progress.stage }

    func indexBasis(_ basis: FileIndex.Basis) {
        self.basis = basis
    }

    init(store: SQLiteEstateStore, header: ScanHeader) {
        self.store = store
        self.header = header
        self.root = normalisedRoot(header.root)
        self.rootKey = store.pseudonymiser.rootKey(normalisedRoot(header.root))
        self.stagedStamps = StampRuns(directory: StampRuns.directory(forStoreAt: store.location))
    }

    /// Continues the stage a killed scan of this root left (the one this store's file index took over, else one
    /// found abandoned now), or opens a new one.
    func create() async throws {
        let organisation = header.organisation ?? 0
        let rootKey = self.rootKey
        let started = header.started
        let owner = ScanOwner.current(pseudonymiser: store.pseudonymiser)
        let claimed = store.claimedStages.take(organisation: organisation, rootKey: rootKey)
        progress = try await SQLiteEstateStore.run("begin scan") {
            try await store.queue.write { db in
                try ScanProgress.open(
                    db, organisation: organisation, rootKey: rootKey, started: started, owner: owner, claimed: claimed)
            }
        }
        // Rows staged before this session are not in its runs.
        if progress.adopted { stagedStamps = nil }
    }

    func add(_ records: [DocumentRecord]) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        if records.isEmpty { return }
        let rows = records.map {
            DocumentRow(
                record: $0, pseudonymiser: store.pseudonymiser, includePaths: header.includePaths,
                folderKey: folders.add(folderOf: $0.path, pseudonymiser: store.pseudonymiser),
                topFolder: topFolders.topFolder(path: $0.path, root: root))
        }
        let prefix = root == "/" ? "/" : root + "/"
        // By index: iterating `zip(records, rows)` copied each record and row (a retain and release per text).
        for index in rows.indices {
            // A row counts only if its folder chain leads to the root's folder, where the tallies in SQL find it.
            let belowRoot = rows[index].folderKey != nil && records[index].path.hasPathPrefix(prefix)
            tallies.add(rows[index], belowRoot: belowRoot)
            // The root's snapshot holds only rows below the root: one outside it means its rows are read back.
            if !belowRoot {
                stagedStamps = nil
            } else if stagedStamps?.add(
                key: rows[index].pathKey, size: rows[index].size, modified: rows[index].modified) == false
            {
                stagedStamps = nil
            }
        }
        let links = folders.take()
        let organisation = header.organisation ?? 0
        let stage = self.stage
        let writtenOnce = progress.expectedScan.map {
            SQLiteStagedRows.WrittenOnce(organisation: organisation, rootKey: rootKey, expectedScan: $0)
        }
        try await SQLiteEstateStore.run("stage scan records") {
            try await store.queue.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try SQLiteStagedRows.insert(rows, into: stage, writtenOnce: writtenOnce, db)
                    // Folders go in as their files are staged: a folder with no document counts nowhere, and a
                    // taken-over stage then finds its folders stored.
                    try Self.storeFolders(db, organisation: organisation, links: links)
                    return .commit
                }
            }
        }
        await FaultInjection.passing("scan-batch")
    }

    private static func storeFolders(_ db: Database, organisation: Int, links: [FolderChain.Link]) throws {
        guard !links.isEmpty else { return }
        let link = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO folders (organisation, folder_key, parent_key) VALUES (?, ?, ?)")
        for folder in links { try link.execute(arguments: [organisation, folder.key, folder.parent]) }
    }

    func markUnchanged(paths: [String]) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        if paths.isEmpty { return }
        let pseudonymiser = store.pseudonymiser
        for path in paths { unchangedKeys.keys.insert(pseudonymiser.pathDigest(path)) }
    }

    func markUnchanged(digests: Set<PathDigest>) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        unchangedKeys.keys.formUnion(digests)
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
        await FaultInjection.passing("scan-finish")
        let context = FinishContext(
            header: header, root: root, rootKey: rootKey, rootFolder: store.pseudonymiser.pathKey(root),
            progress: progress, unchanged: unchangedKeys, basis: basis, stagedTallies: progress.adopted ? nil : tallies,
            stagedStamps: progress.adopted ? nil : stagedStamps?.sorted())
        stagedStamps = nil
        // The staged batches are copied out of the WAL while the finish works (a store in memory has none).
        let checkpoint = store.location == ":memory:" ? nil : SQLiteBackgroundCheckpoint(path: store.location)
        let summary: Result<ScanSummary, any Error>
        do {
            summary = .success(
                try await SQLiteEstateStore.run("finish scan") {
                    try await store.queue.write { db -> ScanSummary in try context.apply(db, finished: finished) }
                })
        } catch {
            summary = .failure(error)
        }
        await checkpoint?.wait()
        return try summary.get()
    }

    func cancel() async {
        guard !closed else { return }
        closed = true
        stagedStamps = nil
        let progress = self.progress
        try? await store.queue.write { db in try progress.drop(db) }
    }
}

/// One unfinished scan's row in `scan_progress` and its stage table.
struct ScanProgress: Sendable {
    let id: Int64
    /// Taken over from a scan that was killed: its staged rows wait for this scan to confirm them.
    let adopted: Bool
    /// The stage has `documents`' own definition (``SQLiteWrittenOnceStage``), else it is keyed by path key.
    let writtenOnce: Bool
    /// For a written-once stage, the id this scan's row in `scans` is expected to get (its rows' `first_scan`).
    var expectedScan: Int64? = nil

    var stage: String { Self.stage(id: id) }

    /// The stage table of the unfinished scan `id`.
    static func stage(id: Int64) -> String { "scan_stage_\(id)" }

    /// Gives the stage its unique key (``SQLiteStageKey``: none while its rows go in), `documents`' own for a
    /// written-once stage, else the path key: when a scan takes it over (which replaces rows it reads again and
    /// deletes rows by key), and at its finish before its rows are counted and copied.
    func makeKeyed(_ db: Database) throws {
        try SQLiteStageKey.ensure(
            db, stage: stage, columns: writtenOnce ? SQLiteWrittenOnceStage.documentKey : ["path_key"])
    }

    /// The stage a killed scan of this root left (its owner gone), if any.
    static func abandoned(
        _ db: Database, organisation: Int, rootKey: String, me: ScanOwner
    ) throws -> Int64? {
        let rows = try Row.fetchAll(
            db, sql: "SELECT id, owner FROM scan_progress WHERE organisation = ? AND root_key = ? ORDER BY id DESC",
            arguments: [organisation, rootKey])
        return rows.first { ScanOwner.isGone($0["owner"] as String?, comparedWith: me) }.map { $0["id"] }
    }

    /// Continues the stage this process took over (`claimed`, still held by it) or an abandoned stage of the root
    /// (its rows unconfirmed until this scan finds them unchanged or reads them again), or creates a new one.
    static func open(
        _ db: Database, organisation: Int, rootKey: String, started: Date, owner: ScanOwner, claimed: Int64? = nil
    ) throws -> ScanProgress {
        let held = try claimed.flatMap { id in
            try String.fetchOne(db, sql: "SELECT owner FROM scan_progress WHERE id = ?", arguments: [id])
                == owner.text ? id : nil
        }
        if let id = try held ?? abandoned(db, organisation: organisation, rootKey: rootKey, me: owner) {
            try db.execute(sql: "UPDATE scan_progress SET owner = ? WHERE id = ?", arguments: [owner.text, id])
            let writtenOnce = try SQLiteWrittenOnceStage.isWrittenOnce(db, stage: stage(id: id))
            let progress = ScanProgress(
                id: id, adopted: true, writtenOnce: writtenOnce,
                expectedScan: writtenOnce ? try SQLiteWrittenOnceStage.expectedScan(db) : nil)
            try progress.makeKeyed(db)
            try db.execute(sql: "UPDATE \(progress.stage) SET \(writtenOnce ? "last_scan" : "confirmed") = 0")
            // A stage left by a build before schema step 7 has no conformance column.
            let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('\(progress.stage)')")
            if !columns.contains("conformance") {
                try db.execute(sql: "ALTER TABLE \(progress.stage) ADD COLUMN conformance TEXT")
            }
            return progress
        }
        try db.execute(
            sql: "INSERT INTO scan_progress (organisation, root_key, started, owner) VALUES (?, ?, ?, ?)",
            arguments: [organisation, rootKey, started.timeIntervalSince1970, owner.text])
        let id = db.lastInsertedRowID
        // A store without documents (a first scan into a new store): the rows are written once, into a table
        // the finish makes `documents`.
        if try SQLiteWrittenOnceStage.createIfStoreEmpty(db, stage: stage(id: id)) {
            return ScanProgress(
                id: id, adopted: false, writtenOnce: true, expectedScan: try SQLiteWrittenOnceStage.expectedScan(db))
        }
        let progress = ScanProgress(id: id, adopted: false, writtenOnce: false)
        try db.execute(
            sql: """
                CREATE TABLE \(progress.stage) (
                    path_key TEXT NOT NULL, folder_key TEXT, path TEXT, top_folder TEXT,
                    family TEXT NOT NULL, container TEXT NOT NULL, format TEXT NOT NULL, mimetype TEXT,
                    odf_version TEXT, generator TEXT, application TEXT, app_version TEXT, suite TEXT,
                    suite_version TEXT, suite_version_line TEXT, encrypted INTEGER NOT NULL, year INTEGER,
                    error TEXT, warnings INTEGER NOT NULL, size INTEGER NOT NULL, modified REAL NOT NULL,
                    features TEXT, confirmed INTEGER NOT NULL, conformance TEXT)
                """)
        return progress
    }

    /// The stamps a taken-over stage holds, for the file index: its files need not be read again, except those
    /// `readingAgain` names (`readAgain`, by digest).
    static func stamps(
        _ db: Database, id: Int64, readingAgain: ReadAgain = .none
    ) throws -> (entries: [StampTable.Entry], readAgain: [PathDigest]) {
        let readsAgain = readingAgain.rowCondition.map { "(\($0))" } ?? "0"
        var entries: [StampTable.Entry] = []
        var readAgain: [PathDigest] = []
        try forEachRow(
            db, operation: "abandoned scan",
            sql: "SELECT path_key, size, modified, \(readsAgain) FROM scan_stage_\(id)", arguments: []
        ) { key, row in
            guard let entry = StampTable.Entry(key: key, row: row) else { return }
            entries.append(entry)
            if sqlite3_column_int(row, 3) != 0 { readAgain.append(entry.digest) }
        }
        return (entries, readAgain)
    }

    func drop(_ db: Database) throws {
        try db.execute(sql: "DROP TABLE IF EXISTS \(stage)")
        try db.execute(sql: "DELETE FROM scan_progress WHERE id = ?", arguments: [id])
    }
}

/// What a scan's finish works from; ``apply(_:finished:)`` is the finishing transaction.
private struct FinishContext: Sendable {
    let header: ScanHeader
    let root: String
    let rootKey: String
    let rootFolder: String
    let progress: ScanProgress
    let unchanged: UnchangedKeys
    let basis: FileIndex.Basis?
    /// What this session staged, grouped (nil for a stage taken over: rows staged before are not counted in it).
    let stagedTallies: StagedTallies?
    /// The stamps this session staged (nil for a stage taken over, or when they cannot stand for its rows).
    let stagedStamps: StampRuns.Sorted?

    var organisation: Int { header.organisation ?? 0 }
    var stage: String { progress.stage }

    func apply(_ db: Database, finished: Date) throws -> ScanSummary {
        // Whether the documents are as the index found them: no scan of this organisation finished since
        // (a scan of another root may have reached the same files).
        let lastScan = try SQLiteEstateStore.newestScan(db, organisation: organisation)
        let knownFromIndex = basis.flatMap { $0.lastScan == lastScan ? $0.documents : nil }
        if progress.adopted { try confirmAdoptedRows(db) }
        let scanID = try insertScan(db, finished: finished)
        // Known − seen, over every document stored below the root. Every unchanged key came from the
        // index of this root, so when the counts add up nothing is gone and the keys need not be read.
        let known =
            try knownFromIndex
            ?? DocumentScope.count(db, organisation: organisation, rootFolder: rootFolder, rootKey: rootKey)
        // A written-once stage becomes `documents` when the store still holds none (every staged file is then
        // new); otherwise its rows are copied below.
        let renamedRows =
            try progress.writtenOnce
            ? SQLiteWrittenOnceStage.renameToDocuments(
                db, stage: stage, scan: scanID, expectedScan: progress.adopted ? nil : progress.expectedScan) : nil
        // Staged rows copied (a keyed stage, or a written-once one after a scan of another root finished first):
        // one per file from here on. A renamed stage was made unique as `documents`.
        if renamedRows == nil { try progress.makeKeyed(db) }
        let stagedRows = renamedRows == nil ? stage : "documents"
        let staged = try renamedRows ?? Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(stage)") ?? 0
        let (new, sameRead) = try renamedRows.map { ($0, 0) } ?? stagedAgainstStored(db, staged: staged)
        // A file asked about and then read anyway counts from the stage, not as skipped.
        var skipped = unchanged.count - (unchanged.isEmpty ? 0 : try stagedAndUnchanged(db, in: stagedRows))
        var deleted = 0
        if known != staged - new + skipped {
            let partition = try partitionKnown(db, stagedIn: stagedRows)
            skipped = partition.skipped
            deleted = try delete(db, keys: partition.gone)
        }
        if renamedRows == nil {
            try SQLiteStageMerge.merge(
                db, stage: stage, organisation: organisation, rootKey: rootKey, scan: scanID,
                rebuildingIndexes: SQLiteStageMerge.rebuildsIndexes(db, staged: staged))
        }
        try FileIndexSnapshot.update(
            db, organisation: organisation, rootKey: rootKey, rootFolder: rootFolder, previousScan: lastScan,
            scan: scanID, documentsChanged: staged > 0 || deleted > 0,
            // Nothing was stored below the root: its rows are now the staged ones, each digest's last stamp.
            staged: known == 0 ? stagedStamps.map { ($0, staged) } : nil)
        if known == 0, let tallies = stagedTallies, tallies.rows == staged, let grouped = tallies.tallies {
            // Nothing was stored below the root: what it holds now is what was staged, grouped as counted.
            try db.execute(
                sql: "INSERT OR REPLACE INTO document_tally_snapshots VALUES (?, ?, ?, ?)",
                arguments: [organisation, rootKey, scanID, try DocumentTally.snapshotText(grouped)])
        }
        let changed = staged - new - sameRead
        let unchangedCount = sameRead + skipped
        try db.execute(
            sql: """
                UPDATE scans SET new_count = ?, changed_count = ?, unchanged_count = ?, deleted_count = ?
                WHERE id = ?
                """, arguments: [new, changed, unchangedCount, deleted, scanID])
        try progress.drop(db)
        return ScanSummary(
            id: scanID, organisation: header.organisation, root: header.includePaths ? root : rootKey,
            started: header.started, finished: finished, toolVersion: header.tool.version, catalog: header.catalog,
            new: new, changed: changed, unchanged: unchangedCount, deleted: deleted)
    }

    /// A taken-over stage's rows count only where this scan found the file as staged (unchanged in the index,
    /// which held the stage's stamps) or read it again; the others' files are gone or changed.
    private func confirmAdoptedRows(_ db: Database) throws {
        var gone: [String] = []
        let unconfirmed = progress.writtenOnce ? "last_scan = 0" : "confirmed = 0"
        try forEachRow(
            db, operation: "confirm staged rows", sql: "SELECT path_key FROM \(stage) WHERE \(unconfirmed)",
            arguments: []
        ) { key, _ in
            if let digest = PathDigest(keyBytes: key), unchanged.contains(digest) { return }
            gone.append(String(decoding: key, as: UTF8.self))
        }
        // A written-once stage's unique key is `documents`' own: organisation, then path key.
        let delete = try db.cachedStatement(
            sql: progress.writtenOnce
                ? "DELETE FROM \(stage) WHERE organisation = \(organisation) AND path_key = ?"
                : "DELETE FROM \(stage) WHERE path_key = ?")
        for key in gone { try delete.execute(arguments: [key]) }
    }

    private func insertScan(_ db: Database, finished: Date) throws -> Int64 {
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
        return db.lastInsertedRowID
    }

    /// Staged files not stored before (new), and staged files stored with the same size and time (read again,
    /// unchanged). A document is one file wherever it was reached from: matched by organisation and path key.
    private func stagedAgainstStored(_ db: Database, staged: Int) throws -> (new: Int, sameRead: Int) {
        // Nothing read (the unchanged rescan): no reason to touch the documents, whose pages the index, read
        // from its snapshot, left uncached.
        guard staged > 0 else { return (0, 0) }
        // No document of the organisation stored (its first scan): every staged file is new, without a lookup each.
        guard
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM documents WHERE organisation = ?)", arguments: [organisation])
                == true
        else { return (staged, 0) }
        let new =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM \(stage) s WHERE NOT EXISTS (
                        SELECT 1 FROM documents d WHERE d.organisation = ? AND d.path_key = s.path_key)
                    """, arguments: [organisation]) ?? 0
        // Every staged file new (a first scan): none was stored, so none was read again unchanged.
        if new == staged { return (new, 0) }
        // The stage drives the join (CROSS JOIN keeps SQLite's order): a few files read must not walk the root.
        let sameRead =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM \(stage) s CROSS JOIN documents d
                    ON d.organisation = ? AND d.path_key = s.path_key
                    WHERE d.size = s.size AND d.modified = s.modified
                    """, arguments: [organisation]) ?? 0
        return (new, sameRead)
    }

    /// Staged files the index also found unchanged (asked about, then read anyway, or taken over).
    private func stagedAndUnchanged(_ db: Database, in stagedRows: String) throws -> Int {
        var count = 0
        try forEachRow(db, operation: "staged keys", sql: "SELECT path_key FROM \(stagedRows)", arguments: []) {
            key, _ in
            if let digest = PathDigest(keyBytes: key), unchanged.contains(digest) { count += 1 }
        }
        return count
    }

    /// The staged row (in the stage, or in `documents` once a written-once stage became it) of the same file as
    /// `documents`' row, through the staged rows' unique key.
    private var stageKeyMatch: String {
        progress.writtenOnce
            ? "s.organisation = documents.organisation AND s.path_key = documents.path_key"
            : "s.path_key = documents.path_key"
    }

    /// Reads the keys of the documents below the root once: those skipped as unchanged are counted, those
    /// neither read nor skipped are gone since the last scan.
    private func partitionKnown(_ db: Database, stagedIn stagedRows: String) throws -> (skipped: Int, gone: [String]) {
        var skipped = 0
        var gone: [String] = []
        try DocumentScope.forEachKey(
            db, organisation: organisation, rootFolder: rootFolder, rootKey: rootKey,
            columns: "path_key, EXISTS (SELECT 1 FROM \(stagedRows) s WHERE \(stageKeyMatch))"
        ) { key, row in
            // A file read this time (staged) counts as new, changed or unchanged from the stage.
            if sqlite3_column_int(row, 1) != 0 { return }
            if let digest = PathDigest(keyBytes: key), unchanged.contains(digest) {
                skipped += 1
            } else {
                gone.append(String(decoding: key, as: UTF8.self))
            }
        }
        return (skipped, gone)
    }

    private func delete(_ db: Database, keys: [String]) throws -> Int {
        var deleted = 0
        let delete = try db.cachedStatement(sql: "DELETE FROM documents WHERE organisation = ? AND path_key = ?")
        for key in keys {
            try delete.execute(arguments: [organisation, key])
            deleted += db.changesCount
        }
        return deleted
    }
}

/// The files a scan skipped as unchanged: the index's bits (a rescan) and any digests marked one by one.
struct UnchangedKeys: Sendable {
    var keys: Set<PathDigest> = []
    var seen: SeenUnchanged?

    var isEmpty: Bool { keys.isEmpty && (seen?.count ?? 0) == 0 }

    func contains(_ digest: PathDigest) -> Bool {
        keys.contains(digest) || seen?.contains(digest) == true
    }

    /// How many distinct files.
    var count: Int {
        (seen?.count ?? 0) + keys.count { seen?.contains($0) != true }
    }
}

/// A scan that has not finished: running, or killed and waiting for the next scan of its root to take it over.
public struct UnfinishedScan: Sendable, Hashable {
    public var organisation: Int
    /// The root's keyed hash (as `scans.root_key`).
    public var rootKey: String
    public var started: Date
    /// Documents staged so far.
    public var staged: Int

    package init(organisation: Int, rootKey: String, started: Date, staged: Int) {
        self.organisation = organisation
        self.rootKey = rootKey
        self.started = started
        self.staged = staged
    }
}

extension SQLiteEstateStore {
    /// The scans whose stage is in the store, oldest first.
    public func unfinishedScans() async throws -> [UnfinishedScan] {
        try await Self.run("unfinished scans") {
            try await queue.read { db in
                try Row.fetchAll(db, sql: "SELECT id, organisation, root_key, started FROM scan_progress ORDER BY id")
                    .map { row in
                        let id: Int64 = row["id"]
                        let staged =
                            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(ScanProgress.stage(id: id))") ?? 0
                        return UnfinishedScan(
                            organisation: row["organisation"], rootKey: row["root_key"],
                            started: Date(timeIntervalSince1970: row["started"]), staged: staged)
                    }
            }
        }
    }
}
