import GRDB
import GRDBSQLite

/// The documents a scan of one root answers for: every document stored in the root's folder or below it, found
/// through the `folders` tree of keyed hashes (so nested and overlapping roots share one row per file), plus
/// rows stored before folders were kept (schema step 4) whose last scan was of this very root.
enum DocumentScope {
    /// `sub`: the root folder's key and every folder key below it. Arguments: root folder key, organisation.
    static let subtree = """
        WITH RECURSIVE sub(k) AS (
            SELECT ? UNION SELECT f.folder_key FROM folders f JOIN sub ON f.organisation = ? AND f.parent_key = sub.k)
        """

    /// How many documents the root answers for.
    static func count(_ db: Database, organisation: Int, rootFolder: String, rootKey: String) throws -> Int {
        try countWithFolders(db, organisation: organisation, rootFolder: rootFolder)
            + legacyCount(db, organisation: organisation, rootKey: rootKey)
    }

    /// How many documents with a folder are in the root's folder or below it (those a file index snapshot holds).
    static func countWithFolders(_ db: Database, organisation: Int, rootFolder: String) throws -> Int {
        try Int.fetchOne(
            db, sql: "\(subtree) SELECT COUNT(*) FROM documents WHERE organisation = ? AND folder_key IN sub",
            arguments: [rootFolder, organisation, organisation]) ?? 0
    }

    /// Rows from before step 4 last read by a scan of this root: in scope (so deletions find them) but kept
    /// out of the file index, so the next scan reads them once and gives them their folder.
    static func legacyCount(_ db: Database, organisation: Int, rootKey: String) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM documents WHERE organisation = ? AND folder_key IS NULL AND root_key = ?",
            arguments: [organisation, rootKey]) ?? 0
    }

    /// Calls `body` with the path key (first column) and the row of each document in scope; `columns` starts
    /// with `path_key`. `legacy`: include rows without a folder; `ordered`: in path-key order (rows with a folder
    /// only).
    /// `condition`, when given, keeps only the rows it holds for.
    static func forEachKey(
        _ db: Database, organisation: Int, rootFolder: String, rootKey: String, columns: String,
        legacy: Bool = true, ordered: Bool = false, condition: String? = nil,
        _ body: (_ key: UnsafeBufferPointer<UInt8>, _ row: OpaquePointer) throws -> Void
    ) throws {
        let and = condition.map { " AND (\($0))" } ?? ""
        // In path-key order through the folders' covering index, sorted: left to itself SQLite walks the unique key
        // in that order and looks every row up in the table (a first scan's finish: 50 ms against 12 ms for 20,000
        // documents read from a new store, and a random read per row where the table exceeds the cache).
        try forEachRow(
            db, operation: "documents below a root",
            sql: """
                \(subtree) SELECT \(columns) FROM documents\(ordered ? " INDEXED BY documents_folders" : "")
                WHERE organisation = ? AND folder_key IN sub\(and) \(ordered ? "ORDER BY path_key" : "")
                """, arguments: [rootFolder, organisation, organisation], body)
        guard legacy else { return }
        try forEachRow(
            db, operation: "documents below a root",
            sql: """
                SELECT \(columns) FROM documents WHERE organisation = ? AND folder_key IS NULL AND root_key = ?\(and)
                """,
            arguments: [organisation, rootKey], body)
    }
}
