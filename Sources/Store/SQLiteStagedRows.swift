import Foundation
import GRDB
import GRDBSQLite

/// Inserts a scan's rows into its stage through SQLite's C API, binding each ``DocumentRow`` column in place.
///
/// GRDB's `StatementArguments` box every value and convert it again when binding: on a first scan that cost
/// twice SQLite's own insert (about 5 µs of the store's ~22 µs per document). The values bound are the ones GRDB
/// bound: text as a C string (up to its first NUL byte), `Bool` as 0 or 1, integers as 64-bit.
enum SQLiteStagedRows {
    /// What a written-once stage (``SQLiteWrittenOnceStage``) holds beside the staged columns, the same in every
    /// row of a scan.
    struct WrittenOnce: Sendable {
        var organisation: Int
        var rootKey: String
        /// The id the scan's row in `scans` is expected to get: each row's first and last scan.
        var expectedScan: Int64
    }

    static func insertSQL(stage: String, writtenOnce: Bool = false) -> String {
        writtenOnce
            ? """
            INSERT OR REPLACE INTO \(stage) (\(DocumentUpsert.stagedColumns), organisation, root_key, first_scan, last_scan)
            VALUES (\(DocumentUpsert.stagedPlaceholders), ?, ?, ?, ?)
            """
            : """
            INSERT OR REPLACE INTO \(stage) (\(DocumentUpsert.stagedColumns), confirmed)
            VALUES (\(DocumentUpsert.stagedPlaceholders), 1)
            """
    }

    static func insert(
        _ rows: [DocumentRow], into stage: String, writtenOnce: WrittenOnce? = nil, _ db: Database
    ) throws {
        let sql = insertSQL(stage: stage, writtenOnce: writtenOnce != nil)
        let statement = try db.cachedStatement(sql: sql).sqliteStatement
        // No binding may outlive the call: SQLite copied every text (SQLITE_TRANSIENT), so clearing is tidiness.
        defer { sqlite3_clear_bindings(statement) }
        // The same for every row: bound once, kept by SQLite across resets.
        if let writtenOnce {
            // The parameters after the staged columns, in `insertSQL`'s order.
            let next = Int32(DocumentUpsert.stagedColumnCount)
            let bound = [
                sqlite3_bind_int64(statement, next + 1, Int64(writtenOnce.organisation)),
                text(writtenOnce.rootKey, statement, next + 2),
                sqlite3_bind_int64(statement, next + 3, writtenOnce.expectedScan),
                sqlite3_bind_int64(statement, next + 4, writtenOnce.expectedScan),
            ]
            guard bound.allSatisfy({ $0 == SQLITE_OK }) else {
                throw StoreError.database(
                    operation: "stage scan records", failure: DatabaseFailure(connection: db, sql: sql))
            }
        }
        // By index, so that each row is bound where it lies (`for row in rows` copied it: a retain per text).
        for index in rows.indices {
            let bound = bind(rows[index], to: statement)
            let code = bound == SQLITE_OK ? sqlite3_step(statement) : bound
            sqlite3_reset(statement)
            guard code == SQLITE_DONE else {
                throw StoreError.database(
                    operation: "stage scan records", failure: DatabaseFailure(connection: db, sql: sql))
            }
        }
    }

    /// Binds the row to parameters 1 ... 23 in ``DocumentUpsert/stagedColumns`` order; the first failing code,
    /// else `SQLITE_OK`.
    private static func bind(_ row: DocumentRow, to statement: OpaquePointer) -> Int32 {
        var failure = SQLITE_OK
        func check(_ code: Int32) { if failure == SQLITE_OK && code != SQLITE_OK { failure = code } }
        check(text(row.pathKey, statement, 1))
        check(text(row.folderKey, statement, 2))
        check(text(row.path, statement, 3))
        check(text(row.topFolder, statement, 4))
        check(text(row.family, statement, 5))
        check(text(row.container, statement, 6))
        check(text(row.format, statement, 7))
        check(text(row.mimetype, statement, 8))
        check(text(row.odfVersion, statement, 9))
        check(text(row.generator, statement, 10))
        check(text(row.application, statement, 11))
        check(text(row.appVersion, statement, 12))
        check(text(row.suite, statement, 13))
        check(text(row.suiteVersion, statement, 14))
        check(text(row.suiteVersionLine, statement, 15))
        check(sqlite3_bind_int64(statement, 16, row.encrypted ? 1 : 0))
        check(row.year.map { sqlite3_bind_int64(statement, 17, Int64($0)) } ?? sqlite3_bind_null(statement, 17))
        check(text(row.error, statement, 18))
        check(sqlite3_bind_int64(statement, 19, Int64(row.warnings)))
        check(sqlite3_bind_int64(statement, 20, row.size))
        check(sqlite3_bind_double(statement, 21, row.modified))
        check(text(row.features, statement, 22))
        check(text(row.conformance, statement, 23))
        return failure
    }

    /// Binds text as GRDB binds a `String` (a C string: up to its first NUL byte), copied by SQLite; nil as NULL.
    @inline(__always)
    private static func text(_ value: String?, _ statement: OpaquePointer, _ index: Int32) -> Int32 {
        guard var value else { return sqlite3_bind_null(statement, index) }
        return value.withUTF8 { utf8 -> Int32 in
            guard let base = utf8.baseAddress, !utf8.isEmpty else {
                return sqlite3_bind_text(statement, index, "", 0, transient)
            }
            var length = utf8.count
            if let nul = memchr(base, 0, length) {
                length = base.distance(to: nul.assumingMemoryBound(to: UInt8.self))
            }
            return base.withMemoryRebound(to: CChar.self, capacity: length) {
                sqlite3_bind_text(statement, index, $0, Int32(length), transient)
            }
        }
    }

    /// SQLite copies the bytes before the call returns (`SQLITE_TRANSIENT`).
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}
