import Foundation
import GRDB
import GRDBSQLite
import OverblikModel

/// Software records flattened into one byte buffer and a table of offsets: the columns of the `software`
/// table, ready to bind.
///
/// The importer's thread fills a batch (copying each value's bytes once) and hands the whole batch to the
/// store's thread, which binds straight from these bytes. No `String` crosses threads (a record's strings
/// are released where they were made, not on another core), and SQLite copies nothing per value.
struct SoftwareRowBatch: Sendable {
    /// Text columns per row, in insert order: source, host, title, publisher, version, package, platform,
    /// product, product_version, version_line, component, rule, classified_title.
    static let textColumns = 13
    /// Integer columns per row: organisation, line, install_count, counts_as_installation.
    static let integerColumns = 4

    /// Starts with one byte that belongs to no value, so an empty text never has a nil address (which SQLite
    /// would store as NULL).
    private(set) var bytes: [UInt8] = [0]
    /// Per row and text column: start in `bytes` and length; start -1 for NULL.
    private(set) var texts: [Int] = []
    private(set) var integers: [Int] = []
    /// `install_date` (seconds since 1970), nil for NULL.
    private(set) var dates: [Double?] = []
    private(set) var count = 0
    /// The hosts and host-less organisations the rows name (see ``ListedInventories``).
    private(set) var listed = ListedInventories()

    init(reservingRows rows: Int = 0) {
        if rows > 0 {
            bytes.reserveCapacity(rows * 256)
            texts.reserveCapacity(rows * Self.textColumns * 2)
            integers.reserveCapacity(rows * Self.integerColumns)
            dates.reserveCapacity(rows)
        }
    }

    init(_ records: [SoftwareRecord], organisation: Int) {
        self.init(reservingRows: records.count)
        for record in records { append(record, organisation: organisation) }
    }

    var isEmpty: Bool { count == 0 }

    /// Adds one record; `organisation` stands in for a record without one (the import's organisation).
    mutating func append(_ record: SoftwareRecord, organisation: Int) {
        let classification = record.classification
        text(record.source)
        text(record.host)
        text(record.title)
        text(record.publisher)
        text(record.version)
        text(record.package)
        text(record.platform)
        text(classification.product)
        text(classification.version)
        text(classification.versionLine)
        text(classification.component)
        text(classification.rule)
        text(record.classificationTitle)
        integers.append(record.organisation ?? organisation)
        listed.add(organisation: record.organisation ?? organisation, host: record.host)
        integers.append(record.line)
        integers.append(record.installCount)
        integers.append(classification.countsAsInstallation ? 1 : 0)
        dates.append(record.installDate?.timeIntervalSince1970)
        count += 1
    }

    private mutating func text(_ value: String?) {
        guard var value else {
            texts.append(-1)
            texts.append(0)
            return
        }
        let start = bytes.count
        value.withUTF8 { utf8 in
            // The store has always bound text as a C string, which ends at the first NUL byte: keep that.
            var length = utf8.count
            if let base = utf8.baseAddress, let nul = memchr(base, 0, length) {
                length = base.distance(to: nul.assumingMemoryBound(to: UInt8.self))
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[0..<length]))
        }
        texts.append(start)
        texts.append(bytes.count - start)
    }

    /// Rows per INSERT statement (19 parameters each, within SQLite's 999-parameter floor): one statement
    /// step per group instead of per row.
    static let rowsPerStatement = 32

    static func insertSQL(rows: Int) -> String {
        let tuple = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        return """
            INSERT INTO software (import_id, organisation, source, line, host, title, publisher, version,
                package, platform, install_count, install_date, product, product_version, version_line,
                component, counts_as_installation, rule, classified_title)
            VALUES \(Array(repeating: tuple, count: rows).joined(separator: ", "))
            """
    }

    /// Inserts every row into `software` for import `importID`, in order, binding values in place
    /// (SQLITE_STATIC): the bytes stay put until each statement has been stepped and reset.
    func insert(into db: Database, importID: Int64) throws {
        guard !isEmpty else { return }
        let group = Self.rowsPerStatement
        let grouped = try db.cachedStatement(sql: Self.insertSQL(rows: group)).sqliteStatement
        let single = try db.cachedStatement(sql: Self.insertSQL(rows: 1)).sqliteStatement
        try bytes.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
            var row = 0
            while row < count {
                let rows = count - row >= group ? group : 1
                let sqlite = rows == group ? grouped : single
                for offset in 0..<rows {
                    bind(row: row + offset, to: sqlite, first: Int32(offset * 19), base, importID)
                }
                let code = sqlite3_step(sqlite)
                sqlite3_reset(sqlite)
                guard code == SQLITE_DONE else {
                    sqlite3_clear_bindings(grouped)
                    sqlite3_clear_bindings(single)
                    throw StoreError.database(operation: "bulk insert", failure: DatabaseFailure(connection: db))
                }
                row += rows
            }
            // No binding may outlive the bytes it points into.
            sqlite3_clear_bindings(grouped)
            sqlite3_clear_bindings(single)
        }
    }

    /// Binds row `row` to parameters `first + 1` ... `first + 19` of `sqlite`.
    @inline(__always)
    private func bind(
        row: Int, to sqlite: OpaquePointer, first: Int32, _ base: UnsafePointer<CChar>, _ importID: Int64
    ) {
        // Parameter number of each text column, in `texts` order.
        let textParameters:
            (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) =
                (3, 5, 6, 7, 8, 9, 10, 13, 14, 15, 16, 18, 19)
        sqlite3_bind_int64(sqlite, first + 1, importID)
        let integer = row * Self.integerColumns
        sqlite3_bind_int64(sqlite, first + 2, Int64(integers[integer]))
        sqlite3_bind_int64(sqlite, first + 4, Int64(integers[integer + 1]))
        sqlite3_bind_int64(sqlite, first + 11, Int64(integers[integer + 2]))
        sqlite3_bind_int64(sqlite, first + 17, Int64(integers[integer + 3]))
        if let date = dates[row] {
            sqlite3_bind_double(sqlite, first + 12, date)
        } else {
            sqlite3_bind_null(sqlite, first + 12)
        }
        var slot = row * Self.textColumns * 2
        withUnsafeBytes(of: textParameters) { parameters in
            for parameter in parameters.bindMemory(to: Int32.self) {
                let start = texts[slot]
                if start < 0 {
                    sqlite3_bind_null(sqlite, first + parameter)
                } else {
                    sqlite3_bind_text(sqlite, first + parameter, base + start, Int32(texts[slot + 1]), nil)
                }
                slot += 2
            }
        }
    }
}
