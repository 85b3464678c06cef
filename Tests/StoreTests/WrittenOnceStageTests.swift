import Foundation
import GRDB
import OverblikModel
@testable import Store
import TestSupport
import Testing

/// A first scan into a store without documents writes its rows once, into a stage made as `documents` is, which
/// its finish renames `documents` (``SQLiteWrittenOnceStage``); every other scan stages keyed rows and copies them.
/// The oracle is the copy: two stores with one pseudonym key, one of them holding a row of another organisation
/// while the same scan is stored, must end with the same rows, snapshots, tallies and schema.
@Suite(.tags(.store)) struct WrittenOnceStageTests {
    /// Documents in a few folders at several depths, with errors, features and both families, as a scan gives them.
    static func records(seed: UInt64, count: Int = 700, root: String = "/srv/share") -> [DocumentRecord] {
        var generator = SeededGenerator(seed: seed)
        let folders = ["", "/a", "/a/b", "/Økonomi", "/c/d/e", "/e\u{301}"]
        return (0..<count).map { index in
            let folder = folders.randomElement(using: &generator)!
            var record = document(
                "\(root)\(folder)/f\(index).\(["odt", "docx", "doc"].randomElement(using: &generator)!)",
                size: Int64.random(in: 1...1_000_000, using: &generator),
                modified: Double(Int.random(in: 1_500_000_000...1_700_000_000, using: &generator)),
                family: [.odf, .ooxml, .legacy].randomElement(using: &generator)!,
                suite: ["libreoffice", "msoffice", nil].randomElement(using: &generator)!,
                line: ["7.6", "16", nil].randomElement(using: &generator)!,
                odf: ["1.2", "1.3", nil].randomElement(using: &generator)!,
                error: [nil, nil, nil, .truncated].randomElement(using: &generator)!)
            record.encrypted = Int.random(in: 0..<10, using: &generator) == 0
            if Bool.random(using: &generator) { record.features = [.vba, .signed] }
            return record
        }
    }

    /// Two empty SQLite stores with one pseudonym key (the second a copy of the first), so their keys compare.
    static func twinStores() async throws -> (String, String) {
        let directory = try Fixtures.temporaryDirectory("written-once")
        let first = directory.appendingPathComponent("once.sqlite").path
        let second = directory.appendingPathComponent("copied.sqlite").path
        try await SQLiteEstateStore(path: first).close()
        try FileManager.default.copyItem(atPath: first, toPath: second)
        return (first, second)
    }

    /// Begins a scan of `root`, stages `records` (then `again`, files staged a second time), and tells whether its
    /// stage has `documents`' own columns.
    static func stage(
        _ store: SQLiteEstateStore, path: String, root: String, _ records: [DocumentRecord],
        again: [DocumentRecord] = []
    ) async throws -> (any ScanSession, writtenOnce: Bool) {
        let session = try await store.beginScan(ScanHeader(organisation: 751, root: root, catalog: testCatalog))
        try await session.add(records)
        if !again.isEmpty { try await session.add(again) }
        let writtenOnce = try await DatabaseQueue(path: path).read { db in
            let stages = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'scan_stage_%'")
            return try stages.allSatisfy { try SQLiteWrittenOnceStage.isWrittenOnce(db, stage: $0) }
        }
        return (session, writtenOnce)
    }

    /// What a store holds after its scans, keys included: documents (every column but `id`, by key), folders, the root's snapshots, the scans' counts, and the schema of `documents`.
    static func contents(_ path: String) async throws -> [[String]] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try await queue.read { db in
            let queries = [
                "SELECT quote(folder_key) || quote(parent_key) FROM folders ORDER BY 1",
                "SELECT root_key || scan_id || hex(stamps) FROM file_index_snapshots JOIN file_index_snapshot_stamps USING (organisation, root_key) ORDER BY 1",
                // The grouped documents as JSON (its keys in no fixed order): compared decoded, below.
                "SELECT root_key || scan_id FROM document_tally_snapshots ORDER BY 1",
                "SELECT id || root_key || new_count || changed_count || unchanged_count || deleted_count FROM scans ORDER BY id",
                "SELECT type || name || quote(sql) FROM sqlite_master WHERE tbl_name = 'documents' ORDER BY name",
                "SELECT name FROM sqlite_master WHERE name LIKE 'scan_stage_%' UNION ALL SELECT id FROM scan_progress",
                "PRAGMA integrity_check",
            ]
            let tallies = try String.fetchAll(db, sql: "SELECT tallies FROM document_tally_snapshots ORDER BY root_key")
                .map { text in
                    try JSONDecoder().decode([DocumentTally].self, from: Data(text.utf8)).map { "\($0)" }.sorted()
                }
            // By key: ids are the store's own, given in the order read when the stage is renamed and in key order when
            // it is copied (`SQLiteStageMerge`).
            let documents = try documentsRowsWithoutIDs(
                db, where: "organisation = 751", order: "path_key", withTypes: true)
            return try [documents] + queries.map { try String.fetchAll(db, sql: $0) } + tallies
        }
    }

    /// Puts a row of another organisation in `documents` behind the store's back (its next scan stages keyed rows).
    static let outsider = """
        INSERT INTO documents (organisation, root_key, path_key, family, container, format, encrypted, warnings, size,
            modified, first_scan, last_scan) VALUES (999, 'r:x', 'p:x', 'odf', 'zip', 'odt', 0, 0, 1, 0, 0, 0)
        """

    /// Files staged twice in one scan (`restaged`: a later batch holds some again, changed) have two rows in a
    /// written-once stage, which has no unique key until its finish; a keyed stage replaced the first. Both must
    /// end with the row staged last.
    @Test(arguments: [(1, false), (2, false), (5, true), (6, true)] as [(UInt64, Bool)])
    func aFirstScanWrittenOnceStoresWhatTheCopyStores(seed: UInt64, restaged: Bool) async throws {
        let records = Self.records(seed: seed)
        var generator = SeededGenerator(seed: seed &+ 100)
        var again: [DocumentRecord] = []
        if restaged {
            again = records.filter { _ in Int.random(in: 0..<5, using: &generator) == 0 }.map { record in
                var changed = record
                changed.size += 1
                changed.suite = changed.suite == nil ? "libreoffice" : nil
                return changed
            }
        }
        let (once, copied) = try await Self.twinStores()
        try await StoreLocation.sqlite(path: copied).executeBehindTheStore(sqlite: [Self.outsider], postgres: [])
        var written: [Bool] = []
        for path in [once, copied] {
            let store = try SQLiteEstateStore(path: path)
            let (session, writtenOnce) = try await Self.stage(
                store, path: path, root: "/srv/share", records, again: again)
            written.append(writtenOnce)
            let summary = try await session.finish(finished: Date())
            #expect(summary.new == records.count)
            try await store.close()
            // The finish's background checkpoint closed its connection first: the store's own close checkpointed
            // everything and removed the WAL.
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        }
        #expect(written == [true, false])
        try await StoreLocation.sqlite(path: copied).executeBehindTheStore(
            sqlite: ["DELETE FROM documents WHERE organisation = 999"], postgres: [])
        let expected = try await Self.contents(copied)
        let actual = try await Self.contents(once)
        #expect(actual[0].count == records.count)
        // Each file as staged last: its size again, plus one where it was staged twice.
        let restagedPaths = Set(again.map(\.path))
        let sizes = records.reduce(Int64(0)) { $0 + $1.size + (restagedPaths.contains($1.path) ? 1 : 0) }
        for path in [once, copied] {
            let queue = try DatabaseQueue(path: path)
            #expect(
                try await queue.read {
                    try Int64.fetchOne($0, sql: "SELECT SUM(size) FROM documents WHERE organisation = 751")
                } == sizes)
            try queue.close()
        }
        #expect(actual.contains(["ok"]))
        for (index, (got, wanted)) in zip(actual, expected).enumerated() {
            #expect(got == wanted, "query \(index)")
        }
        // The rescan finds every file unchanged through the written-once store's snapshot and index.
        let store = try SQLiteEstateStore(path: once)
        let index = try await store.fileIndex(organisation: 751, root: "/srv/share", readingAgain: .none)
        #expect(index.count == records.count)
        try await store.close()
    }

    /// Two first scans of sibling roots staged at once into an empty store: both stages are written once; the
    /// scan finishing first renames its stage, the other's rows are copied (under a scan id it did not expect).
    /// The left root has every third file staged twice, changed the second time.
    @Test func aWrittenOnceStageIsCopiedWhenAnotherScanFinishedFirst() async throws {
        let left = Self.records(seed: 3, count: 300, root: "/srv/left")
        let right = Self.records(seed: 4, count: 200, root: "/srv/right")
        let leftAgain = left.enumerated().filter { $0.offset % 3 == 0 }.map { _, record in
            var changed = record
            changed.size += 1
            return changed
        }
        let (together, oneByOne) = try await Self.twinStores()
        let store = try SQLiteEstateStore(path: together)
        let (leftSession, leftOnce) = try await Self.stage(
            store, path: together, root: "/srv/left", left, again: leftAgain)
        let (rightSession, rightOnce) = try await Self.stage(store, path: together, root: "/srv/right", right)
        #expect(leftOnce && rightOnce)
        #expect(try await rightSession.finish(finished: Date()).new == right.count)
        #expect(try await leftSession.finish(finished: Date()).new == left.count)
        try await store.close()
        // The oracle: the same scans one after the other, in the order they finished (the left one then stages
        // keyed rows, its files twice as well).
        let sequential = try SQLiteEstateStore(path: oneByOne)
        try await scan(sequential, root: "/srv/right", right)
        let (leftAfter, leftAfterOnce) = try await Self.stage(
            sequential, path: oneByOne, root: "/srv/left", left, again: leftAgain)
        #expect(!leftAfterOnce)
        #expect(try await leftAfter.finish(finished: Date()).new == left.count)
        try await sequential.close()
        let expected = try await Self.contents(oneByOne)
        let actual = try await Self.contents(together)
        #expect(actual[0].count == left.count + right.count)
        for (index, (got, wanted)) in zip(actual, expected).enumerated() {
            #expect(got == wanted, "query \(index)")
        }
        // Each file as staged last.
        let sizes = (left + right).reduce(Int64(0)) { $0 + $1.size } + Int64(leftAgain.count)
        let queue = try DatabaseQueue(path: together)
        #expect(try await queue.read { try Int64.fetchOne($0, sql: "SELECT SUM(size) FROM documents") } == sizes)
        try queue.close()
    }
}
