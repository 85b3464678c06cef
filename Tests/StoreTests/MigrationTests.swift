import Foundation
import GRDB
import Store
import Testing
import TestSupport

@Suite struct MigrationTests {
    @Test func emptyFileGetsEveryStepInOrderAndTheSchemaHasItsTables() async throws {
        let path = try Fixtures.temporaryDirectory("migrate").appendingPathComponent("store.sqlite").path
        let store = try SQLiteEstateStore(path: path)
        #expect(try await store.schemaVersion() == StoreSchema.currentVersion)
        try await store.close()
        let queue = try DatabaseQueue(path: path)
        let (identifiers, tables, journal) = try await queue.read { db in
            (
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid"),
                Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")),
                try String.fetchOne(db, sql: "PRAGMA journal_mode")
            )
        }
        #expect(identifiers == StoreSchema.steps(dialect: .sqlite).map(\.name))
        #expect(
            tables.isSuperset(of: [
                "store_settings", "scans", "documents", "imports", "software", "usage_declarations", "submissions",
            ]))
        #expect(journal == "wal")
        try queue.close()
    }

    @Test func aStoreFromANewerOverblikIsRefusedNotDamaged() async throws {
        let path = try Fixtures.temporaryDirectory("newer").appendingPathComponent("store.sqlite").path
        try await SQLiteEstateStore(path: path).close()
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v2-from-the-future')")
        }
        try queue.close()
        #expect(throws: StoreError.newerSchema(location: path, found: 2, known: StoreSchema.currentVersion)) {
            _ = try SQLiteEstateStore(path: path)
        }
    }

    @Test func aFileThatIsNotADatabaseIsAClearError() throws {
        let path = try Fixtures.temporaryDirectory("garbage").appendingPathComponent("store.sqlite").path
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) { _ = try SQLiteEstateStore(path: path) }
    }
}
