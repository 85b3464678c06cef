import GRDB

/// A first scan into a store that holds no document yet stages its rows in a table made exactly as `documents`
/// is (the same definition and unique key, under the stage's name); its finish then drops the empty `documents`
/// and renames the stage in its place, in the same finishing transaction, instead of copying every row again.
///
/// A keyed stage wrote each row twice at SQLite's per-row cost (staged, then copied into `documents` with its
/// unique key and secondary indexes); here the rows are written once, into a table without any index, and every
/// index, the unique key too (an index of its own since schema step 10), is built once, at the finish, by sorting. Until the finish the stage is a table of its own like any stage: figures never see it,
/// and a killed scan's stage is taken over as a keyed one is.
///
/// Columns of their own in a stage: `first_scan` holds the id the scan's row in `scans` is expected to get
/// (``expectedScan(_:)``), so that rows need not be rewritten when it does; `last_scan` 0 marks a row of a
/// taken-over stage not confirmed yet (the keyed stage's `confirmed = 0`), else the expected id.
enum SQLiteWrittenOnceStage {
    /// Creates the stage `stage` with `documents`' definition when `documents` is empty; false (nothing made)
    /// otherwise.
    static func createIfStoreEmpty(_ db: Database, stage: String) throws -> Bool {
        guard try !hasDocuments(db), let definition = try documentsDefinition(db) else { return false }
        try db.execute(sql: "CREATE TABLE \(stage) \(definition)")
        return true
    }

    /// Whether `stage` was made by ``createIfStoreEmpty(_:stage:)`` (it has `documents`' own columns).
    static func isWrittenOnce(_ db: Database, stage: String) throws -> Bool {
        try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('\(stage)')").contains("first_scan")
    }

    /// The id SQLite gives the next row of `scans` (`AUTOINCREMENT`: above every id it ever gave).
    static func expectedScan(_ db: Database) throws -> Int64 {
        let given = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'scans'") ?? 0
        let stored = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM scans") ?? 0
        return max(given, stored) + 1
    }

    /// Makes the stage `documents` when that is still empty and still defined as the stage is (a later schema
    /// step may have changed it since a killed scan made the stage): every row then gets `scan` as its first and
    /// last scan, and `documents`' indexes are built again as they were defined, its unique key first. Returns the
    /// rows `documents` then holds, or nil (nothing changed) when the rows must be copied instead.
    ///
    /// The stage has no unique key while rows go in (``SQLiteStageKey``; a taken-over one has its own, see
    /// ``ScanProgress/makeKeyed(_:)``), so a file staged twice has two rows until here, where the row staged last is
    /// kept.
    static func renameToDocuments(_ db: Database, stage: String, scan: Int64, expectedScan: Int64?) throws -> Int? {
        guard try !hasDocuments(db), let definition = try documentsDefinition(db),
            try tableDefinition(db, stage) == definition
        else { return nil }
        let indexes = try DocumentsIndex.all(db)
        // A taken-over stage's own key would follow it under the stage's name: `documents` gets its own.
        try db.execute(sql: "DROP INDEX IF EXISTS \(SQLiteStageKey.name(ofStage: stage))")
        try db.execute(sql: "DROP TABLE documents")
        try db.execute(sql: "ALTER TABLE \(stage) RENAME TO documents")
        // Rows staged under another expected id (a scan of another root finished first, or a taken-over stage).
        if scan != expectedScan {
            try db.execute(
                sql: "UPDATE documents SET first_scan = ?1, last_scan = ?1 WHERE first_scan != ?1 OR last_scan != ?1",
                arguments: [scan])
        }
        try SQLitePageCache.withSortingBudget(db) {
            for index in indexes where index.isUnique {
                try SQLiteStageKey.build(db, sql: index.definition, table: "documents", columns: documentKey)
            }
            for index in indexes where !index.isUnique { try db.execute(sql: index.definition) }
        }
        // Counted through the unique key just built, much smaller than the table.
        return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM documents") ?? 0
    }

    /// `documents`' unique key, which the stage has the columns of.
    static let documentKey = ["organisation", "path_key"]

    private static func hasDocuments(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM documents)") ?? false
    }

    private static func documentsDefinition(_ db: Database) throws -> String? {
        try tableDefinition(db, "documents")
    }

    /// A table's definition from its opening parenthesis on (what follows `CREATE TABLE name`).
    private static func tableDefinition(_ db: Database, _ table: String) throws -> String? {
        guard
            let sql = try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table]),
            let open = sql.firstIndex(of: "(")
        else { return nil }
        return String(sql[open...])
    }
}
