import Foundation
import GRDB
import Store
import StorePostgres
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
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        try queue.close()
        #expect(throws: StoreError.newerSchema(location: path, found: 99, known: StoreSchema.currentVersion)) {
            _ = try SQLiteEstateStore(path: path)
        }
    }

    @Test func aVersion1StoreIsUpgradedInPlaceAndKeepsItsDocuments() async throws {
        let path = try Fixtures.temporaryDirectory("upgrade").appendingPathComponent("store.sqlite").path
        // A store as the first release left it: only step 1 applied, with a scanned document in it.
        let queue = try DatabaseQueue(path: path)
        var firstRelease = DatabaseMigrator()
        let first = try #require(StoreSchema.steps(dialect: .sqlite).first)
        firstRelease.registerMigration(first.name) { db in
            for statement in first.statements { try db.execute(sql: statement) }
        }
        try firstRelease.migrate(queue)
        try queue.close()
        let store = try SQLiteEstateStore(path: path)
        try await scan(store, root: "/srv/share", [document("/srv/share/a.odt", size: 10)])
        try await store.close()
        // Simulate the document having been stored before the upgrade: drop step 2's index and its record.
        let downgrade = try DatabaseQueue(path: path)
        try await downgrade.write { db in
            try db.execute(sql: "DROP INDEX documents_stamps")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v2-document-stamps'")
        }
        try downgrade.close()

        let upgraded = try SQLiteEstateStore(path: path)
        #expect(try await upgraded.schemaVersion() == StoreSchema.currentVersion)
        let index = try await upgraded.fileIndex(organisation: 751, root: "/srv/share")
        #expect(index.count == 1)
        try await upgraded.close()
        let check = try DatabaseQueue(path: path)
        let plan = try await check.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT path_key, size, modified FROM documents
                    WHERE organisation = 751 AND root_key = 'r'
                    """
            ).map { $0["detail"] as String }
        }
        // The rescan's read is answered from the index alone.
        #expect(plan.contains { $0.contains("COVERING INDEX documents_stamps") })
        try check.close()
    }

    @Test func aPostgresSchemaFromANewerOverblikIsRefusedNotDamaged() async throws {
        guard Backend.enabled.contains(.postgres) else { return }
        let location = try Backend.postgres.freshLocation()
        guard case .postgres(let url) = location, let schema = url.components(separatedBy: "schema=").last,
            let base = Backend.postgresURL
        else {
            Issue.record("unexpected PostgreSQL location \(location)")
            return
        }
        try await EstateStoreFactory.open(location).close()
        // What a later release would have left: a step this build does not know.
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        psql.arguments = [
            "psql", base, "-v", "ON_ERROR_STOP=1", "-q", "-c",
            "INSERT INTO \(schema).schema_migrations (version, name, applied) VALUES (99, 'v99-from-the-future', 0)",
        ]
        try psql.run()
        psql.waitUntilExit()
        #expect(psql.terminationStatus == 0)
        do {
            let store = try await EstateStoreFactory.open(location)
            try await store.close()
            Issue.record("a schema at version 99 was opened")
        } catch StoreError.newerSchema(_, let found, let known) {
            #expect(found == 99)
            #expect(known == StoreSchema.currentVersion)
        }
    }

    @Test func aFileThatIsNotADatabaseIsAClearError() throws {
        let path = try Fixtures.temporaryDirectory("garbage").appendingPathComponent("store.sqlite").path
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) { _ = try SQLiteEstateStore(path: path) }
    }
}
