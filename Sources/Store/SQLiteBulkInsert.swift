import GRDB
import GRDBSQLite

/// Runs a query straight through SQLite's C API and hands each row's first column as UTF-8 bytes (valid only
/// during the call) with the raw statement for the other columns: reading every known file of a scan root
/// this way makes no GRDB Row and no String per row.
func forEachRow(
    _ db: Database, operation: String, sql: String, arguments: StatementArguments,
    _ body: (_ key: UnsafeBufferPointer<UInt8>, _ row: OpaquePointer) throws -> Void
) throws {
    let statement = try db.makeStatement(sql: sql)
    try statement.setArguments(arguments)
    let sqlite = statement.sqliteStatement
    defer { sqlite3_reset(sqlite) }
    while true {
        let code = sqlite3_step(sqlite)
        if code == SQLITE_DONE { return }
        guard code == SQLITE_ROW else {
            throw StoreError.database(operation: operation, failure: DatabaseFailure(connection: db, sql: sql))
        }
        guard let text = sqlite3_column_text(sqlite, 0) else { continue }
        try body(UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(sqlite, 0))), sqlite)
    }
}
