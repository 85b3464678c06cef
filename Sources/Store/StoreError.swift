public import Foundation

/// Errors from the estate store. Cases carry the evidence; `description` holds the message.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The database could not be opened or created.
    case cannotOpen(location: String, reason: String)
    /// The store was written by a newer Overblik (a migration this build does not know).
    case newerSchema(location: String, found: Int, known: Int)
    /// A database statement failed; `failure` keeps what the database said and the statement.
    case database(operation: String, failure: DatabaseFailure)
    /// A write session was used after it finished or was cancelled.
    case sessionClosed
    /// A PostgreSQL URL could not be understood.
    case badPostgresURL(String)

    public var description: String {
        switch self {
        case .cannotOpen(let location, let reason):
            return "Cannot open the estate store at \(location): \(reason)"
        case .newerSchema(let location, let found, let known):
            return "The store at \(location) has schema version \(found), newer than this Overblik knows (\(known)). "
                + "Upgrade Overblik."
        case .database(let operation, let failure):
            return "Store \(operation) failed: \(failure)"
        case .sessionClosed:
            return "The store write session was already finished or cancelled."
        case .badPostgresURL(let url):
            return "Not a usable PostgreSQL URL: \(url) (expected postgres://user[:password]@host[:port]/database)"
        }
    }

    public var errorDescription: String? { description }
}

/// What a failed statement said, kept whole rather than flattened into text: the database's own code and
/// message, the statement, and the original error for code that wants to look deeper.
///
/// Statement arguments are not kept: they may hold folder names or pseudonym keys.
public struct DatabaseFailure: Sendable, Hashable, CustomStringConvertible {
    /// SQLite's extended result code or PostgreSQL's SQLSTATE; nil when the failure did not come from a statement.
    public var code: String?
    public var message: String
    /// The SQL of the failed statement, when the database driver says.
    public var sql: String?
    /// The error as the driver threw it (not compared: two failures are equal when they say the same).
    public var underlying: (any Error & Sendable)?

    public init(code: String?, message: String, sql: String? = nil, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
        self.underlying = underlying
    }

    /// An error that is not a database's own (a value that did not decode, a file that vanished).
    public init(_ error: any Error & Sendable) {
        self.init(code: nil, message: String(describing: error), underlying: error)
    }

    public var description: String {
        var text = message
        if let code { text += " [\(code)]" }
        if let sql { text += " in `\(sql.split(whereSeparator: \.isWhitespace).joined(separator: " "))`" }
        return text
    }

    public static func == (lhs: DatabaseFailure, rhs: DatabaseFailure) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.sql == rhs.sql
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
        hasher.combine(sql)
    }
}
