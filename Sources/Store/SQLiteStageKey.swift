import GRDB

/// A stage's unique key, built when the stage needs it instead of kept up to date while its rows go in.
///
/// Kept up to date, a key over keyed hashes took each row to a random page of the index, and each batch's commit
/// wrote most of those pages into the WAL again (at 100,000 files, three quarters of a first scan's WAL was its
/// key's pages). A stage now takes its rows in the order they are read and has no index until its finish, or until a
/// scan takes it over (which replaces and deletes rows by key); then the key is built once, by sorting. Until then a
/// file read twice has two rows: the one staged last (highest rowid) is the one a key would have kept.
enum SQLiteStageKey {
    /// The name of a stage's own unique key.
    static func name(ofStage stage: String) -> String { "\(stage)_key" }

    /// Gives `stage` its unique key on `columns`, unless a unique index on exactly those columns exists (a stage
    /// made with its key in its definition, by an earlier build, or already keyed).
    static func ensure(_ db: Database, stage: String, columns: [String]) throws {
        if try db.indexes(on: stage).contains(where: { $0.isUnique && $0.columns == columns }) { return }
        let sql = "CREATE UNIQUE INDEX \(name(ofStage: stage)) ON \(stage) (\(columns.joined(separator: ", ")))"
        try SQLitePageCache.withSortingBudget(db) { try build(db, sql: sql, table: stage, columns: columns) }
    }

    /// Runs `sql`, a `CREATE UNIQUE INDEX` on `table` over `columns`; when rows share a key, deletes every one of
    /// them but the row staged last and runs it again.
    static func build(_ db: Database, sql: String, table: String, columns: [String]) throws {
        do {
            try db.execute(sql: sql)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            let key = columns.joined(separator: ", ")
            try db.execute(
                sql: "DELETE FROM \(table) WHERE rowid NOT IN (SELECT MAX(rowid) FROM \(table) GROUP BY \(key))")
            try db.execute(sql: sql)
        }
    }
}
