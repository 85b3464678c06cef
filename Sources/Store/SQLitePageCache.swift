import GRDB

/// The connection's page cache set smaller for one piece of work, then put back to the store's size: for a sort,
/// and for reading a file index snapshot whose pages are each read once.
///
/// SQLite's sorter (`CREATE INDEX`, `ORDER BY` without an index) keeps as much in memory as the page cache may
/// hold before it spills to temporary files: with the store's 16 MB cache already full, a sort of a million
/// rows took 16 MB more at a first scan's finish (peak 95 MB, near issue 14's 100 MB).
enum SQLitePageCache {
    /// What a sort at a scan's finish may keep in memory (KiB).
    static let sortingKiB = 4096

    /// Helper threads SQLite's sorter may use beside the connection's own (`PRAGMA threads`): a finish's index
    /// builds run after every file is read, on an otherwise idle machine. Each sorts its share of the rows within
    /// ``sortingKiB``, so a sort may hold up to (1 + helpers) × that in memory.
    static let sortingHelpers = 1

    /// `body` with the page cache at ``sortingKiB`` and SQLite's sorter allowed ``sortingHelpers`` helper threads
    /// (put back to none after): the finish's `CREATE INDEX`es. With a helper, the sorter sorts and writes each
    /// spilled run on another thread while it reads on; 100,000 rows: 177 → 135 ms for `documents_folders`.
    static func withSortingBudget<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try withSize(db, kiB: sortingKiB) {
            try db.execute(sql: "PRAGMA threads = \(sortingHelpers)")
            defer { try? db.execute(sql: "PRAGMA threads = 0") }
            return try body()
        }
    }

    static func withSize<T>(_ db: Database, kiB: Int, _ body: () throws -> T) throws -> T {
        let size = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? 0
        try db.execute(sql: "PRAGMA cache_size = -\(kiB)")
        defer { try? db.execute(sql: "PRAGMA cache_size = \(size)") }
        return try body()
    }
}
