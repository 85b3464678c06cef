import Foundation
import GRDB
import OverblikModel
import Store
import StorePostgres
import Testing
import TestSupport

/// Schema step 9: the scanner now finds an ODF version where it used to find none (a `meta.xml` without one, an
/// encrypted document), so a store from before the step reads again, on the next scan of their root, exactly the
/// readable ODF documents it stored without a version, and then holds what a fresh store scanned once with the new
/// reader holds (the oracle). Seeded estates: the old reader's records, and the new reader's for the same files.
@Suite(.tags(.store, .postgres)) struct ODFVersionRereadTests {
    static let organisation = DocumentFeatureStoreTests.organisation

    /// The same files as the old and the new reader record them: some readable ODF documents without a version in
    /// the old records get one in the new (not all: a document that states none anywhere keeps none).
    static func estate(seed: UInt64, files: Int) -> (old: [DocumentRecord], new: [DocumentRecord]) {
        var random = SeededGenerator(seed: seed)
        var old: [DocumentRecord] = []
        var new: [DocumentRecord] = []
        for index in 0..<files {
            let family = [DocumentFamily.odf, .odf, .ooxml, .legacy].randomElement(using: &random)!
            let failed = Int.random(in: 0..<8, using: &random) == 0
            let version = family == .odf ? ["1.1", "1.2", "1.3", nil].randomElement(using: &random)! : nil
            var record = document(
                "/srv/share/d\(index % 7)/f\(index).\(family == .odf ? "odt" : "docx")",
                size: Int64(1000 + index), family: family, format: family == .odf ? "odt" : "docx",
                odf: version, error: failed ? .truncated : nil)
            if failed { record.odfVersion = nil }
            old.append(record)
            if family == .odf, !failed, version == nil, Bool.random(using: &random) {
                record.odfVersion = ["1.2", "1.3"].randomElement(using: &random)!
            }
            new.append(record)
        }
        return (old, new)
    }

    /// A killed scan's stage as step 8 left it: an ODF row without a version and one with (made by hand: only the
    /// columns step 9 reads).
    static let killedStage = [
        "INSERT INTO scan_progress (id, organisation, root_key, started, owner) VALUES (99, 751, 'r:x', 0, 'h:1:0')",
        """
        CREATE TABLE scan_stage_99 (path_key TEXT PRIMARY KEY, family TEXT, error TEXT, odf_version TEXT,
            modified DOUBLE PRECISION)
        """,
        "INSERT INTO scan_stage_99 VALUES ('p:1', 'odf', NULL, NULL, 5), ('p:2', 'odf', NULL, '1.2', 5)",
    ]

    /// Takes step 9 back out of a current store: what a store from before it looks like (its rows as written),
    /// with a killed scan's stage.
    static func backToStep8(_ location: StoreLocation) async throws {
        try await location.executeBehindTheStore(
            sqlite: ["DELETE FROM grdb_migrations WHERE identifier = 'v9-odf-version-read-again'"] + killedStage,
            postgres: ["DELETE FROM schema_migrations WHERE version = 9"] + killedStage)
    }

    /// The stage's modification times after the migration, by path key.
    static func stagedTimes(_ location: StoreLocation) async throws -> [String: Double] {
        let query = "SELECT path_key, modified FROM scan_stage_99 ORDER BY path_key"
        switch location {
        case .sqlite(let path):
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            return try await queue.read { db in
                Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: query).map { ($0[0], $0[1]) })
            }
        case .postgres(let url):
            guard let schema = url.components(separatedBy: "schema=").last, let base = Backend.postgresURL else {
                throw TestSetupError.postgresMissing
            }
            let result = try await runProgram(
                "psql", [base, "-At", "-F", " ", "-c", "SET search_path TO \(schema); \(query)"])
            try #require(result.status == 0, "\(result.output)")
            var times: [String: Double] = [:]
            for line in result.output.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count == 2, let time = Double(fields[1]) { times[String(fields[0])] = time }
            }
            return times
        default:
            return [:]
        }
    }

    @Test(arguments: Backend.persistent, [UInt64(1), 2, 3])
    func aStoreFromBeforeStep9ReadsItsODFDocumentsWithoutAVersionOnceMore(backend: Backend, seed: UInt64) async throws {
        let (old, new) = Self.estate(seed: seed, files: 60)
        let location = try backend.freshLocation()
        var store = try await EstateStoreFactory.open(location)
        try await DocumentFeatureStoreTests.scanWithIndex(store, root: "/srv/share", old)
        try await store.close()
        try await Self.backToStep8(location)

        store = try await EstateStoreFactory.open(location)
        #expect(try await store.schemaVersion() == StoreSchema.currentVersion)
        // The killed scan's row without a version will be read again; the one with a version keeps its time.
        #expect(try await Self.stagedTimes(location) == ["p:1": -1, "p:2": 5])
        let summary = try await DocumentFeatureStoreTests.scanWithIndex(store, root: "/srv/share", new)
        let readAgain = old.filter { $0.family == .odf && $0.error == nil && $0.odfVersion == nil }.count
        #expect(readAgain > 0)
        #expect(
            (summary.new, summary.changed, summary.unchanged, summary.deleted) == (0, readAgain, 60 - readAgain, 0))

        let fresh = try await EstateStoreFactory.open(try backend.freshLocation())
        try await DocumentFeatureStoreTests.scanWithIndex(fresh, root: "/srv/share", new)
        let expected = try await fresh.documentCounts(organisation: Self.organisation)
        try await fresh.close()
        #expect(try await store.documentCounts(organisation: Self.organisation) == expected)
        // Then as any store: the next rescan reads nothing.
        #expect(try await DocumentFeatureStoreTests.scanWithIndex(store, root: "/srv/share", new).unchanged == 60)
        try await store.close()
    }
}
