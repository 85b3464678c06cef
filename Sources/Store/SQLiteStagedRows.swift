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
        // No binding may outlive the call: the texts of the last row are bound where they lay (SQLITE_STATIC).
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
        // Each row's texts are gathered into one buffer that lives until the row is stepped, and bound where they
        // lie (`SQLITE_STATIC`): bound as copies, each text cost SQLite a malloc and a copy. By index, so that
        // each row is bound where it lies (`for row in rows` copied it: a retain per text).
        var texts = RowTexts()
        for index in rows.indices {
            texts.gather(rows[index])
            let code = texts.withBound(to: statement) { textsBound in
                let bound = textsBound == SQLITE_OK ? bindOthers(rows[index], to: statement) : textsBound
                return bound == SQLITE_OK ? sqlite3_step(statement) : bound
            }
            sqlite3_reset(statement)
            guard code == SQLITE_DONE else {
                throw StoreError.database(
                    operation: "stage scan records", failure: DatabaseFailure(connection: db, sql: sql))
            }
        }
    }

    /// The text columns of one row as bytes in one buffer, bound from there without a copy. Each text is cut at
    /// its first NUL byte and `nil` stays NULL, as GRDB binds a `String?` (a C string).
    struct RowTexts {
        private var bytes: [UInt8] = []
        /// Per text column, in gathering order: its parameter, and its start and length in `bytes` (start -1:
        /// NULL).
        private var spans: [(parameter: Int32, start: Int, count: Int)] = []

        init() {
            bytes.reserveCapacity(1024)
            spans.reserveCapacity(18)
        }

        /// Gathers the texts of parameters 1 ... 15, 18, 22 and 23 (``DocumentUpsert/stagedColumns``).
        mutating func gather(_ row: DocumentRow) {
            bytes.removeAll(keepingCapacity: true)
            spans.removeAll(keepingCapacity: true)
            add(1, row.pathKey)
            add(2, row.folderKey)
            add(3, row.path)
            add(4, row.topFolder)
            add(5, row.family)
            add(6, row.container)
            add(7, row.format)
            add(8, row.mimetype)
            add(9, row.odfVersion)
            add(10, row.generator)
            add(11, row.application)
            add(12, row.appVersion)
            add(13, row.suite)
            add(14, row.suiteVersion)
            add(15, row.suiteVersionLine)
            add(18, row.error)
            add(22, row.features)
            add(23, row.conformance)
        }

        private mutating func add(_ parameter: Int32, _ value: String?) {
            guard var value else {
                spans.append((parameter, -1, 0))
                return
            }
            let start = bytes.count
            value.withUTF8 { bytes.append(contentsOf: SQLiteStagedRows.cString($0)) }
            spans.append((parameter, start, bytes.count - start))
        }

        /// Binds the gathered texts where they lie and runs `body` with the first failing code, else `SQLITE_OK`.
        /// The row must be stepped within `body`: the bytes may move after it.
        func withBound(to statement: OpaquePointer, _ body: (Int32) -> Int32) -> Int32 {
            bytes.withUnsafeBufferPointer { buffer in
                var failure = SQLITE_OK
                for span in spans {
                    let code =
                        span.start < 0
                        ? sqlite3_bind_null(statement, span.parameter)
                        : SQLiteStagedRows.bindText(
                            UnsafeBufferPointer(rebasing: buffer[span.start..<(span.start + span.count)]), statement,
                            span.parameter, staticText)
                    if failure == SQLITE_OK && code != SQLITE_OK { failure = code }
                }
                return body(failure)
            }
        }
    }

    /// Binds the row's other columns (16, 17 and 19 ... 21); the first failing code, else `SQLITE_OK`.
    private static func bindOthers(_ row: DocumentRow, to statement: OpaquePointer) -> Int32 {
        var failure = SQLITE_OK
        func check(_ code: Int32) { if failure == SQLITE_OK && code != SQLITE_OK { failure = code } }
        check(sqlite3_bind_int64(statement, 16, row.encrypted ? 1 : 0))
        check(row.year.map { sqlite3_bind_int64(statement, 17, Int64($0)) } ?? sqlite3_bind_null(statement, 17))
        check(sqlite3_bind_int64(statement, 19, Int64(row.warnings)))
        check(sqlite3_bind_int64(statement, 20, row.size))
        check(sqlite3_bind_double(statement, 21, row.modified))
        return failure
    }

    /// Binds text as GRDB binds a `String` (a C string: up to its first NUL byte), copied by SQLite; nil as NULL.
    private static func text(_ value: String?, _ statement: OpaquePointer, _ index: Int32) -> Int32 {
        guard var value else { return sqlite3_bind_null(statement, index) }
        return value.withUTF8 { bindText(cString($0), statement, index, transient) }
    }

    /// The bytes GRDB binds for a `String` with these UTF-8 bytes: those before the first NUL byte.
    static func cString(_ utf8: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: utf8[..<(utf8.firstIndex(of: 0) ?? utf8.count)])
    }

    /// Binds `text` (already cut at its NUL) as text: empty text is bound as empty, not NULL, and never from a nil
    /// address (which SQLite would bind as NULL).
    static func bindText(
        _ text: UnsafeBufferPointer<UInt8>, _ statement: OpaquePointer, _ index: Int32,
        _ destructor: sqlite3_destructor_type?
    ) -> Int32 {
        guard let base = text.baseAddress, !text.isEmpty else {
            return sqlite3_bind_text(statement, index, "", 0, transient)
        }
        return base.withMemoryRebound(to: CChar.self, capacity: text.count) {
            sqlite3_bind_text(statement, index, $0, Int32(text.count), destructor)
        }
    }

    /// SQLite copies the bytes before the call returns (`SQLITE_TRANSIENT`).
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    /// SQLite reads the bytes where they lie, until they are bound again or cleared (`SQLITE_STATIC`).
    private static let staticText: sqlite3_destructor_type? = nil
}
