import Foundation
import GRDB
@testable import Store
import TestSupport
import Testing

/// A new SQLite store is made from a snapshot of the schema (``StoreSchema/sqliteSnapshot``) instead of by running
/// every migration step. The oracle is the migrator itself: a database the steps made one after the other must
/// hold the same schema, object for object, and record the same steps as applied.
@Suite(.tags(.store)) struct SchemaSnapshotTests {
    static func steppedDatabase(path: String? = nil) throws -> DatabaseQueue {
        let queue = try path.map { try DatabaseQueue(path: $0) } ?? DatabaseQueue()
        try StoreSchema.sqliteMigrator().migrate(queue)
        return queue
    }

    @Test func theSnapshotIsWhatTheStepsLeave() throws {
        let stepped = try Self.steppedDatabase()
        let statements = try stepped.read { db in try StoreSchema.schemaStatements(db) }
        #expect(statements.count > 20)
        // `make schema-snapshot`: the file is written again; this build still holds the snapshot it was built with.
        if let target = ProcessInfo.processInfo.environment["OVERBLIK_WRITE_SCHEMA_SNAPSHOT"] {
            try Self.render(statements).write(toFile: target, atomically: true, encoding: .utf8)
            return
        }
        let rendered = try Fixtures.temporaryDirectory("schema-snapshot").appendingPathComponent("snapshot.swift")
        if statements != StoreSchema.sqliteSnapshot {
            try Self.render(statements).write(to: rendered, atomically: true, encoding: .utf8)
        }
        // What differs, not both whole schemas: the statements only one side has.
        let onlyStepped = statements.filter { !StoreSchema.sqliteSnapshot.contains($0) }
        let onlySnapshot = StoreSchema.sqliteSnapshot.filter { !statements.contains($0) }
        #expect(
            onlyStepped.isEmpty && onlySnapshot.isEmpty,
            "the steps make \(onlyStepped), the snapshot \(onlySnapshot): run `make schema-snapshot` (or copy \(rendered.path))"
        )
        #expect(statements == StoreSchema.sqliteSnapshot, "the same statements, in the order made")
    }

    @Test func aNewStoreHoldsTheSchemaTheStepsMakeAndRecordsEveryStep() async throws {
        let directory = try Fixtures.temporaryDirectory("schema-snapshot")
        let steppedPath = directory.appendingPathComponent("stepped.sqlite").path
        let stepped = try Self.steppedDatabase(path: steppedPath)
        let newPath = directory.appendingPathComponent("new.sqlite").path
        try await SQLiteEstateStore(path: newPath).close()
        let made = try DatabaseQueue(path: newPath)
        let migrations = "SELECT identifier FROM grdb_migrations ORDER BY rowid"
        let (steppedSchema, steppedSteps) = try await stepped.read { db in
            (try sqliteObjects(db), try String.fetchAll(db, sql: migrations))
        }
        let (newSchema, newSteps, pageSize, journal) = try await made.read { db in
            (
                try sqliteObjects(db), try String.fetchAll(db, sql: migrations),
                try Int.fetchOne(db, sql: "PRAGMA page_size"), try String.fetchOne(db, sql: "PRAGMA journal_mode")
            )
        }
        #expect(newSchema == steppedSchema)
        #expect(newSteps == steppedSteps)
        #expect(newSteps == StoreSchema.steps(dialect: .sqlite).map(\.name))
        #expect(pageSize == 16384)
        #expect(journal == "wal")
        // Opened again, the store finds every step applied and changes nothing.
        try await SQLiteEstateStore(path: newPath).close()
        #expect(try await made.read { db in try sqliteObjects(db) } == steppedSchema)
        try made.close()
        try stepped.close()
    }

    /// A database that already holds something (here a table of its own) is no new store: the steps run on it
    /// one by one, as before, and leave its table alone.
    @Test func aDatabaseWithTablesOfItsOwnIsMigratedStepByStep() async throws {
        let path = try Fixtures.temporaryDirectory("schema-snapshot").appendingPathComponent("other.sqlite").path
        let other = try DatabaseQueue(path: path)
        try await other.write { db in
            try db.execute(sql: "CREATE TABLE notes (text TEXT)")
            try db.execute(sql: "INSERT INTO notes VALUES ('kept')")
        }
        try other.close()
        try await SQLiteEstateStore(path: path).close()
        let stepped = try Self.steppedDatabase()
        let opened = try DatabaseQueue(path: path)
        let (schema, notes) = try await opened.read { db in
            (try sqliteObjects(db), try String.fetchAll(db, sql: "SELECT text FROM notes"))
        }
        let expected = try await stepped.read { db in try sqliteObjects(db) }
        #expect(schema.filter { !$0.contains(" notes ") } == expected)
        #expect(notes == ["kept"])
        try opened.close()
    }

    /// The snapshot as the Swift file that holds it.
    static func render(_ statements: [String]) -> String {
        let literals = statements.map { statement in
            let lines = statement.split(separator: "\n", omittingEmptySubsequences: false)
            let body = lines.map { $0.isEmpty ? "" : "        " + $0 }.joined(separator: "\n")
            return "        #\"\"\"\n\(body)\n        \"\"\"#,"
        }
        return """
            // Written by `make schema-snapshot` from a database the migration steps made one after the other
            // (`SchemaSnapshotTests`): do not edit by hand; add a step to `StoreSchema.steps` and write this again.

            extension StoreSchema {
                /// The SQLite schema every step leaves, as the statements that make it (``schemaStatements(_:)``).
                static let sqliteSnapshot: [String] = [
            \(literals.joined(separator: "\n"))
                ]
            }

            """
    }
}
