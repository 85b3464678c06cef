import GRDB
import GRDBSQLite

extension DatabaseFailure {
    /// What GRDB said: SQLite's extended result code, its message and the statement (never its arguments).
    init(_ error: DatabaseError) {
        self.init(
            code: "SQLite \(error.extendedResultCode.rawValue)", message: error.message ?? "\(error.resultCode)",
            sql: error.sql)
    }

    /// What SQLite said after a call made directly through its C API.
    init(connection: Database, sql: String? = nil) {
        let handle = connection.sqliteConnection
        self.init(
            code: "SQLite \(sqlite3_extended_errcode(handle))", message: String(cString: sqlite3_errmsg(handle)),
            sql: sql)
    }

    /// Any error thrown inside a store operation, kept as precisely as its type allows.
    static func from(_ error: any Error) -> DatabaseFailure {
        if let error = error as? DatabaseError { return DatabaseFailure(error) }
        return DatabaseFailure(code: nil, message: String(describing: error))
    }
}
