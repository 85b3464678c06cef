import PostgresNIO
import Store

extension DatabaseFailure {
    /// What the server (or the connection) said: SQLSTATE, message and detail, and the statement.
    static func from(_ error: any Error) -> DatabaseFailure {
        guard let error = error as? PSQLError else {
            return DatabaseFailure(code: nil, message: String(reflecting: error))
        }
        guard let server = error.serverInfo else {
            // No server answer: the connection failed (closed, refused, timed out).
            return DatabaseFailure(
                code: "\(error.code)", message: error.underlying.map { String(describing: $0) } ?? "\(error.code)",
                sql: error.query?.sql, underlying: error)
        }
        var message = server[.message] ?? "\(error.code)"
        if let detail = server[.detail] { message += " (\(detail))" }
        return DatabaseFailure(code: server[.sqlState], message: message, sql: error.query?.sql, underlying: error)
    }
}
