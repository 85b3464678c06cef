import Foundation
import GRDB
import OverblikModel
import Store
import StorePostgres
import Testing
import TestSupport

@Suite(.tags(.store, .postgres)) struct MigrationTests {
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

    /// A store as release 0.3 (schema steps 1-3) left it, with the defects of its semantics in it: one file
    /// stored twice (scanned from a share and from its subfolder) and a host imported twice (two quarters).
    static func version3Store(at path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try migrate(queue, throughStep: 3)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO store_settings VALUES ('pseudonym_key', '00112233')")
            for (id, root) in [(1, "r:share"), (2, "r:sub")] {
                try db.execute(
                    sql: """
                        INSERT INTO scans VALUES (?, 751, ?, NULL, 1.7e9, 1.7e9 + ?, 'overblik', '0.3', 'c', 'd', 1, 0, 0, 0)
                        """, arguments: [id, root, id])
                try db.execute(
                    sql: """
                        INSERT INTO documents (organisation, root_key, path_key, family, container, format, suite,
                            encrypted, warnings, size, modified, first_scan, last_scan)
                        VALUES (751, ?, 'p:same-file', 'odf', 'zip', 'odt', 'libreoffice', 0, 0, 10, 1.6e9, ?, ?)
                        """, arguments: [root, id, id])
            }
            for (id, day) in [(1, 1.70e9), (2, 1.71e9)] {
                try db.execute(
                    sql: """
                        INSERT INTO imports VALUES (?, 751, ?, 'export.csv', 'csv', ?, ?, 'overblik', '0.3', 'c', 'd',
                            1, 0, 1, 0)
                        """, arguments: [id, "sha256:\(id)", day, day])
                try db.execute(
                    sql: """
                        INSERT INTO software (import_id, organisation, source, line, host, title, install_count,
                            product, version_line, counts_as_installation, rule)
                        VALUES (?, 751, 'export.csv', 1, 'h:1', 'LibreOffice', 1, 'libreoffice', ?, 1, 'test')
                        """, arguments: [id, id == 1 ? "7.6" : "24.2"])
            }
        }
        try queue.close()
    }

    /// What a 0.3 store (``version3Store(at:)``, or its PostgreSQL twin) counts once upgraded.
    static func expectEachFileAndHostCountedOnce(_ store: any EstateStore) async throws {
        #expect(try await store.documentCounts(organisation: 751).map(\.count) == [1])
        #expect(try await store.distinctHosts(organisation: 751) == 1)
        #expect(
            try await store.installationCounts(organisation: 751) == [
                .init(product: "libreoffice", versionLine: "24.2", hosts: 1)
            ])
    }

    @Test func aVersion3StoreIsUpgradedInPlaceKeepingItsRowsAndCountingEachFileAndHostOnce() async throws {
        let path = try Fixtures.temporaryDirectory("upgrade").appendingPathComponent("store.sqlite").path
        try Self.version3Store(at: path)
        let store = try SQLiteEstateStore(path: path)
        #expect(try await store.schemaVersion() == StoreSchema.currentVersion)
        // The file stored under both roots is one document, the host's newer inventory its software list; the
        // older inventory's row is kept, but counted by no figure.
        try await Self.expectEachFileAndHostCountedOnce(store)
        try await store.close()
        let check = try DatabaseQueue(path: path)
        let (softwareRows, documentRoot, snapshots) = try await check.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM software") ?? 0,
                try String.fetchOne(db, sql: "SELECT root_key FROM documents"),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM file_index_snapshots") ?? 0
            )
        }
        #expect(softwareRows == 2)
        // The row read last (by the subfolder's scan) is the one kept.
        #expect(documentRoot == "r:sub")
        #expect(snapshots == 0)
        let plan = try await check.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT path_key, size, modified FROM documents
                    WHERE organisation = 751 AND folder_key IN ('a', 'b')
                    """
            ).map { $0["detail"] as String }
        }
        // A rescan's read of a folder's documents is answered from the index alone.
        #expect(plan.contains { $0.contains("COVERING INDEX documents_folders") })
        try check.close()
    }

    /// The same upgrade on PostgreSQL: a schema left by release 0.3 (steps 1-3, written with psql), with the
    /// file stored under two roots and the host imported twice, opened by this build.
    @Test func aVersion3PostgresSchemaIsUpgradedInPlace() async throws {
        let location = try Backend.postgres.freshLocation()
        guard case .postgres(let url) = location, let schema = url.components(separatedBy: "schema=").last,
            let base = Backend.postgresURL
        else {
            Issue.record("unexpected PostgreSQL location \(location)")
            return
        }
        var sql = ["CREATE SCHEMA \(schema);", "SET search_path TO \(schema);"]
        sql.append(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied DOUBLE PRECISION NOT NULL);"
        )
        for step in StoreSchema.steps(dialect: .postgres) where step.version <= 3 {
            sql += step.statements.map { $0 + ";" }
            sql.append("INSERT INTO schema_migrations VALUES (\(step.version), '\(step.name)', 0);")
        }
        sql += [
            "INSERT INTO store_settings VALUES ('pseudonym_key', '00112233');",
            """
            INSERT INTO documents (organisation, root_key, path_key, family, container, format, suite, encrypted,
                warnings, size, modified, first_scan, last_scan)
            VALUES (751, 'r:share', 'p:same-file', 'odf', 'zip', 'odt', 'libreoffice', false, 0, 10, 1.6e9, 1, 1),
                (751, 'r:sub', 'p:same-file', 'odf', 'zip', 'odt', 'libreoffice', false, 0, 10, 1.6e9, 2, 2);
            """,
            """
            INSERT INTO imports (id, organisation, file_hash, file_name, format, started, finished, tool_name,
                tool_version, catalog_version, catalog_digest, lines_read, unreadable_lines, software_records,
                usage_declarations)
            VALUES (1, 751, 'sha256:1', 'a.csv', 'csv', 1.70e9, 1.70e9, 'overblik', '0.3', 'c', 'd', 1, 0, 1, 0),
                (2, 751, 'sha256:2', 'b.csv', 'csv', 1.71e9, 1.71e9, 'overblik', '0.3', 'c', 'd', 1, 0, 1, 0);
            """,
            """
            INSERT INTO software (import_id, organisation, source, line, host, title, install_count, product,
                version_line, counts_as_installation, rule)
            VALUES (1, 751, 'a.csv', 1, 'h:1', 'LibreOffice', 1, 'libreoffice', '7.6', true, 'test'),
                (2, 751, 'b.csv', 1, 'h:1', 'LibreOffice', 1, 'libreoffice', '24.2', true, 'test');
            """,
        ]
        let file = try Fixtures.temporaryDirectory("pg-v3").appendingPathComponent("v3.sql")
        try sql.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        #expect(try await Self.psql(base, ["-f", file.path]) == 0)

        let store = try await EstateStoreFactory.open(location)
        #expect(try await store.schemaVersion() == StoreSchema.currentVersion)
        try await Self.expectEachFileAndHostCountedOnce(store)
        // Step 8 marks the imports there were done: listed, and their files already imported.
        #expect(try await store.imports(organisation: 751).map(\.fileHash).sorted() == ["sha256:1", "sha256:2"])
        #expect(try await store.importSummary(organisation: 751, fileHash: "sha256:1") != nil)
        // Rows from before the step have no folder: a scan of their root reads them and gives them one.
        try await scan(store, root: "/srv", [document("/srv/a.odt")])
        #expect(try await store.fileIndex(organisation: 751, root: "/srv").count == 1)
        try await store.close()
    }

    @Test func aPostgresSchemaFromANewerOverblikIsRefusedNotDamaged() async throws {
        let location = try Backend.postgres.freshLocation()
        guard case .postgres(let url) = location, let schema = url.components(separatedBy: "schema=").last,
            let base = Backend.postgresURL
        else {
            Issue.record("unexpected PostgreSQL location \(location)")
            return
        }
        try await EstateStoreFactory.open(location).close()
        // What a later release would have left: a step this build does not know.
        #expect(
            try await Self.psql(
                base,
                [
                    "-c",
                    "INSERT INTO \(schema).schema_migrations (version, name, applied) VALUES (99, 'v99-from-the-future', 0)",
                ]) == 0)
        do {
            let store = try await EstateStoreFactory.open(location)
            try await store.close()
            Issue.record("a schema at version 99 was opened")
        } catch StoreError.newerSchema(_, let found, let known) {
            #expect(found == 99)
            #expect(known == StoreSchema.currentVersion)
        }
    }

    /// Runs psql against the test server (stop at the first error); its exit status.
    static func psql(_ url: String, _ arguments: [String]) async throws -> Int32 {
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        psql.arguments = ["psql", url, "-v", "ON_ERROR_STOP=1", "-q"] + arguments
        try psql.run()
        await psql.ended()
        return psql.terminationStatus
    }

    @Test func aFileThatIsNotADatabaseIsAClearError() throws {
        let path = try Fixtures.temporaryDirectory("garbage").appendingPathComponent("store.sqlite").path
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) { _ = try SQLiteEstateStore(path: path) }
    }
}
