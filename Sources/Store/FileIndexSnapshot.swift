import Foundation
import GRDB
import GRDBSQLite

/// A SQLite store's per-root snapshot of the file index: the root's stamps as one ``StampTable`` in one BLOB
/// (`file_index_snapshot_stamps`), tagged (`file_index_snapshots`) with the scan that left the root's
/// documents as the snapshot holds them.
///
/// Only a scan's finish changes documents, and each finish adds a newer scan of the organisation, so a
/// snapshot whose scan is still the organisation's newest matches the rows exactly (a scan of another root may
/// have reached the same files, so the root's own newest scan is not enough); any other is stale and never
/// used (the rows are read instead). It holds only keyed digests, sizes and times: nothing a path could be
/// read from, as with the `documents` rows' path keys.
enum FileIndexSnapshot {
    /// The most files a snapshot holds (32 bytes each, well under SQLite's default 1 GB length limit).
    static let maximumEntries = 15_000_000
    /// The page cache a snapshot is read through (KiB): a few pages, each read once.
    static let snapshotCacheKiB = 512

    /// The snapshot written by `scan`, or nil when there is none, it belongs to another scan, or its bytes
    /// are not a snapshot this build reads.
    static func read(_ db: Database, organisation: Int, rootKey: String, scan: Int64) throws -> StampTable? {
        guard
            let row = try Int64.fetchOne(
                db,
                sql: """
                    SELECT s.rowid FROM file_index_snapshots t JOIN file_index_snapshot_stamps s
                        ON s.organisation = t.organisation AND s.root_key = t.root_key
                    WHERE t.organisation = ? AND t.root_key = ? AND t.scan_id = ?
                    """, arguments: [organisation, rootKey, scan])
        else { return nil }
        // Read in pieces straight from the pages (incremental BLOB I/O): the megabytes are never assembled
        // into one buffer first.
        var blob: OpaquePointer?
        guard
            sqlite3_blob_open(db.sqliteConnection, "main", "file_index_snapshot_stamps", "stamps", row, 0, &blob)
                == SQLITE_OK
        else {
            sqlite3_blob_close(blob)
            throw StoreError.database(operation: "file index", failure: DatabaseFailure(connection: db))
        }
        defer { sqlite3_blob_close(blob) }
        // Each page of the snapshot is read once: through a small page cache, so that a million files' 30 MB of
        // stamps do not fill the store's 16 MB cache while the table laid out from them grows (that was a
        // rescan's peak memory). The store's cache size is back as soon as the table is read.
        return try SQLitePageCache.withSize(db, kiB: snapshotCacheKiB) {
            StampTable(snapshotByteCount: Int(sqlite3_blob_bytes(blob))) { buffer, offset in
                sqlite3_blob_read(blob, buffer.baseAddress, Int32(buffer.count), Int32(offset)) == SQLITE_OK
            }
        }
    }

    /// Brings the root's snapshot up to date for `scan`, the scan finishing in this transaction, once its
    /// documents are written. `previousScan` is the organisation's newest scan before it. When the scan changed no
    /// document and the snapshot matched `previousScan`, the snapshot still holds, and is only re-tagged;
    /// otherwise it is rebuilt: from `staged` when given, else from the root's rows.
    ///
    /// `staged`: the stamps the finishing scan staged and the number of rows its stage holds, given only when the
    /// root's rows are now exactly those rows (a first scan of the root, nothing stored below it before, its stage
    /// its own and every staged row below the root). Runs whose distinct digests are not that many rows are not
    /// used.
    static func update(
        _ db: Database, organisation: Int, rootKey: String, rootFolder: String, previousScan: Int64?, scan: Int64,
        documentsChanged: Bool, staged: (runs: StampRuns.Sorted, rows: Int)? = nil
    ) throws {
        if !documentsChanged, let previousScan,
            try Int64.fetchOne(
                db, sql: "SELECT scan_id FROM file_index_snapshots WHERE organisation = ? AND root_key = ?",
                arguments: [organisation, rootKey]) == previousScan
        {
            try db.execute(
                sql: "UPDATE file_index_snapshots SET scan_id = ? WHERE organisation = ? AND root_key = ?",
                arguments: [scan, organisation, rootKey])
            // The root's grouped documents hold as well, when they were current.
            try db.execute(
                sql: """
                    UPDATE document_tally_snapshots SET scan_id = ?
                    WHERE organisation = ? AND root_key = ? AND scan_id = ?
                    """, arguments: [scan, organisation, rootKey, previousScan])
            return
        }
        if let staged, staged.rows <= maximumEntries,
            try write(
                db, organisation: organisation, rootKey: rootKey, scan: scan, runs: staged.runs, rows: staged.rows)
        {
            return
        }
        let expected = try DocumentScope.countWithFolders(
            db, organisation: organisation, rootFolder: rootFolder)
        guard expected <= maximumEntries,
            let blob = try reserve(db, organisation: organisation, rootKey: rootKey, scan: scan, entries: expected)
        else {
            // Above ~15 million files the BLOB would near SQLite's length limit (1 GB): such a root reads its rows.
            try delete(db, organisation: organisation, rootKey: rootKey)
            return
        }
        defer { sqlite3_blob_close(blob) }
        // Read in digest order (the covering index's order: `p:` + lowercase hex sorts as the 128 bits do) and
        // written into the reserved BLOB in 64 KB pieces as read: nothing per file is held in memory (a root of
        // 300,000 files took ~100 MB more at its finish when the rows were gathered and laid out first).
        let written = try stream(db, into: blob, entries: expected) { add in
            try DocumentScope.forEachKey(
                db, organisation: organisation, rootFolder: rootFolder, rootKey: rootKey,
                columns: "path_key, size, modified",
                legacy: false, ordered: true
            ) { key, row in try add(StampTable.Entry(key: key, row: row)) }
            return true
        }
        // The finishing scan trusts the snapshot's count to be the root's rows (that is how it knows nothing
        // is gone): a row it cannot hold (a key this build cannot parse, such as a full path kept with
        // --include-paths, a negative size, keys out of digest order) means no snapshot.
        if !written {
            try delete(db, organisation: organisation, rootKey: rootKey)
        }
    }

