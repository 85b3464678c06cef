import Foundation
import Logging
import OverblikModel
import PostgresNIO
import Store

/// A scan staged in a table of the store (`scan_stage_<id>`, listed in `scan_progress`) on its own connection,
/// committed batch by batch; ``finish(finished:)`` merges it into `documents` in one transaction, so figures
/// never see half a scan. Several scanners, on several machines, can run at once.
///
/// A scan killed before its finish (SIGKILL, a reboot) leaves its stage; the next scan of the same root takes
/// it over once its process is gone (``ScanOwner``: never a scan held by another machine), finds the staged
/// files in its file index, and reads only what the stage does not hold yet.
actor PostgresScanSession: ScanSession {
    let connection: PostgresConnection
    let header: ScanHeader
    let pseudonymiser: Pseudonymiser
    let root: String
    let rootKey: String
    private var progress = PostgresScanProgress(id: 0, adoptedThrough: 0)
    /// This process, as ``ScanOwner`` writes it in `scan_progress.owner`.
    private let owner: String
    /// The number of the last batch staged (a taken-over stage's batches count on from its last).
    private var batch = 0
    private var closed = false
    /// The folders above the files read (see ``FolderChain``), stored with each batch.
    private var folders = FolderChain()
    private var topFolders = TopFolders()
    static let logger = PostgresEstateStore.logger
    static let operation = "scan into the store"

    deinit {
        // Dropped without finish() or cancel(): the batches committed stay for the next scan of the root.
        if !closed { Task { [connection] in try? await connection.close() } }
    }

    init(connection: PostgresConnection, header: ScanHeader, pseudonymiser: Pseudonymiser) {
        self.connection = connection
        self.header = header
        self.pseudonymiser = pseudonymiser
        self.root = normalisedRoot(header.root)
        self.rootKey = pseudonymiser.rootKey(normalisedRoot(header.root))
        self.owner = ScanOwner.current(pseudonymiser: pseudonymiser).text
    }

    /// Continues the stage a killed scan of this root left (`claimed`: the one the store's file index took over,
    /// else one found abandoned now), or opens a new one.
    func begin(claimed: Int64?) async throws {
        let owner = ScanOwner.current(pseudonymiser: pseudonymiser)
        let (organisation, rootKey, started) = (header.organisation ?? 0, rootKey, header.started)
        progress = try await PostgresEstateStore.run("begin scan") {
            try await connection.transaction { connection in
                try await PostgresScanProgress.open(
                    connection, organisation: organisation, rootKey: rootKey, started: started, owner: owner,
                    claimed: claimed)
            }
        }
        batch = progress.adoptedThrough
        try await PostgresEstateStore.run("begin scan") {
            try connection.ensureOpen(Self.operation)
            // This connection's own: a batch's folders (emptied as it commits), and the files the index found
            // unchanged (sent just before the finish).
            try await connection.query(
                "CREATE TEMP TABLE scan_folders (folder_key TEXT, parent_key TEXT) ON COMMIT DELETE ROWS",
                logger: Self.logger)
            try connection.ensureOpen(Self.operation)
            try await connection.query("CREATE TEMP TABLE scan_unchanged (path_key TEXT)", logger: Self.logger)
        }
    }

    /// Stages one batch and its folders in one transaction, committed.
    func add(_ records: [DocumentRecord]) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        try connection.ensureOpen(Self.operation)
        if records.isEmpty { return }
        batch += 1
        let number = copyField(batch)
        var text = ""
        for record in records {
            let row = DocumentRow(
                record: record, pseudonymiser: pseudonymiser, includePaths: header.includePaths,
                folderKey: folders.add(folderOf: record.path, pseudonymiser: pseudonymiser),
                topFolder: topFolders.topFolder(path: record.path, root: root))
            let fields = [
                copyField(row.pathKey), copyField(row.folderKey), copyField(row.path), copyField(row.topFolder),
                copyField(row.family), copyField(row.container), copyField(row.format), copyField(row.mimetype),
                copyField(row.odfVersion), copyField(row.generator), copyField(row.application),
                copyField(row.appVersion), copyField(row.suite), copyField(row.suiteVersion),
                copyField(row.suiteVersionLine), copyField(row.encrypted), copyField(row.year), copyField(row.error),
                copyField(row.warnings), copyField(row.size), copyField(row.modified), copyField(row.features),
                copyField(row.conformance), number,
            ]
            text += fields.joined(separator: "\t") + "\n"
        }
        let payload = text
        let links = folders.take().map { copyField($0.key) + "\t" + copyField($0.parent) + "\n" }.joined()
        let (stage, organisation) = (progress.stage, header.organisation ?? 0)
        try await PostgresEstateStore.run("stage scan records") {
            try await connection.transaction { connection in
                // Folders go in as their files are staged: a folder with no document counts nowhere, and a
                // taken-over stage then finds its folders stored. In key order, so that two scanners adding the
                // same folders at once wait for each other instead of deadlocking.
                if !links.isEmpty {
                    try connection.ensureOpen(Self.operation)
                    try await connection.copyFrom(table: "scan_folders", logger: Self.logger) { writer in
                        try await writer.write(ByteBuffer(string: links))
                    }
                    try connection.ensureOpen(Self.operation)
                    try await connection.query(
                        """
                        INSERT INTO folders (organisation, folder_key, parent_key)
                        SELECT DISTINCT \(organisation), folder_key, parent_key FROM scan_folders ORDER BY 2
                        ON CONFLICT (organisation, folder_key) DO NOTHING
                        """, logger: Self.logger)
                }
                try connection.ensureOpen(Self.operation)
                try await connection.copyFrom(
                    table: stage, columns: PostgresScanProgress.stageColumns, logger: Self.logger
                ) { writer in
                    try await writer.write(ByteBuffer(string: payload))
                }
            }
        }
        await FaultInjection.passing("scan-batch")
    }

    func markUnchanged(paths: [String]) async throws {
        try await stageUnchanged(keys: paths.map { pseudonymiser.pathKey($0) })
    }

    func markUnchanged(digests: Set<PathDigest>) async throws {
        try await stageUnchanged(keys: digests.map(\.key))
    }

    private func stageUnchanged(keys: [String]) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        try connection.ensureOpen(Self.operation)
        if keys.isEmpty { return }
        let payload = keys.map { $0 + "\n" }.joined()
        try await PostgresEstateStore.run("stage unchanged files") {
            try await connection.copyFrom(table: "scan_unchanged", logger: Self.logger) { writer in
                try await writer.write(ByteBuffer(string: payload))
            }
        }
    }

    func finish(finished: Date) async throws -> ScanSummary {
        guard !closed else { throw StoreError.sessionClosed }
        try connection.ensureOpen(Self.operation)
        closed = true
        defer { Task { [connection] in try? await connection.close() } }
        await FaultInjection.passing("scan-finish")
        let finish = PostgresScanFinish(
            header: header, root: root, rootKey: rootKey, rootFolder: pseudonymiser.pathKey(root), progress: progress,
            owner: owner)
        return try await PostgresEstateStore.run("finish scan") {
            try await connection.transaction { connection in try await finish.apply(connection, finished: finished) }
        }
    }

    /// Removes the stage: a scan that failed or was stopped on purpose leaves nothing to take over.
    func cancel() async {
        guard !closed else { return }
        closed = true
        let (progress, owner) = (self.progress, self.owner)
        if progress.id != 0 {
            _ = try? await connection.transaction { connection in try await progress.drop(connection, owner: owner) }
        }
        if !connection.isClosed { try? await connection.close() }
    }
}

