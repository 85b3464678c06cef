import GRDB
import GRDBSQLite

/// Binds and steps one prepared INSERT directly through SQLite's C API: the bulk path for imports, where
/// building GRDB argument arrays for every one of a million rows would cost more than the insert itself.
struct SQLiteBulkInsert {
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    let statement: Statement
    let db: Database
    private var column: Int32 = 0

    init(db: Database, sql: String) throws {
        self.db = db
        self.statement = try db.cachedStatement(sql: sql)
    }

    mutating func text(_ value: String?) {
        column += 1
        guard let value else {
            sqlite3_bind_null(statement.sqliteStatement, column)
            return
        }
        sqlite3_bind_text(statement.sqliteStatement, column, value, -1, Self.transient)
    }

    mutating func integer(_ value: Int?) {
        column += 1
        guard let value else {
            sqlite3_bind_null(statement.sqliteStatement, column)
            return
        }
        sqlite3_bind_int64(statement.sqliteStatement, column, Int64(value))
    }

    mutating func real(_ value: Double?) {
        column += 1
        guard let value else {
            sqlite3_bind_null(statement.sqliteStatement, column)
            return
        }
        sqlite3_bind_double(statement.sqliteStatement, column, value)
    }

    /// Inserts the bound row and resets for the next one.
    mutating func step() throws {
        column = 0
        let sqlite = statement.sqliteStatement
        let code = sqlite3_step(sqlite)
        sqlite3_reset(sqlite)
        sqlite3_clear_bindings(sqlite)
        guard code == SQLITE_DONE else {
            throw StoreError.database(
                operation: "bulk insert", reason: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }
}

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
            throw StoreError.database(
                operation: operation, reason: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        guard let text = sqlite3_column_text(sqlite, 0) else { continue }
        try body(UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(sqlite, 0))), sqlite)
    }
}
