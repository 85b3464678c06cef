import Foundation
import GRDB
import OverblikModel
import Store
import StorePostgres
import Testing
import TestSupport

/// The backends every contract test runs on, always all three: a test that runs on PostgreSQL carries the
/// `.postgres` tag, and without `OVERBLIK_TEST_POSTGRES_URL` (`scripts/with-postgres.sh` sets it) it fails
/// rather than passing on SQLite alone.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqliteMemory = "sqlite-memory"
    case sqliteFile = "sqlite-file"
    case postgres

    var testDescription: String { rawValue }

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["OVERBLIK_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Backends that persist across connections (for multi-process tests).
    static var persistent: [Backend] { allCases.filter { $0 != .sqliteMemory } }

    /// A fresh, empty store location of this kind: its own temp file or its own PostgreSQL schema.
    func freshLocation() throws -> StoreLocation {
        switch self {
        case .sqliteMemory:
            return .sqliteInMemory
        case .sqliteFile:
            return .sqlite(path: try Fixtures.temporaryDirectory("store").appendingPathComponent("store.sqlite").path)
        case .postgres:
            guard let url = Self.postgresURL else {
                Issue.record(
                    "OVERBLIK_TEST_POSTGRES_URL is not set: run the tests through scripts/with-postgres.sh (make test does)"
                )
                throw TestSetupError.postgresMissing
            }
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let separator = url.contains("?") ? "&" : "?"
            return .postgres(url: url + separator + "schema=" + schema)
        }
    }

    func open() async throws -> any EstateStore {
        try await EstateStoreFactory.open(try freshLocation())
    }
}

extension StoreLocation {
    /// Runs statements on the store's database behind the store's back (to make it look as an older build left it):
    /// `sqlite` in one write transaction, `postgres` through psql in the store's own schema.
    func executeBehindTheStore(sqlite: [String], postgres: [String]) async throws {
        switch self {
        case .sqlite(let path):
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                for statement in sqlite { try db.execute(sql: statement) }
            }
            try queue.close()
        case .postgres(let url):
            guard let schema = url.components(separatedBy: "schema=").last, let base = Backend.postgresURL else {
                throw TestSetupError.postgresMissing
            }
            let status = try await MigrationTests.psql(
                base, ["-c", (["SET search_path TO \(schema)"] + postgres).joined(separator: "; ")])
            try #require(status == 0)
        default:
            Issue.record("no database behind \(self)")
        }
    }
}

enum TestSetupError: Error {
    case postgresMissing
    case helperMissing(String)
}

let testCatalog = CatalogStamp(version: "test-1", digest: "sha256:catalog")

/// A scanned ODF or OOXML document for tests.
func document(
    _ path: String, size: Int64 = 100, modified: Double = 1_700_000_000, family: DocumentFamily = .odf,
    format: String = "odt", suite: String? = "libreoffice", line: String? = "7.6", odf: String? = "1.3",
    error: ReadFailureKind? = nil
) -> DocumentRecord {
    var record = DocumentRecord(
        path: path, family: family, container: .zip, format: format, size: size,
        modified: Date(timeIntervalSince1970: modified))
    record.suite = suite
    record.suiteVersionLine = line
    record.odfVersion = odf
    record.error = error
    record.generator = suite.map { "\($0)/\(line ?? "")" }
    return record
}

/// An inventory line for tests.
func software(
    organisation: Int = 751, line: Int, host: String?, title: String = "LibreOffice 7.6.4.1",
    product: String = "libreoffice",
    versionLine: String? = "7.6", counts: Bool = true, installCount: Int = 1,
    publisher: String? = "The Document Foundation"
) -> SoftwareRecord {
    SoftwareRecord(
        organisation: organisation, source: "inventory.csv", line: line, host: host, title: title, publisher: publisher,
        version: nil, package: nil, platform: "windows", installCount: installCount, installDate: nil,
        classification: Classification(
            product: product, versionLine: versionLine, countsAsInstallation: counts, rule: "test"))
}

/// Runs a full scan of `root` with the given records (none skipped).
@discardableResult
func scan(
    _ store: any EstateStore, organisation: Int? = 751, root: String, _ records: [DocumentRecord],
    unchanged: [String] = [], includePaths: Bool = false
) async throws -> ScanSummary {
    let session = try await store.beginScan(
        ScanHeader(organisation: organisation, root: root, catalog: testCatalog, includePaths: includePaths))
    try await session.add(records)
    try await session.markUnchanged(paths: unchanged)
    return try await session.finish(finished: Date())
}

@discardableResult
func importFile(
    _ store: any EstateStore, organisation: Int = 751, hash: String, _ records: [SoftwareRecord],
    usage: [UsageDeclaration] = []
) async throws -> ImportOutcome {
    let session = try await store.beginImport(
        ImportHeader(
            organisation: organisation, fileHash: hash, fileName: "inventory.csv", format: "csv", catalog: testCatalog,
            linesRead: records.count))
    try await session.add(software: records)
    try await session.add(usage: usage)
    return try await session.finish(finished: Date())
}

/// `documents`' rows as text for comparing stores: every column but the id (the store's own, given in the order
/// rows went in) quoted and joined with `|`, with each column's SQLite type after them when `withTypes`; the rows
/// `condition` holds for, ordered by `order`.
func documentsRowsWithoutIDs(
    _ db: Database, where condition: String = "true", order: String, withTypes: Bool = false
) throws -> [String] {
    let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('documents')").filter { $0 != "id" }
    let values = columns.map { "quote(\($0))" } + (withTypes ? columns.map { "typeof(\($0))" } : [])
    return try String.fetchAll(
        db, sql: "SELECT \(values.joined(separator: " || '|' || ")) FROM documents WHERE \(condition) ORDER BY \(order)"
    )
}

/// What SQLite keeps of a schema, its own objects included (`sqlite_sequence`, the indexes behind `UNIQUE`), as
/// text in a fixed order: every object, or those of one table. Root pages are left out: they depend on the order
/// the objects were made in.
func sqliteObjects(_ db: Database, table: String? = nil) throws -> [String] {
    try String.fetchAll(
        db,
        sql: """
            SELECT type || ' ' || name || ' ' || tbl_name || ' ' || quote(sql) FROM sqlite_master
            WHERE ?1 IS NULL OR tbl_name = ?1 ORDER BY type, name
            """, arguments: [table])
}

/// Migrates `queue` as a release whose schema went up to step `version` left it: that release's steps' statements,
/// recorded under their names, so that opening the store now upgrades it from there.
func migrate(_ queue: DatabaseQueue, throughStep version: Int) throws {
    var release = DatabaseMigrator()
    for step in StoreSchema.steps(dialect: .sqlite) where step.version <= version {
        release.registerMigration(step.name) { db in
            for statement in step.statements { try db.execute(sql: statement) }
        }
    }
    try release.migrate(queue)
}
