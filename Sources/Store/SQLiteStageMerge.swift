import GRDB

/// Moves a keyed stage's rows into `documents` (``DocumentUpsert``) when they cannot simply become it (the store
/// already holds documents): in key order, and, for a stage large beside what is stored, with `documents`'
/// secondary indexes built again afterwards rather than kept up to date row by row.
///
/// The stage's rows come in the order their files were read, and the keys are keyed hashes: copied as they come,
/// each row went to a random page of every index on `documents`, and once those outgrew the page cache each
/// insert read and wrote pages of its own. A first scan of 933,332 files into a store holding 100,000 spent 7.3 s
/// in the copy and 1.8 s dropping the stage (sqlite3, the same stage and store: copy 14.2 → 3.3 s with the
/// folder index built again in 1.4 s, stage dropped in 0.4 s).
enum SQLiteStageMerge {
    /// Copies `stage` into `documents` as scan `scan` of `organisation` under `rootKey`; `rebuildingIndexes`:
    /// whether the secondary indexes are dropped first and built again after (``rebuildsIndexes(_:staged:)``).
    static func merge(
        _ db: Database, stage: String, organisation: Int, rootKey: String, scan: Int64, rebuildingIndexes: Bool
    ) throws {
        let rebuilt = rebuildingIndexes ? try dropSecondaryIndexes(db) : []
        // The sort and the index builds within the finish's budget: the copy itself appends to the table and,
        // in key order, to the unique key, so it needs few pages cached.
        try SQLitePageCache.withSortingBudget(db) {
            try db.execute(
                sql: DocumentUpsert.sql(from: stage, organisation: "?", rootKey: "?", scan: "?", order: keyOrder),
                arguments: [organisation, rootKey, scan, scan])
            for index in rebuilt { try db.execute(sql: index) }
        }
    }

    /// The stage's rows sorted by key. The `+` keeps SQLite from walking the stage's key index instead, which
    /// would look up each row in a stage far bigger than the page cache, one page read a row.
    static let keyOrder = "+path_key"

    /// Whether building `documents`' secondary indexes again costs less than keeping them up to date for every
    /// staged row: when the stage holds a quarter or more of what is stored. `MAX(id)` bounds the stored rows
    /// (ids are never given twice) without counting them.
    static func rebuildsIndexes(_ db: Database, staged: Int) throws -> Bool {
        guard staged > 0 else { return false }
        let stored = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM documents") ?? 0
        return staged * 4 >= stored
    }

    /// Drops every index on `documents` but its unique keys (which the copy's `ON CONFLICT` needs) and returns
    /// their definitions, to be made again as they were.
    static func dropSecondaryIndexes(_ db: Database) throws -> [String] {
        let secondary = try DocumentsIndex.all(db).filter { !$0.isUnique }
        for index in secondary { try db.execute(sql: "DROP INDEX \(index.name.quotedDatabaseIdentifier)") }
        return secondary.map(\.definition)
    }
}

/// An index on `documents` as SQLite keeps it: the finish drops and builds them again from these definitions, so
/// that they are made exactly as the schema step that defined them made them.
struct DocumentsIndex {
    var name: String
    /// Its `CREATE INDEX` statement.
    var definition: String

    var isUnique: Bool { definition.hasPrefix("CREATE UNIQUE INDEX") }

    /// `documents`' indexes in the order made, SQLite's own (behind a constraint, without a statement) left out.
    static func all(_ db: Database) throws -> [DocumentsIndex] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT name, sql FROM sqlite_master
                WHERE type = 'index' AND tbl_name = 'documents' AND sql IS NOT NULL ORDER BY rowid
                """
        ).map { DocumentsIndex(name: $0["name"], definition: $0["sql"]) }
    }
}
