import Foundation
import GRDB
@testable import Store
import TestSupport
import Testing

/// A keyed stage is copied into `documents` in key order, and a large one with the secondary indexes built again
/// afterwards (``SQLiteStageMerge``). The oracle is the copy as it was before: the plain ``DocumentUpsert`` in the
/// stage's own order, every index kept up to date. Both ways must leave the same rows (ids aside: they are given
/// in the order the rows go in), the same schema and sound indexes, on seeded stores where the stage updates some
/// stored files and adds others, beside another organisation's rows.
@Suite(.tags(.store)) struct StageMergeTests {
    static let stage = "scan_stage_7"

    /// A store of `stored` documents and a keyed stage of `staged` rows, a third of them files already stored.
    static func makeStore(at path: String, seed: UInt64, stored: Int, staged: Int) async throws {
        try await SQLiteEstateStore(path: path).close()
        try fill(path, seed: seed, stored: stored, staged: staged)
    }

    private static func fill(_ path: String, seed: UInt64, stored: Int, staged: Int) throws {
        var random = SeededGenerator(seed: seed)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            let folders = (0..<max(1, stored / 7)).map { "p:folder\($0)" }
            var keys: [String] = []
            for index in 0..<stored {
                let key = "p:\(String(random.next(), radix: 16))"
                keys.append(key)
                try db.execute(
                    sql: """
                        INSERT INTO documents (organisation, root_key, path_key, folder_key, family, container, format,
                            encrypted, warnings, size, modified, first_scan, last_scan)
                        VALUES (?, 'r:old', ?, ?, 'odf', 'zip', 'odt', 0, 0, ?, 1.6e9, 1, 1)
                        """,
                    arguments: [index % 10 == 0 ? 999 : 751, key, folders.randomElement(using: &random), index])
            }
            try db.execute(
                sql: "CREATE TABLE \(stage) AS SELECT \(DocumentUpsert.stagedColumns) FROM documents WHERE false")
            try db.execute(sql: "CREATE UNIQUE INDEX \(stage)_key ON \(stage) (path_key)")
            let stagedKeys =
                keys.shuffled(using: &random).prefix(staged / 3)
                + (0..<(staged - staged / 3)).map { _ in "p:new\(String(random.next(), radix: 16))" }
            for key in stagedKeys {
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO \(stage) (path_key, folder_key, family, container, format, encrypted,
                            warnings, size, modified, features)
                        VALUES (?, ?, 'ooxml', 'zip', 'docx', 0, 1, ?, 1.7e9, '')
                        """,
                    arguments: [key, "p:newfolder\(random.next() % 5)", Int(random.next() % 1000)])
            }
        }
        try queue.close()
    }

    static func contents(_ path: String) async throws -> [[String]] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try await queue.read { db in
            [
                try documentsRowsWithoutIDs(db, order: "organisation, path_key"),
                try sqliteObjects(db, table: "documents"),
                try String.fetchAll(db, sql: "PRAGMA integrity_check"),
            ]
        }
    }

    @Test(arguments: [(1, 200, 40), (2, 40, 200), (3, 300, 75), (4, 300, 74), (5, 0, 50)])
    func theCopyInKeyOrderStoresWhatTheCopyInStageOrderStores(seed: UInt64, stored: Int, staged: Int) async throws {
        let directory = try Fixtures.temporaryDirectory("stage-merge")
        let made = directory.appendingPathComponent("made.sqlite").path
        try await Self.makeStore(at: made, seed: seed, stored: stored, staged: staged)
        var outcomes: [[[String]]] = []
        for way in ["oracle", "kept", "rebuilt"] {
            let path = directory.appendingPathComponent("\(way).sqlite").path
            try FileManager.default.copyItem(atPath: made, toPath: path)
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                switch way {
                case "oracle":
                    try db.execute(
                        sql: DocumentUpsert.sql(from: Self.stage, organisation: "?", rootKey: "?", scan: "?"),
                        arguments: [751, "r:new", 2, 2])
                default:
                    try SQLiteStageMerge.merge(
                        db, stage: Self.stage, organisation: 751, rootKey: "r:new", scan: 2,
                        rebuildingIndexes: way == "rebuilt")
                }
            }
            try queue.close()
            outcomes.append(try await Self.contents(path))
        }
        #expect(outcomes[0][2] == ["ok"])
        // Every stored row, and each staged file not stored for this organisation yet.
        #expect(outcomes[0][0].count >= stored + staged - staged / 3)
        #expect(outcomes[1] == outcomes[0])
        #expect(outcomes[2] == outcomes[0])
    }

    /// The indexes are built again when the stage holds a quarter or more of the rows stored (by the highest id).
    @Test func aStageAQuarterOfTheStoreOrMoreHasTheIndexesBuiltAgain() async throws {
        let path = try Fixtures.temporaryDirectory("stage-merge").appendingPathComponent("store.sqlite").path
        try await Self.makeStore(at: path, seed: 9, stored: 400, staged: 0)
        let queue = try DatabaseQueue(path: path)
        let answers = try await queue.read { db in
            try [0, 1, 99, 100, 4000].map { try SQLiteStageMerge.rebuildsIndexes(db, staged: $0) }
        }
        #expect(answers == [false, false, false, true, true])
        try queue.close()
    }
}
