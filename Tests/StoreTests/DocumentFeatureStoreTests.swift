import Foundation
import GRDB
import OverblikModel
import Store
import StorePostgres
import Testing
import TestSupport

/// The store keeps each document's features (schema step 6): export counts them by feature, family, format and
/// year; a rescan that reads a file again replaces them; a store from before the step reads its files once more.
@Suite(.tags(.store, .postgres)) struct DocumentFeatureStoreTests {
    static let organisation = 751

    static func record(_ path: String, format: String, year: Int, features: Set<DocumentFeature>) -> DocumentRecord {
        var record = document(
            path, size: Int64(100 + features.count), family: format == "odt" ? .odf : .ooxml,
            format: format)
        record.metaModified =
            DateComponents(
                calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"), year: year, month: 6,
                day: 1
            ).date
        record.features = features
        return record
    }

    /// A scan as `overblik scan` makes it: what the root's file index knows unchanged is not read again.
    @discardableResult
    static func scanWithIndex(
        _ store: any EstateStore, root: String, _ records: [DocumentRecord]
    ) async throws
        -> ScanSummary
    {
        try await DedicatedThread.run {
            let recorder = try ScanRecorder(
                store: store, header: ScanHeader(organisation: organisation, root: root, catalog: testCatalog),
                batchSize: 2)
            for record in records
            where !recorder.index.isUnchanged(path: record.path, size: record.size, modified: record.modified) {
                try recorder.add(record)
            }
            return try recorder.finish()
        }
    }

    /// The readiness a fresh store gives for `records`, counted here without the store: the oracle.
    static func expectedReadiness(_ records: [DocumentRecord]) -> Submission.Readiness? {
        let readable = records.filter { $0.error == nil }
        guard !readable.isEmpty else { return nil }
        var counts: [String: Submission.FeatureCount] = [:]
        for record in readable {
            for feature in record.features {
                let key = "\(feature)/\(record.family)/\(record.format)/\(record.year)"
                counts[
                    key,
                    default: .init(
                        feature: feature, family: record.family, format: record.format, year: record.year, count: 0)
                ]
                .count += 1
            }
        }
        return Submission.Readiness(
            measured: readable.count,
            counts: counts.values.sorted {
                ($0.feature, $0.family.rawValue, $0.format, $0.year ?? 0)
                    < ($1.feature, $1.family.rawValue, $1.format, $1.year ?? 0)
            })
    }

    @Test(arguments: Backend.allCases)
    func featuresAreCountedByFeatureFamilyFormatAndYearAndRescansReplaceThem(backend: Backend) async throws {
        let store = try await backend.open()
        var files = [
            Self.record("/srv/a.docx", format: "docx", year: 2019, features: [.oleObjects, .signed]),
            Self.record("/srv/b.docx", format: "docx", year: 2019, features: [.oleObjects]),
            Self.record("/srv/c.odt", format: "odt", year: 2024, features: [.basic, .template]),
            Self.record("/srv/d.odt", format: "odt", year: 2024, features: []),
            document("/srv/broken.odt", error: .truncated),
        ]
        files[4].features = [.encrypted]  // a file that could not be read counts nowhere but in the errors
        try await Self.scanWithIndex(store, root: "/srv", files)
        #expect(try await store.documentReadiness(organisation: Self.organisation) == Self.expectedReadiness(files))

        // Changed: a file gains macros, another loses its features; one is deleted; one is unchanged.
        files[1] = Self.record("/srv/b.docx", format: "docx", year: 2026, features: [.vba, .activeX])
        files[1].size += 7
        files[2] = Self.record("/srv/c.odt", format: "odt", year: 2024, features: [])
        files[2].size += 9
        files.remove(at: 3)
        let summary = try await Self.scanWithIndex(store, root: "/srv", files)
        #expect((summary.changed, summary.unchanged, summary.deleted) == (2, 2, 1))
        let readiness = try await store.documentReadiness(organisation: Self.organisation)
        #expect(readiness == Self.expectedReadiness(files))
        #expect(readiness?.counts.contains { $0.feature == .vba && $0.year == 2026 } == true)
        #expect(readiness?.counts.contains { $0.feature == .basic } == false)
        try await store.close()
    }

    @Test(arguments: Backend.allCases)
    func aStoreWithoutReadableDocumentsHasNoReadinessNotZero(backend: Backend) async throws {
        let store = try await backend.open()
        #expect(try await store.documentReadiness(organisation: Self.organisation) == nil)
        try await Self.scanWithIndex(store, root: "/srv", [document("/srv/empty.odt", error: .empty)])
        #expect(try await store.documentReadiness(organisation: Self.organisation) == nil)
        try await store.close()
    }

    /// A store as schema step 5 left it: every step before 6 applied, documents without features. Made by
    /// taking step 6 back out of a current store (its column and its record), which is what step 5 left.
    static func backToStep5(_ location: StoreLocation) async throws {
        let undoStep6 = [
            "ALTER TABLE documents DROP COLUMN features",
            "DELETE FROM grdb_migrations WHERE identifier = 'v6-document-features'",
        ]
        // A killed scan's stage from before step 6 (no features column): step 6 drops it.
        let killedStage = [
            """
            INSERT INTO scan_progress (id, organisation, root_key, started, owner)
            VALUES (99, 751, 'r:other', 0, 'host:1:0')
            """,
            "CREATE TABLE scan_stage_99 (path_key TEXT PRIMARY KEY)",
        ]
        try await location.executeBehindTheStore(
            sqlite: undoStep6 + killedStage,
            postgres: ["ALTER TABLE documents DROP COLUMN features", "DELETE FROM schema_migrations WHERE version = 6"])
    }

    @Test(arguments: Backend.persistent)
    func aStoreFromBeforeStep6IsMigratedAndItsFilesAreReadOnceMore(backend: Backend) async throws {
        let location = try backend.freshLocation()
        let files = [
            Self.record("/srv/a.docx", format: "docx", year: 2019, features: [.vba]),
            Self.record("/srv/b.odt", format: "odt", year: 2024, features: []),
        ]
        var store = try await EstateStoreFactory.open(location)
        try await Self.scanWithIndex(store, root: "/srv", files)
        let counts = try await store.documentCounts(organisation: Self.organisation)
        try await store.close()
        try await Self.backToStep5(location)

        store = try await EstateStoreFactory.open(location)
        #expect(try await store.schemaVersion() == StoreSchema.currentVersion)
        // Counted as before, but not measured for features (never zero), until the root is scanned again.
        #expect(try await store.documentCounts(organisation: Self.organisation) == counts)
        #expect(try await store.documentReadiness(organisation: Self.organisation) == nil)
        let summary = try await Self.scanWithIndex(store, root: "/srv", files)
        #expect((summary.new, summary.changed, summary.unchanged, summary.deleted) == (0, 2, 0, 0))
        #expect(try await store.documentCounts(organisation: Self.organisation) == counts)
        #expect(try await store.documentReadiness(organisation: Self.organisation) == Self.expectedReadiness(files))
        // Then as any store: the next rescan reads nothing.
        #expect(try await Self.scanWithIndex(store, root: "/srv", files).unchanged == 2)
        try await store.close()
        if case .sqlite(let path) = location {
            let queue = try DatabaseQueue(path: path)
            let leftovers = try await queue.read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM scan_progress") ?? -1,
                    try db.tableExists("scan_stage_99")
                )
            }
            #expect(leftovers.0 == 0)
            #expect(!leftovers.1)
            try queue.close()
        }
    }
}
