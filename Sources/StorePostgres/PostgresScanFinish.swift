import Foundation
import Logging
import OverblikModel
import PostgresNIO
import Store

/// What a PostgreSQL scan's finish works from; ``apply(_:finished:)`` is the finishing transaction's body: the
/// stage merged into `documents`, the counts, the scan's row, and the stage removed.
struct PostgresScanFinish: Sendable {
    let header: ScanHeader
    let root: String
    let rootKey: String
    let rootFolder: String
    let progress: PostgresScanProgress
    /// This process's ``ScanOwner`` text: the stage must still be its own.
    let owner: String

    var organisation: Int { header.organisation ?? 0 }
    static let logger = PostgresEstateStore.logger

    func apply(_ connection: PostgresConnection, finished: Date) async throws -> ScanSummary {
        // One scan of an organisation at a time merges: roots may overlap (other organisations proceed).
        try await run(connection, "SELECT pg_advisory_xact_lock(\(organisation)::integer, hashtext('documents'))")
        try await expectOwnStage(connection)
        try await prepare(connection)
        let scanID = try await insertScan(connection, finished: finished)
        // A document is one file wherever it was reached from: matched by organisation and path key.
        let new = try await count(
            connection,
            """
            SELECT COUNT(*)::bigint FROM scan_final s WHERE NOT EXISTS (
                SELECT 1 FROM documents d WHERE d.organisation = \(organisation) AND d.path_key = s.path_key)
            """)
        let sameRead = try await count(
            connection,
            """
            SELECT COUNT(*)::bigint FROM scan_final s
            JOIN documents d ON d.organisation = \(organisation) AND d.path_key = s.path_key
            WHERE d.size = s.size AND d.modified = s.modified
            """)
        let staged = try await count(connection, "SELECT COUNT(*)::bigint FROM scan_final")
        let skipped = try await count(
            connection,
            """
            SELECT COUNT(*)::bigint FROM scan_skipped u
            JOIN documents d ON d.organisation = \(organisation) AND d.path_key = u.path_key
            WHERE NOT EXISTS (SELECT 1 FROM scan_final s WHERE s.path_key = u.path_key)
            """)
        let deleted = try await deleteGone(connection)
        var upsertBinds = PostgresBindings()
        upsertBinds.append(organisation)
        upsertBinds.append(rootKey)
        upsertBinds.append(scanID)
        try connection.ensureOpen("finish scan")
        try await connection.query(
            PostgresQuery(
                unsafeSQL: DocumentUpsert.sql(from: "scan_final", organisation: "$1", rootKey: "$2", scan: "$3"),
                binds: upsertBinds), logger: Self.logger)
        let changed = staged - new - sameRead
        let unchanged = sameRead + skipped
        try await run(
            connection,
            """
            UPDATE scans SET new_count = \(new), changed_count = \(changed), unchanged_count = \(unchanged),
                deleted_count = \(deleted) WHERE id = \(scanID)
            """)
        try await progress.drop(connection)
        return ScanSummary(
            id: scanID, organisation: header.organisation, root: header.includePaths ? root : rootKey,
            started: header.started, finished: finished, toolVersion: header.tool.version,
            catalog: header.catalog, new: new, changed: changed, unchanged: unchanged, deleted: deleted)
    }

    /// `scan_final`: one row per file staged (the last batch's where the scanner sent a path twice), without the
    /// rows of a taken-over stage whose file this scan neither found unchanged as staged nor read again (gone or
    /// changed since); `scan_skipped`: the files the index found unchanged, once each.
    private func prepare(_ connection: PostgresConnection) async throws {
        try await run(
            connection,
            """
            CREATE TEMP TABLE scan_final ON COMMIT DROP AS
            SELECT DISTINCT ON (path_key) \(unescaped: DocumentUpsert.stagedColumns)
            FROM \(unescaped: progress.stage) s
            WHERE s.batch > \(progress.adoptedThrough)
                OR EXISTS (SELECT 1 FROM scan_unchanged u WHERE u.path_key = s.path_key)
            ORDER BY path_key, batch DESC
            """)
        try await run(
            connection,
            "CREATE TEMP TABLE scan_skipped ON COMMIT DROP AS SELECT DISTINCT path_key FROM scan_unchanged")
    }

    /// The stage is still this process's (locked until the commit): another scan may have judged this one gone
    /// and taken it over, and then finishes it.
    private func expectOwnStage(_ connection: PostgresConnection) async throws {
        try connection.ensureOpen("finish scan")
        var holder: String?
        for try await text in try await connection.query(
            "SELECT owner FROM scan_progress WHERE id = \(progress.id) FOR UPDATE", logger: Self.logger
        ).decode(String.self) {
            holder = text
        }
        guard holder == owner else {
            throw StoreError.database(
                operation: "finish scan",
                failure: DatabaseFailure(
                    code: "taken-over", message: "another scan of this root took this unfinished scan over"))
        }
    }

    private func insertScan(_ connection: PostgresConnection, finished: Date) async throws -> Int64 {
        var scanID: Int64 = 0
        try connection.ensureOpen("finish scan")
        for try await id in try await connection.query(
            """
            INSERT INTO scans (organisation, root_key, root, started, finished, tool_name, tool_version,
                catalog_version, catalog_digest, new_count, changed_count, unchanged_count, deleted_count)
            VALUES (\(organisation), \(rootKey), \(header.includePaths ? root : nil),
                \(header.started.timeIntervalSince1970), \(finished.timeIntervalSince1970), \(header.tool.name),
                \(header.tool.version), \(header.catalog.version), \(header.catalog.digest), 0, 0, 0, 0)
            RETURNING id
            """, logger: Self.logger
        ).decode(Int64.self) {
            scanID = id
        }
        return scanID
    }

    /// Every document stored below the root (and older rows last read from this root) that was neither read nor
    /// found unchanged is gone: deleted, and counted.
    private func deleteGone(_ connection: PostgresConnection) async throws -> Int {
        try await count(
            connection,
            """
            WITH RECURSIVE sub(k) AS (
                SELECT \(rootFolder)::text UNION
                SELECT f.folder_key FROM folders f JOIN sub ON f.organisation = \(organisation)
                    AND f.parent_key = sub.k),
            gone AS (
                DELETE FROM documents d WHERE d.organisation = \(organisation)
                AND (d.folder_key IN (SELECT k FROM sub) OR (d.folder_key IS NULL AND d.root_key = \(rootKey)))
                AND NOT EXISTS (SELECT 1 FROM scan_final s WHERE s.path_key = d.path_key)
                AND NOT EXISTS (SELECT 1 FROM scan_skipped u WHERE u.path_key = d.path_key)
                RETURNING 1)
            SELECT COUNT(*)::bigint FROM gone
            """)
    }

    private func run(_ connection: PostgresConnection, _ query: PostgresQuery) async throws {
        try connection.ensureOpen("finish scan")
        try await connection.query(query, logger: Self.logger)
    }

    private func count(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> Int {
        try connection.ensureOpen("finish scan")
        var value = 0
        for try await n in try await connection.query(query, logger: Self.logger).decode(Int.self) { value = n }
        return value
    }
}
