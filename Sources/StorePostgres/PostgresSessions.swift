import Foundation
import Logging
import OverblikModel
import PostgresNIO
import Store

/// COPY text-format encoding of one field (`\N` for null; backslash, tab and line breaks escaped).
func copyField(_ value: String?) -> String {
    guard let value else { return "\\N" }
    var out = ""
    out.reserveCapacity(value.utf8.count)
    for character in value.unicodeScalars {
        switch character {
        case "\\": out += "\\\\"
        case "\t": out += "\\t"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\u{0}": break  // PostgreSQL text cannot hold NUL.
        default: out.unicodeScalars.append(character)
        }
    }
    return out
}

func copyField(_ value: Int?) -> String { value.map(String.init) ?? "\\N" }
func copyField(_ value: Int64?) -> String { value.map(String.init) ?? "\\N" }
func copyField(_ value: Double?) -> String { value.map { "\($0)" } ?? "\\N" }
func copyField(_ value: Bool) -> String { value ? "t" : "f" }

/// A scan on its own connection and transaction: staged in a temporary table (dropped at commit),
/// merged into `documents` at ``finish(finished:)``. Several scanners can run at once.
actor PostgresScanSession: ScanSession {
    let connection: PostgresConnection
    let header: ScanHeader
    let pseudonymiser: Pseudonymiser
    let root: String
    let rootKey: String
    private var closed = false
    /// The folders above the files read (see ``FolderChain``).
    private var folders = FolderChain()
    static let logger = PostgresEstateStore.logger
    static let operation = "scan into the store"

    deinit {
        // Dropped without finish() or cancel(): the open transaction rolls back when the connection closes.
        if !closed { Task { [connection] in try? await connection.close() } }
    }

    init(connection: PostgresConnection, header: ScanHeader, pseudonymiser: Pseudonymiser) {
        self.connection = connection
        self.header = header
        self.pseudonymiser = pseudonymiser
        self.root = normalisedRoot(header.root)
        self.rootKey = pseudonymiser.rootKey(normalisedRoot(header.root))
    }

    func begin() async throws {
        try await PostgresEstateStore.run("begin scan") {
            try await connection.query("BEGIN", logger: Self.logger)
            try await connection.query(
                """
                CREATE TEMP TABLE scan_stage (
                    path_key TEXT, folder_key TEXT, path TEXT, top_folder TEXT, family TEXT NOT NULL,
                    container TEXT NOT NULL, format TEXT NOT NULL, mimetype TEXT, odf_version TEXT,
                    generator TEXT, application TEXT, app_version TEXT, suite TEXT, suite_version TEXT,
                    suite_version_line TEXT, encrypted BOOLEAN NOT NULL, year INTEGER, error TEXT,
                    warnings INTEGER NOT NULL, size BIGINT NOT NULL, modified DOUBLE PRECISION NOT NULL,
                    features TEXT, conformance TEXT)
                    ON COMMIT DROP
                """, logger: Self.logger)
            try await connection.query(
                "CREATE TEMP TABLE scan_folders (folder_key TEXT, parent_key TEXT) ON COMMIT DROP",
                logger: Self.logger)
            try await connection.query(
                "CREATE TEMP TABLE scan_unchanged (path_key TEXT) ON COMMIT DROP", logger: Self.logger)
        }
    }

    func add(_ records: [DocumentRecord]) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        try connection.ensureOpen(Self.operation)
        if records.isEmpty { return }
        var text = ""
        for record in records {
            let row = DocumentRow(
                record: record, root: root, pseudonymiser: pseudonymiser, includePaths: header.includePaths,
                folderKey: folders.add(folderOf: record.path, pseudonymiser: pseudonymiser))
            let fields = [
                copyField(row.pathKey), copyField(row.folderKey), copyField(row.path), copyField(row.topFolder),
                copyField(row.family), copyField(row.container), copyField(row.format), copyField(row.mimetype),
                copyField(row.odfVersion), copyField(row.generator), copyField(row.application),
                copyField(row.appVersion), copyField(row.suite), copyField(row.suiteVersion),
                copyField(row.suiteVersionLine), copyField(row.encrypted), copyField(row.year), copyField(row.error),
                copyField(row.warnings), copyField(row.size), copyField(row.modified), copyField(row.features),
                copyField(row.conformance),
            ]
            text += fields.joined(separator: "\t") + "\n"
        }
        let payload = text
        let links = folders.take().map { copyField($0.key) + "\t" + copyField($0.parent) + "\n" }.joined()
        try await PostgresEstateStore.run("stage scan records") {
            try await connection.copyFrom(table: "scan_stage", logger: Self.logger) { writer in
                try await writer.write(ByteBuffer(string: payload))
            }
            if !links.isEmpty {
                try await connection.copyFrom(table: "scan_folders", logger: Self.logger) { writer in
                    try await writer.write(ByteBuffer(string: links))
                }
            }
        }
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

    func count(_ query: PostgresQuery) async throws -> Int {
        var value = 0
        for try await n in try await connection.query(query, logger: Self.logger).decode(Int.self) { value = n }
        return value
    }

    func finish(finished: Date) async throws -> ScanSummary {
        guard !closed else { throw StoreError.sessionClosed }
        try connection.ensureOpen(Self.operation)
        closed = true
        let header = self.header
        let organisation = header.organisation ?? 0
        let rootKey = self.rootKey
        defer { Task { [connection] in try? await connection.close() } }
        do {
            return try await PostgresEstateStore.run("finish scan") {
                // The last file wins when the scanner sent one path twice.
                try await connection.query(
                    """
                    CREATE TEMP TABLE scan_final ON COMMIT DROP AS
                    SELECT DISTINCT ON (path_key) * FROM scan_stage ORDER BY path_key
                    """, logger: Self.logger)
                try await connection.query(
                    "CREATE TEMP TABLE scan_skipped ON COMMIT DROP AS SELECT DISTINCT path_key FROM scan_unchanged",
                    logger: Self.logger)
                // One scan of an organisation at a time merges: roots may overlap (other organisations proceed).
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(\(organisation)::integer, hashtext('documents'))",
                    logger: Self.logger)
                var scanID: Int64 = 0
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
                // A document is one file wherever it was reached from: matched by organisation and path key.
                let new = try await count(
                    """
                    SELECT COUNT(*)::bigint FROM scan_final s WHERE NOT EXISTS (
                        SELECT 1 FROM documents d WHERE d.organisation = \(organisation) AND d.path_key = s.path_key)
                    """)
                let sameRead = try await count(
                    """
                    SELECT COUNT(*)::bigint FROM scan_final s
                    JOIN documents d ON d.organisation = \(organisation) AND d.path_key = s.path_key
                    WHERE d.size = s.size AND d.modified = s.modified
                    """)
                let staged = try await count("SELECT COUNT(*)::bigint FROM scan_final")
                let skipped = try await count(
                    """
                    SELECT COUNT(*)::bigint FROM scan_skipped u
                    JOIN documents d ON d.organisation = \(organisation) AND d.path_key = u.path_key
                    WHERE NOT EXISTS (SELECT 1 FROM scan_final s WHERE s.path_key = u.path_key)
                    """)
                // Every document stored below the root (and older rows last read from this root) that was
                // neither read nor found unchanged is gone.
                let rootFolder = pseudonymiser.pathKey(root)
                let deleted = try await count(
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
                try await connection.query(
                    """
                    INSERT INTO folders (organisation, folder_key, parent_key)
                    SELECT DISTINCT \(organisation), folder_key, parent_key FROM scan_folders
                    ON CONFLICT (organisation, folder_key) DO NOTHING
                    """, logger: Self.logger)
                var upsertBinds = PostgresBindings()
                upsertBinds.append(organisation)
                upsertBinds.append(rootKey)
                upsertBinds.append(scanID)
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL: DocumentUpsert.sql(
                            from: "scan_final", organisation: "$1", rootKey: "$2", scan: "$3"),
                        binds: upsertBinds), logger: Self.logger)
                let changed = staged - new - sameRead
                let unchanged = sameRead + skipped
                try await connection.query(
                    """
                    UPDATE scans SET new_count = \(new), changed_count = \(changed), unchanged_count = \(unchanged),
                        deleted_count = \(deleted) WHERE id = \(scanID)
                    """, logger: Self.logger)
                try await connection.query("COMMIT", logger: Self.logger)
                return ScanSummary(
                    id: scanID, organisation: header.organisation, root: header.includePaths ? root : rootKey,
                    started: header.started, finished: finished, toolVersion: header.tool.version,
                    catalog: header.catalog, new: new, changed: changed, unchanged: unchanged, deleted: deleted)
            }
        } catch {
            await connection.rollBackUnlessClosed()
            throw error
        }
    }

    func cancel() async {
        guard !closed else { return }
        closed = true
        await connection.rollBackUnlessClosed()
        if !connection.isClosed { try? await connection.close() }
    }
}

