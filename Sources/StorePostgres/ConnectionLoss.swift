import Foundation
import Logging
import PostgresNIO
import Store

// A server that restarts, stops or drops the network under a running command must give an error or a retry,
// never a wait without end. PostgresNIO 1.33 answers a statement on a connection whose channel has already
// closed with nothing at all (`PostgresConnection.query` writes into the closed channel without a promise, and
// the query's own promise is never completed), so each use of a connection checks that it is still open first.
// A statement in flight when the connection drops fails with an error from PostgresNIO itself.

extension PostgresConnection {
    /// Throws the store's "connection lost" error when the connection has closed under us.
    func ensureOpen(_ operation: String) throws {
        if isClosed { throw PostgresEstateStore.connectionLost(operation) }
    }
}

extension PostgresConnection {
    /// Runs `body` in one transaction. Unlike PostgresNIO's `withTransaction`, it does not send ROLLBACK on a
    /// connection the server has dropped: that statement would never be answered, and the server has already
    /// rolled the transaction back.
    func transaction<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try ensureOpen("begin a transaction")
        try await query("BEGIN", logger: PostgresEstateStore.logger)
        do {
            let value = try await body(self)
            try ensureOpen("commit a transaction")
            try await query("COMMIT", logger: PostgresEstateStore.logger)
            return value
        } catch {
            await rollBackUnlessClosed()
            throw error
        }
    }

    /// ROLLBACK when the connection is still open (a failed statement); nothing when it closed.
    func rollBackUnlessClosed() async {
        guard !isClosed else { return }
        _ = try? await query("ROLLBACK", logger: PostgresEstateStore.logger)
    }
}

extension PostgresEstateStore {
    /// The error for work that found its connection gone.
    static func connectionLost(_ operation: String) -> StoreError {
        StoreError.database(
            operation: operation,
            failure: DatabaseFailure(
                code: "connection-lost",
                message: "the connection to the PostgreSQL server was lost (the server restarted or stopped, or "
                    + "the network dropped); nothing of this step was committed"))
    }

    /// Whether `error` says the connection is gone rather than that the statement failed: our own check, the
    /// connection closed or failed, or the server's SQLSTATE class 08 (connection exception) or 57P01–57P03
    /// (shutting down, crashed, not accepting connections yet).
    static func isConnectionLost(_ error: any Error) -> Bool {
        if case .database(_, let failure) = error as? StoreError {
            if failure.code == "connection-lost" { return true }
            if let underlying = failure.underlying { return isConnectionLost(underlying) }
            return false
        }
        if let error = error as? PostgresTransactionError {
            return [error.beginError, error.closureError, error.commitError].contains {
                $0.map(isConnectionLost) ?? false
            }
        }
        guard let error = error as? PSQLError else { return false }
        if [.serverClosedConnection, .connectionError, .uncleanShutdown].contains(error.code) { return true }
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
    }

    /// Connects again, retrying with growing waits (0.25 s doubling to 4 s) until `patience` runs out; then the
    /// error says both what was lost and why the server could not be reached again.
    static func reconnect(_ settings: ConnectionSettings, patience: TimeInterval) async throws -> PostgresConnection {
        let deadline = Date().addingTimeInterval(patience)
        var wait: UInt64 = 250_000_000
        while true {
            do {
                return try await connect(settings)
            } catch {
                guard Date().addingTimeInterval(Double(wait) / 1e9) < deadline else {
                    throw StoreError.database(
                        operation: "connect again after the connection was lost",
                        failure: DatabaseFailure(
                            code: "connection-lost",
                            message: "the server was not reachable again within \(Int(patience)) s: \(error)"))
                }
                try await Task.sleep(nanoseconds: wait)
                wait = min(wait * 2, 4_000_000_000)
            }
        }
    }

    /// Serialises use of the store's own connection, and replaces it when the server dropped it.
    actor ConnectionBox {
        private var connection: PostgresConnection
        let settings: ConnectionSettings

        init(_ connection: PostgresConnection, settings: ConnectionSettings) {
            self.connection = connection
            self.settings = settings
        }

        /// Runs `body` on the connection; a connection found closed gives the "connection lost" error.
        func run<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
            try connection.ensureOpen("use the store's connection")
            return try await body(connection)
        }

        /// For a body that is one transaction, so that running it again after the server lost it is safe: when
        /// the connection is gone before or during the body, connects again — waiting up to `patience` seconds
        /// for the server to come back — and runs the body once more. A compile of a hundred submissions then
        /// survives a server restart instead of failing on every file after it.
        func runReconnecting<T: Sendable>(
            patience: TimeInterval = 60, _ body: (PostgresConnection) async throws -> T
        ) async throws -> T {
            do {
                try connection.ensureOpen("use the store's connection")
                return try await body(connection)
            } catch  where PostgresEstateStore.isConnectionLost(error) {
                try? await connection.close()
                connection = try await PostgresEstateStore.reconnect(settings, patience: patience)
                return try await body(connection)
            }
        }

        /// Closes the connection unless the server already did.
        func close() async throws {
            guard !connection.isClosed else { return }
            try await connection.close()
        }
    }
}
