import Foundation
import GRDB
import OverblikModel
@testable import Store
import TestSupport
import Testing

/// Schema step 10 made `documents`' unique key (organisation, path key) an index of its own, so that a first scan's
/// written-once stage has no index while its rows go in and builds the key once, at its finish. The oracles: a
/// store upgraded from step 9 holds the rows it held, under the schema a new store gets; a taken-over written-once
/// stage that held a file twice ends as one clean scan of the same files ends.
@Suite(.tags(.store)) struct DocumentKeyIndexTests {
    static func documentsRows(_ db: Database) throws -> [String] {
        let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('documents')")
        let everyColumn = columns.map { "quote(\($0))" }.joined(separator: " || '|' || ")
        return try String.fetchAll(db, sql: "SELECT \(everyColumn) FROM documents ORDER BY id")
    }

    @Test func aStepNineStoreKeepsItsRowsAndIdsAndGetsTheSchemaOfANewStore() async throws {
        let directory = try Fixtures.temporaryDirectory("key-index")
        let path = directory.appendingPathComponent("v9.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try migrate(queue, throughStep: 9)
        // Rows of two organisations, ids with a gap (a deleted row), as years of scans leave them.
        let before = try await queue.write { db -> (rows: [String], sequence: Int?) in
            var generator = SeededGenerator(seed: 10)
            for index in 0..<500 {
                try db.execute(
                    sql: """
                        INSERT INTO documents (organisation, root_key, path_key, folder_key, family, container, format,
                            encrypted, warnings, size, modified, first_scan, last_scan, features, conformance)
                        VALUES (?, 'r:a', ?, ?, 'odf', 'zip', 'odt', 0, 0, ?, ?, 1, 1, '', NULL)
                        """,
                    arguments: [
                        [751, 101].randomElement(using: &generator)!, "p:\(index)", "p:f\(index % 7)",
                        Int.random(in: 0...1_000_000, using: &generator), Double(index),
                    ])
            }
            try db.execute(sql: "DELETE FROM documents WHERE path_key = 'p:250'")
            return (
                try Self.documentsRows(db),
                try Int.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'documents'")
            )
        }
        #expect(
            try await queue.read { try sqliteObjects($0, table: "documents") }.contains {
                $0.contains("sqlite_autoindex_documents")
            }
        )
        try queue.close()

        try await SQLiteEstateStore(path: path).close()
        let newPath = directory.appendingPathComponent("new.sqlite").path
        try await SQLiteEstateStore(path: newPath).close()
        let upgraded = try DatabaseQueue(path: path)
        let fresh = try DatabaseQueue(path: newPath)
        defer {
            try? upgraded.close()
            try? fresh.close()
        }
        try await upgraded.read { db in
            #expect(try Self.documentsRows(db) == before.rows)
            #expect(
                try Int.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'documents'") == before.sequence
            )
            #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            let key = try db.indexes(on: "documents").filter(\.isUnique)
            #expect(key.map(\.name) == ["documents_path"])
            #expect(key.first?.columns == ["organisation", "path_key"])
        }
        #expect(
            try await upgraded.read { try sqliteObjects($0, table: "documents") }
                == fresh.read { try sqliteObjects($0, table: "documents") })
        // The key still refuses a second row of a file.
        await #expect(throws: DatabaseError.self) {
            try await upgraded.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO documents (organisation, root_key, path_key, family, container, format, encrypted,
                            warnings, size, modified, first_scan, last_scan) SELECT organisation, root_key, path_key,
                            family, container, format, encrypted, warnings, size, modified, first_scan, last_scan
                        FROM documents LIMIT 1
                        """)
            }
        }
    }

    /// A first scan killed after staging some files twice leaves a written-once stage with two rows for them; the
    /// next scan of the root takes it over, keeps the row staged last of each, and stages what it reads again. The
    /// oracle is one undisturbed scan of the final files into a store of the same key.
    /// `keyed`: the store holds a document of another organisation, so the stage is keyed (by path key) instead.
    @Test(arguments: [(7, false), (8, false), (9, true), (10, true)] as [(UInt64, Bool)])
    func aTakenOverStageThatHeldAFileTwiceEndsAsOneCleanScan(seed: UInt64, keyed: Bool) async throws {
        let first = WrittenOnceStageTests.records(seed: seed, count: 400)
        var generator = SeededGenerator(seed: seed &+ 1)
        let again = first.filter { _ in Bool.random(using: &generator) }.map { record in
            var changed = record
            changed.size += 7
            return changed
        }
        // What the files are when the next scan reads them: some changed again, some gone.
        let final = first.compactMap { record -> DocumentRecord? in
            switch Int.random(in: 0..<10, using: &generator) {
            case 0: return nil
            case 1:
                var changed = record
                changed.modified += 60
                return changed
            default: return record
            }
        }
        let (killed, clean) = try await WrittenOnceStageTests.twinStores()
        if keyed {
            for path in [killed, clean] {
                try await StoreLocation.sqlite(path: path).executeBehindTheStore(
                    sqlite: [WrittenOnceStageTests.outsider], postgres: [])
            }
        }

        let store = try SQLiteEstateStore(path: killed)
        let (_, writtenOnce) = try await WrittenOnceStageTests.stage(
            store, path: killed, root: "/srv/share", first, again: again)
        #expect(writtenOnce == !keyed)
        try await store.close()
        // The scan's process is gone: same machine and boot, a process id no process has.
        let me = ScanOwner.current(pseudonymiser: store.pseudonymiser)
        let gone = ScanOwner(machine: me.machine, boot: me.boot, pid: Int32.max - 1, start: "0")
        try await StoreLocation.sqlite(path: killed).executeBehindTheStore(
            sqlite: ["UPDATE scan_progress SET owner = '\(gone.text)'"], postgres: [])

        let resumed = try SQLiteEstateStore(path: killed)
        let summary = try await scan(resumed, root: "/srv/share", final)
        try await resumed.close()
        let oracle = try SQLiteEstateStore(path: clean)
        let expected = try await scan(oracle, root: "/srv/share", final)
        try await oracle.close()

        #expect(summary.new == expected.new)
        #expect(summary.new == final.count)
        // Ids differ (the taken-over rows were staged again): compared as sets of every other column.
        let rows = { (path: String) async throws -> [String] in
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            return try await queue.read { db in
                return try documentsRowsWithoutIDs(db, order: "1")
                    + String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE name LIKE 'scan_stage_%'")
                    + String.fetchAll(db, sql: "PRAGMA integrity_check")
            }
        }
        let got = try await rows(killed)
        #expect(got.count == final.count + (keyed ? 2 : 1))
        #expect(got == (try await rows(clean)))
    }
}
