import Foundation
import GRDB
import OverblikModel
import Store
import TestSupport
import Testing

/// Software records reach SQLite through `ImportRecorder`, which flattens them into column bytes on the
/// importer's thread and binds those bytes in place on the store's thread. The rows must be exactly the
/// records' values, across batch boundaries, and a cancelled import must leave nothing.
@Suite(.tags(.store)) struct ImportRowTests {
    static let organisation = 751

    /// Records that exercise every column kind: NULLs, empty texts, non-ASCII, an embedded NUL, dates.
    static func records() -> [SoftwareRecord] {
        func record(
            organisation: Int?, line: Int, host: String?, title: String, publisher: String?, version: String?,
            package: String?, platform: String?, count: Int, date: Date?, classification: Classification
        ) -> SoftwareRecord {
            SoftwareRecord(
                organisation: organisation, source: "inventory æ.csv", line: line, host: host, title: title,
                publisher: publisher, version: version, package: package, platform: platform, installCount: count,
                installDate: date, classification: classification)
        }
        let libreOffice = Classification(
            product: "libreoffice", version: "24.2.7.2", versionLine: "24.2", component: "writer",
            countsAsInstallation: true, rule: "title:libreoffice")
        let unknown = Classification(product: "unknown", countsAsInstallation: false, rule: "unknown")
        return [
            record(
                organisation: 751, line: 2, host: "h:0123456789abcdef", title: "LibreOffice 24.2.7.2 (x64)",
                publisher: "The Document Foundation", version: "24.2.7.2", package: "{0F1E2D3C-0000-1111-2222-ABCDEF}",
                platform: "windows", count: 1, date: Date(timeIntervalSince1970: 1_705_276_800),
                classification: libreOffice),
            record(
                organisation: nil, line: 3, host: nil, title: "Ukendt program", publisher: nil, version: nil,
                package: nil, platform: nil, count: 40, date: nil, classification: unknown),
            record(
                organisation: 101, line: 4, host: "", title: "Tekstbehandling æøå – Ünïcode ✓", publisher: "",
                version: "", package: "", platform: "", count: 0, date: Date(timeIntervalSince1970: -86_400),
                classification: unknown),
            record(
                organisation: 751, line: 5, host: "h:2", title: "Before\u{0}After", publisher: "Nul\u{0}", version: "1",
                package: nil, platform: "linux", count: 3, date: nil, classification: libreOffice),
            record(
                organisation: 751, line: 6, host: "h:3", title: String(repeating: "Long title ", count: 400),
                publisher: "P", version: "2", package: "pkg", platform: "windows", count: 1, date: nil,
                classification: libreOffice),
        ]
    }

    /// What the store keeps of a text: SQLite has always been given C strings, which end at the first NUL.
    static func stored(_ text: String?) -> String? {
        text.map { String($0.unicodeScalars.prefix { $0 != "\u{0}" }) }
    }

    static func header(hash: String) -> ImportHeader {
        ImportHeader(
            organisation: organisation, fileHash: hash, fileName: "inventory.csv", format: "csv", catalog: testCatalog)
    }

    static func storeFile() throws -> String {
        try Fixtures.temporaryDirectory("store-rows").appendingPathComponent("store.sqlite").path
    }

    static func softwareRows(_ path: String) throws -> [Row] {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT organisation, source, line, host, title, publisher, version, package, platform, install_count,
                        install_date, product, product_version, version_line, component, counts_as_installation, rule
                    FROM software ORDER BY id
                    """)
        }
    }

    static func expectRows(_ rows: [Row], match records: [SoftwareRecord]) {
        #expect(rows.count == records.count)
        for (row, record) in zip(rows, records) {
            let c = record.classification
            #expect(row["organisation"] as Int? == record.organisation ?? organisation)
            #expect(row["source"] as String? == stored(record.source))
            #expect(row["line"] as Int? == record.line)
            #expect(row["host"] as String? == stored(record.host))
            #expect(row["title"] as String? == stored(record.title))
            #expect(row["publisher"] as String? == stored(record.publisher))
            #expect(row["version"] as String? == stored(record.version))
            #expect(row["package"] as String? == stored(record.package))
            #expect(row["platform"] as String? == stored(record.platform))
            #expect(row["install_count"] as Int? == record.installCount)
            #expect(row["install_date"] as Double? == record.installDate?.timeIntervalSince1970)
            #expect(row["product"] as String? == c.product)
            #expect(row["product_version"] as String? == c.version)
            #expect(row["version_line"] as String? == c.versionLine)
            #expect(row["component"] as String? == c.component)
            #expect(row["counts_as_installation"] as Bool? == c.countsAsInstallation)
            #expect(row["rule"] as String? == c.rule)
        }
    }

    @Test func recorderBatchesStoreEachRecordsValues() async throws {
        let records = Self.records()
        // Batches of two: three hand-overs, the last one partly filled.
        let path = try Self.storeFile()
        let store = try SQLiteEstateStore(path: path)
        let outcome = try await DedicatedThread.run { () throws -> Int in
            let recorder = try ImportRecorder(store: store, header: Self.header(hash: "sha256:rows"), batchSize: 2)
            for record in records { try recorder.add(record) }
            return try recorder.finish().summary.softwareRecords
        }
        try await store.close()
        #expect(outcome == records.count)
        let rows = try Self.softwareRows(path)
        Self.expectRows(rows, match: records)
        // Not vacuous: the embedded NUL and the empty texts are really in the input.
        #expect(rows[3]["title"] as String? == "Before")
        #expect(rows[2]["publisher"] as String? == "")
        #expect(rows[1]["publisher"] as String? == nil)

        // The session's own `add(software:)` stores the same rows.
        let direct = try Self.storeFile()
        let directStore = try SQLiteEstateStore(path: direct)
        try await importFile(directStore, hash: "sha256:rows", records)
        try await directStore.close()
        #expect(try Self.softwareRows(direct) == rows)
    }

    /// Enough rows for the grouped INSERT (32 rows per statement) and single-row remainders, across batches.
    @Test func groupedInsertsKeepRowsAndOrder() async throws {
        let variants = Self.records()
        let records = (0..<75).map { index in
            var record = variants[index % variants.count]
            record.line = 1_000 + index
            return record
        }
        let path = try Self.storeFile()
        let store = try SQLiteEstateStore(path: path)
        try await DedicatedThread.run { () throws -> Void in
            let recorder = try ImportRecorder(store: store, header: Self.header(hash: "sha256:grouped"), batchSize: 70)
            for record in records { try recorder.add(record) }
            _ = try recorder.finish()
        }
        try await store.close()
        let rows = try Self.softwareRows(path)
        Self.expectRows(rows, match: records)
        #expect(rows.map { $0["line"] as Int } == Array(1_000..<1_075))
    }

    @Test func cancelledRecorderLeavesNothingAfterBatchesWereWritten() async throws {
        let path = try Self.storeFile()
        let store = try SQLiteEstateStore(path: path)
        let records = Self.records()
        try await DedicatedThread.run { () throws -> Void in
            let recorder = try ImportRecorder(store: store, header: Self.header(hash: "sha256:cancel"), batchSize: 2)
            for record in records { try recorder.add(record) }  // two batches handed over already
            recorder.cancel()
        }
        #expect(try await store.importSummary(organisation: Self.organisation, fileHash: "sha256:cancel") == nil)
        try await store.close()
        #expect(try Self.softwareRows(path).isEmpty)
    }
}