/// One unfinished scan's row in `scan_progress` and its stage table.
struct PostgresScanProgress: Sendable {
    let id: Int64
    /// The last batch of a stage taken over from a killed scan (0: a new stage): rows up to it count only where
    /// this scan finds the file unchanged as staged (the index held the stage's stamps) or reads it again.
    let adoptedThrough: Int

    var stage: String { "scan_stage_\(id)" }

    static let logger = PostgresEstateStore.logger

    /// The columns a batch sends: ``DocumentUpsert``'s staged columns and the batch number.
    static let stageColumns =
        DocumentUpsert.stagedColumns.split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        } + ["batch"]

    /// Continues the stage this process took over (`claimed`, still held by it) or an abandoned stage of the root,
    /// or creates a new one. In the caller's transaction, under a lock per root, so two scans never take over the
    /// same stage: the second finds it owned by the first.
    static func open(
        _ connection: PostgresConnection, organisation: Int, rootKey: String, started: Date, owner: ScanOwner,
        claimed: Int64? = nil
    ) async throws -> PostgresScanProgress {
        try await lockRoot(connection, organisation: organisation, rootKey: rootKey)
        var continued: Int64?
        if let claimed, try await isHeld(connection, id: claimed, by: owner) { continued = claimed }
        if continued == nil {
            continued = try await takeOverAbandoned(
                connection, organisation: organisation, rootKey: rootKey, owner: owner)
        }
        if let id = continued {
            var last = 0
            try connection.ensureOpen("begin scan")
            for try await value in try await connection.query(
                "SELECT COALESCE(MAX(batch), 0) FROM \(unescaped: PostgresScanProgress(id: id, adoptedThrough: 0).stage)",
                logger: logger
            ).decode(Int.self) {
                last = value
            }
            return PostgresScanProgress(id: id, adoptedThrough: last)
        }
        var id: Int64 = 0
        try connection.ensureOpen("begin scan")
        for try await value in try await connection.query(
            """
            INSERT INTO scan_progress (organisation, root_key, started, owner)
            VALUES (\(organisation), \(rootKey), \(started.timeIntervalSince1970), \(owner.text)) RETURNING id
            """, logger: logger
        ).decode(Int64.self) {
            id = value
        }
        let progress = PostgresScanProgress(id: id, adoptedThrough: 0)
        try connection.ensureOpen("begin scan")
        try await connection.query(
            """
            CREATE TABLE \(unescaped: progress.stage) (
                path_key TEXT NOT NULL, folder_key TEXT, path TEXT, top_folder TEXT, family TEXT NOT NULL,
                container TEXT NOT NULL, format TEXT NOT NULL, mimetype TEXT, odf_version TEXT,
                generator TEXT, application TEXT, app_version TEXT, suite TEXT, suite_version TEXT,
                suite_version_line TEXT, encrypted BOOLEAN NOT NULL, year INTEGER, error TEXT,
                warnings INTEGER NOT NULL, size BIGINT NOT NULL, modified DOUBLE PRECISION NOT NULL,
                features TEXT, conformance TEXT, batch INTEGER NOT NULL)
            """, logger: logger)
        return progress
    }

    /// Serialises the take-overs of one root's stages until the caller's transaction ends.
    static func lockRoot(_ connection: PostgresConnection, organisation: Int, rootKey: String) async throws {
        try connection.ensureOpen("take over an unfinished scan")
        try await connection.query(
            "SELECT pg_advisory_xact_lock(\(organisation)::integer, hashtext(\("scan " + rootKey)))", logger: logger)
    }

    /// Marks the newest abandoned stage of the root as `owner`'s; its id. In the caller's transaction, under
    /// ``lockRoot(_:organisation:rootKey:)``.
    static func takeOverAbandoned(
        _ connection: PostgresConnection, organisation: Int, rootKey: String, owner: ScanOwner
    ) async throws -> Int64? {
        guard
            let id = try await abandoned(
                connection, organisation: organisation, rootKey: rootKey, me: owner, lock: true)
        else { return nil }
        try connection.ensureOpen("take over an unfinished scan")
        try await connection.query("UPDATE scan_progress SET owner = \(owner.text) WHERE id = \(id)", logger: logger)
        return id
    }

    /// Whether stage `id` is still `owner`'s.
    static func isHeld(_ connection: PostgresConnection, id: Int64, by owner: ScanOwner) async throws -> Bool {
        try connection.ensureOpen("continue an unfinished scan")
        var held = false
        for try await value in try await connection.query(
            "SELECT owner FROM scan_progress WHERE id = \(id)", logger: logger
        ).decode(String.self) {
            held = value == owner.text
        }
        return held
    }

    /// The newest stage of the root whose owner is gone, if any; `lock` holds its row until the transaction ends.
    static func abandoned(
        _ connection: PostgresConnection, organisation: Int, rootKey: String, me: ScanOwner, lock: Bool
    ) async throws -> Int64? {
        try connection.ensureOpen("find an unfinished scan")
        let rows = try await connection.query(
            """
            SELECT id, owner FROM scan_progress WHERE organisation = \(organisation) AND root_key = \(rootKey)
            ORDER BY id DESC \(unescaped: lock ? "FOR UPDATE" : "")
            """, logger: logger
        ).decode((Int64, String).self)
        var found: Int64?
        for try await (id, owner) in rows where found == nil && ScanOwner.isGone(owner, comparedWith: me) {
            found = id
        }
        return found
    }

    /// The stamps a taken-over stage holds (the last batch's where a file was staged twice), for the file index:
    /// its files need not be read again, except those `readingAgain` names (`readAgain`, by path key).
    static func stamps(
        _ connection: PostgresConnection, id: Int64, readingAgain: ReadAgain = .none
    ) async throws -> (stamps: [String: FileStamp], readAgain: [String]) {
        let readsAgain = readingAgain.rowCondition ?? "false"
        var stamps: [String: FileStamp] = [:]
        var readAgain: [String] = []
        do {
            try connection.ensureOpen("read an unfinished scan")
            for try await (key, size, modified, again) in try await connection.query(
                """
                SELECT DISTINCT ON (path_key) path_key, size, modified, \(unescaped: readsAgain)
                FROM \(unescaped: PostgresScanProgress(id: id, adoptedThrough: 0).stage) ORDER BY path_key, batch DESC
                """, logger: logger
            ).decode((String, Int64, Double, Bool).self) {
                stamps[key] = FileStamp(size: size, modifiedSeconds: modified)
                if again { readAgain.append(key) }
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42P01" {
            // Finished meanwhile (by a session of this process): nothing is staged any more.
            return ([:], [])
        }
        return (stamps, readAgain)
    }

    /// Removes the stage; with `owner`, only while that process still holds it (a cancelled scan that another
    /// took over leaves the stage to it).
    func drop(_ connection: PostgresConnection, owner: String? = nil) async throws {
        try connection.ensureOpen("remove a scan's stage")
        var removed = false
        for try await _ in try await connection.query(
            """
            DELETE FROM scan_progress WHERE id = \(id) AND (\(owner)::text IS NULL OR owner = \(owner)) RETURNING id
            """, logger: Self.logger)
        {
            removed = true
        }
        guard removed else { return }
        try connection.ensureOpen("remove a scan's stage")
        try await connection.query("DROP TABLE IF EXISTS \(unescaped: stage)", logger: Self.logger)
    }
}