    /// Writes the root's snapshot for `scan` from the stamps a first scan staged, merged in digest order straight
    /// into the reserved BLOB in 64 KB pieces; false when they cannot make the snapshot the rows would (not `rows`
    /// distinct digests, a negative size, a spilled run unreadable): the caller then reads the rows, rewriting the row.
    private static func write(
        _ db: Database, organisation: Int, rootKey: String, scan: Int64, runs: StampRuns.Sorted, rows: Int
    ) throws -> Bool {
        guard let blob = try reserve(db, organisation: organisation, rootKey: rootKey, scan: scan, entries: rows)
        else { return false }
        defer { sqlite3_blob_close(blob) }
        return try stream(db, into: blob, entries: rows) { add in try runs.forEach { try add($0) } }
    }

    /// Writes the entries `produce` hands to `add` (in digest order) into `blob`, reserved for `entries` of them, in
    /// 64 KB pieces, through the small sorting page cache (``SQLitePageCache``: the rows' ordered read sorts within
    /// it, and a million files' 30 MB of BLOB pages need not fill the store's 16 MB cache); false when they cannot make that snapshot: an entry missing (nil), out of order or
    /// with a negative size, more or fewer than `entries`, or `produce` returning false.
    private static func stream(
        _ db: Database, into blob: OpaquePointer, entries: Int,
        _ produce: (_ add: (StampTable.Entry?) throws -> Void) throws -> Bool
    ) throws -> Bool {
        var writer = StampTable.SnapshotWriter()
        var holdable = true
        let produced = try SQLitePageCache.withSize(db, kiB: SQLitePageCache.sortingKiB) {
            try produce { entry in
                guard holdable, writer.count < entries, let entry, writer.append(entry) else {
                    holdable = false
                    return
                }
                try writer.flush(atLeast: 1 << 16) { bytes, offset in try writeBytes(db, blob, bytes, at: offset) }
            }
        }
        guard produced, holdable, writer.count == entries else { return false }
        try writer.flush(atLeast: 0) { bytes, offset in try writeBytes(db, blob, bytes, at: offset) }
        return true
    }

    private static func writeBytes(
        _ db: Database, _ blob: OpaquePointer, _ bytes: UnsafeRawBufferPointer, at offset: Int
    ) throws {
        guard sqlite3_blob_write(blob, bytes.baseAddress, Int32(bytes.count), Int32(offset)) == SQLITE_OK else {
            throw StoreError.database(operation: "file index", failure: DatabaseFailure(connection: db))
        }
    }

    /// Writes the root's snapshot row for `scan` with room for `entries` stamps (the header filled in) and opens
    /// its BLOB for writing; nil when SQLite cannot open it.
    private static func reserve(
        _ db: Database, organisation: Int, rootKey: String, scan: Int64, entries: Int
    ) throws -> OpaquePointer? {
        try db.execute(
            sql: "INSERT OR REPLACE INTO file_index_snapshots (organisation, root_key, scan_id) VALUES (?, ?, ?)",
            arguments: [organisation, rootKey, scan])
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO file_index_snapshot_stamps (organisation, root_key, stamps)
                VALUES (?, ?, zeroblob(?))
                """,
            arguments: [organisation, rootKey, StampTable.SnapshotWriter.byteCount(entries: entries)])
        let row = db.lastInsertedRowID
        var blob: OpaquePointer?
        guard
            sqlite3_blob_open(db.sqliteConnection, "main", "file_index_snapshot_stamps", "stamps", row, 1, &blob)
                == SQLITE_OK
        else {
            sqlite3_blob_close(blob)
            return nil
        }
        let header = StampTable.SnapshotWriter.header(count: entries)
        guard sqlite3_blob_write(blob, header, Int32(header.count), 0) == SQLITE_OK else {
            sqlite3_blob_close(blob)
            return nil
        }
        return blob
    }

    private static func delete(_ db: Database, organisation: Int, rootKey: String) throws {
        for table in ["file_index_snapshots", "file_index_snapshot_stamps"] {
            try db.execute(
                sql: "DELETE FROM \(table) WHERE organisation = ? AND root_key = ?", arguments: [organisation, rootKey])
        }
    }
}

extension StampTable.Entry {
    /// The entry of a row read as `path_key, size, modified`; nil for a key this build cannot parse.
    init?(key: UnsafeBufferPointer<UInt8>, row: OpaquePointer) {
        guard let digest = PathDigest(keyBytes: key) else { return nil }
        self.init(
            digest: digest,
            stamp: FileStamp(size: sqlite3_column_int64(row, 1), modifiedSeconds: sqlite3_column_double(row, 2)))
    }
}
