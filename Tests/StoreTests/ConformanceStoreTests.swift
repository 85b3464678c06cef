import Foundation
import GRDB
import OverblikModel
import Store
import StorePostgres
import Testing
import TestSupport

/// Schema step 7 (`v7-document-conformance`): a store from before it is upgraded in place, its rows kept with no
/// verdict ("not measured"), and a scan's verdicts (`scan --validate`) are stored and replaced like every field.
@Suite(.tags(.store, .postgres)) struct ConformanceStoreTests {
    static func validated(
        _ path: String, _ verdict: DocumentConformance?, modified: Double = 1_700_000_000
    )
        -> DocumentRecord
    {
        var record = document(path, modified: modified)
        record.conformance = verdict
        return record
    }

    @Test func aVersion5SQLiteStoreGetsTheColumnAndKeepsItsRows() async throws {
        let path = try Fixtures.temporaryDirectory("v5").appendingPathComponent("store.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try migrate(queue, throughStep: 5)
        try queue.close()
        let before = try SQLiteEstateStore(path: path)
        try await scan(before, root: "/srv", [document("/srv/old.odt")])
        try await before.close()

        let store = try SQLiteEstateStore(path: path)
        #expect(try await store.schemaVersion() == StoreSchema.currentVersion)
        try await scan(
            store, root: "/srv",
            [
                Self.validated("/srv/new.odt", .extendedConforming), Self.validated("/srv/bad.odt", .notConforming),
                Self.validated("/srv/unchecked.odt", nil),
            ], unchanged: ["/srv/old.odt"])
        try await store.close()
        let check = try DatabaseQueue(path: path)
        let stored = try await check.read { db in
            try Row.fetchAll(db, sql: "SELECT conformance, COUNT(*) AS n FROM documents GROUP BY conformance")
                .map { ($0["conformance"] as String?, $0["n"] as Int) }
        }
        try check.close()
        let counts = Dictionary(stored.map { ($0.0 ?? "NULL", $0.1) }, uniquingKeysWith: +)
        #expect(counts == ["NULL": 2, "extended-conforming": 1, "not-conforming": 1])
    }

    /// A file read again replaces its verdict; read again by a scan that does not validate, it has none.
    @Test(arguments: Backend.persistent)
    func aFileReadAgainReplacesItsVerdict(_ backend: Backend) async throws {
        let location = try backend.freshLocation()
        let store = try await EstateStoreFactory.open(location)
        try await scan(store, root: "/srv", [Self.validated("/srv/a.odt", .conforming)])
        try await scan(store, root: "/srv", [Self.validated("/srv/a.odt", .notConforming, modified: 1_700_000_100)])
        try await scan(store, root: "/srv", [Self.validated("/srv/b.odt", .notChecked)], unchanged: ["/srv/a.odt"])
        try await store.close()
        try await Self.expectVerdicts(location, ["/srv/a.odt": "not-conforming", "/srv/b.odt": "not-checked"])
        let again = try await EstateStoreFactory.open(location)
        try await scan(
            again, root: "/srv", [Self.validated("/srv/a.odt", nil, modified: 1_700_000_200)], unchanged: ["/srv/b.odt"]
        )
        try await again.close()
        try await Self.expectVerdicts(location, ["/srv/a.odt": nil, "/srv/b.odt": "not-checked"])
    }

    /// Reads `documents.conformance` directly (SQLite) or checks it with psql (PostgreSQL).
    static func expectVerdicts(_ location: StoreLocation, _ expected: [String: String?]) async throws {
        let wanted = expected.values.map { $0 ?? "NULL" }.sorted()
        switch location {
        case .sqlite(let path):
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            let found = try await queue.read { db in
                try String.fetchAll(db, sql: "SELECT COALESCE(conformance, 'NULL') FROM documents")
            }
            #expect(found.sorted() == wanted)
        case .postgres(let url):
            guard let schema = url.components(separatedBy: "schema=").last, let base = Backend.postgresURL else {
                Issue.record("unexpected PostgreSQL location \(url)")
                return
            }
            let list = wanted.map { "'\($0)'" }.joined(separator: ",")
            let sql = """
                DO $$ BEGIN
                IF (SELECT string_agg(v, ',' ORDER BY v) FROM (SELECT COALESCE(conformance, 'NULL') AS v
                    FROM \(schema).documents) s) IS DISTINCT FROM (SELECT string_agg(w, ',' ORDER BY w)
                    FROM unnest(ARRAY[\(list)]) w)
                THEN RAISE EXCEPTION 'conformance differs'; END IF; END $$
                """
            #expect(try await MigrationTests.psql(base, ["-c", sql]) == 0)
        case .sqliteInMemory:
            Issue.record("an in-memory store cannot be read after it is closed")
        }
    }
}