/// An import on its own connection, in one transaction from ``begin()`` to ``finish(finished:)``.
actor PostgresImportSession: ImportSession {
    let connection: PostgresConnection
    let header: ImportHeader
    private var importID: Int64 = 0
    private var existing: ImportSummary?
    private var closed = false
    private var softwareCount = 0
    private var usageCount = 0
    /// What the stored lines name (see ``ListedInventories``) and the detected format, for ``adopt()``.
    private var listed = ListedInventories()
    private var format: String
    static let logger = PostgresEstateStore.logger
    static let operation = "import into the store"

    deinit {
        // Dropped without finish() or cancel(): the open transaction rolls back when the connection closes.
        if !closed { Task { [connection] in try? await connection.close() } }
    }

    init(connection: PostgresConnection, header: ImportHeader) {
        self.connection = connection
        self.header = header
        self.format = header.format
    }

    func begin() async throws {
        let header = self.header
        try await PostgresEstateStore.run("begin import") {
            try await connection.query("BEGIN", logger: Self.logger)
            // Two importers of the same file for the same organisation: the second waits, then finds the first.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(header.organisation)::integer, hashtext(\(header.fileHash)))",
                logger: Self.logger)
            for try await row in try await connection.query(
                """
                SELECT \(unescaped: PostgresEstateStore.importColumns) FROM imports
                WHERE organisation = \(header.organisation) AND file_hash = \(header.fileHash)
                """, logger: Self.logger)
            {
                existing = try PostgresEstateStore.importSummary(row)
            }
            if existing != nil {
                try await connection.query("ROLLBACK", logger: Self.logger)
                return
            }
            for try await id in try await connection.query(
                """
                INSERT INTO imports (organisation, file_hash, file_name, format, started, finished, tool_name,
                    tool_version, catalog_version, catalog_digest, lines_read, unreadable_lines, software_records,
                    usage_declarations, observed)
                VALUES (\(header.organisation), \(header.fileHash), \(header.fileName), \(header.format),
                    \(header.started.timeIntervalSince1970), \(header.started.timeIntervalSince1970),
                    \(header.tool.name), \(header.tool.version), \(header.catalog.version), \(header.catalog.digest),
                    \(header.linesRead), \(header.unreadableLines), 0, 0,
                    \((header.observed ?? header.started).timeIntervalSince1970))
                RETURNING id
                """, logger: Self.logger
            ).decode(Int64.self) {
                importID = id
            }
        }
    }

    func add(software: [SoftwareRecord]) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        try connection.ensureOpen(Self.operation)
        guard existing == nil, !software.isEmpty else { return }
        var text = ""
        text.reserveCapacity(software.count * 160)
        let importID = self.importID
        for record in software {
            let c = record.classification
            let fields = [
                copyField(importID), copyField(record.organisation ?? header.organisation), copyField(record.source),
                copyField(record.line), copyField(record.host), copyField(record.title), copyField(record.publisher),
                copyField(record.version), copyField(record.package), copyField(record.platform),
                copyField(record.installCount), copyField(record.installDate?.timeIntervalSince1970),
                copyField(c.product), copyField(c.version), copyField(c.versionLine), copyField(c.component),
                copyField(c.countsAsInstallation), copyField(c.rule), copyField(record.classificationTitle),
            ]
            text += fields.joined(separator: "\t")
            text += "\n"
        }
        let payload = text
        try await PostgresEstateStore.run("import software records") {
            try await connection.copyFrom(
                table: "software",
                columns: [
                    "import_id", "organisation", "source", "line", "host", "title", "publisher", "version", "package",
                    "platform", "install_count", "install_date", "product", "product_version", "version_line",
                    "component", "counts_as_installation", "rule", "classified_title",
                ], logger: Self.logger
            ) { writer in
                try await writer.write(ByteBuffer(string: payload))
            }
        }
        softwareCount += software.count
        for record in software {
            listed.add(organisation: record.organisation ?? header.organisation, host: record.host)
        }
        // The batch is sent but, unlike SQLite's, not committed: the import is one transaction (see the class).
        FaultInjection.passing("import-batch")
    }

    func add(usage: [UsageDeclaration]) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        try connection.ensureOpen(Self.operation)
        guard existing == nil, !usage.isEmpty else { return }
        let importID = self.importID
        usageCount += try await PostgresEstateStore.run("import usage declarations") {
            try await PostgresEstateStore.insertUsage(usage, importID: importID, connection: connection)
        }
    }

    func describe(format: String, linesRead: Int, unreadableLines: Int) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        try connection.ensureOpen(Self.operation)
        guard existing == nil else { return }
        self.format = format
        let importID = self.importID
        _ = try await PostgresEstateStore.run("describe import") {
            try await connection.query(
                """
                UPDATE imports SET format = \(format), lines_read = \(linesRead), unreadable_lines = \(unreadableLines)
                WHERE id = \(importID)
                """, logger: Self.logger)
        }
    }

    func finish(finished: Date) async throws -> ImportOutcome {
        guard !closed else { throw StoreError.sessionClosed }
        try connection.ensureOpen(Self.operation)
        closed = true
        defer { Task { [connection] in try? await connection.close() } }
        if let existing { return .alreadyImported(existing) }
        do {
            return try await PostgresEstateStore.run("finish import") {
                var summary: ImportSummary?
                for try await row in try await connection.query(
                    """
                    UPDATE imports SET finished = \(finished.timeIntervalSince1970), software_records = \(softwareCount),
                        usage_declarations = \(usageCount) WHERE id = \(importID)
                    RETURNING \(unescaped: PostgresEstateStore.importColumns)
                    """, logger: Self.logger)
                {
                    summary = try PostgresEstateStore.importSummary(row)
                }
                try await adopt()
                try await connection.query("COMMIT", logger: Self.logger)
                guard let summary else {
                    throw StoreError.database(
                        operation: "finish import",
                        failure: DatabaseFailure(
                            code: nil, message: "the import's row vanished before it was read back"))
                }
                return .imported(summary)
            }
        } catch {
            await connection.rollBackUnlessClosed()
            throw error
        }
    }

    /// ``CurrentSoftware``: this import becomes the current inventory of the hosts it lists and of its kind of
    /// host-less export, except where something observed later is already held (a tie goes to this import).
    private func adopt() async throws {
        let observed = (header.observed ?? header.started).timeIntervalSince1970
        // Imports of one organisation adopt one at a time, so two never both win a host.
        try await connection.query(
            "SELECT pg_advisory_xact_lock(\(header.organisation)::integer, hashtext('inventories'))",
            logger: Self.logger)
        // The hosts and host-less organisations this file's lines named, gathered as they were stored: one COPY
        // and one statement each, instead of reading the import's rows back.
        try await connection.query(
            "CREATE TEMP TABLE import_listed (organisation INTEGER, host TEXT) ON COMMIT DROP", logger: Self.logger)
        let rows =
            listed.hosts.map { "\($0.organisation)\t\(copyField($0.host))\n" }.joined()
            + listed.hostless.map { "\($0)\t\\N\n" }.joined()
        if !rows.isEmpty {
            try await connection.copyFrom(table: "import_listed", logger: Self.logger) {
                try await $0.write(ByteBuffer(string: rows))
            }
        }
        try await connection.query(
            """
            INSERT INTO host_inventories (organisation, host, import_id, observed)
            SELECT organisation, host, \(importID), \(observed) FROM import_listed WHERE host IS NOT NULL
            \(unescaped: CurrentList.hosts.keepNewest)
            """, logger: Self.logger)
        try await connection.query(
            """
            INSERT INTO aggregate_inventories (organisation, format, import_id, observed)
            SELECT organisation, \(format), \(importID), \(observed) FROM import_listed WHERE host IS NULL
            \(unescaped: CurrentList.aggregates.keepNewest)
            """, logger: Self.logger)
        // Declarations are few: found in the table.
        try await connection.query(
            PostgresQuery(
                unsafeSQL: CurrentList.usageAdoption(importID: "$1::bigint", observed: "$2::double precision"),
                binds: adoptionBinds(observed: observed)), logger: Self.logger)
    }

    /// `$1` the import's id, `$2` its observation time (``CurrentList/usageAdoption(importID:observed:)``).
    private func adoptionBinds(observed: Double) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(importID)
        binds.append(observed)
        return binds
    }

    func cancel() async {
        guard !closed else { return }
        closed = true
        if existing == nil { await connection.rollBackUnlessClosed() }
        if !connection.isClosed { try? await connection.close() }
    }
}
