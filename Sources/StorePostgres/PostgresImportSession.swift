import Foundation
import Logging
import OverblikModel
import PostgresNIO
import Store

/// An import on its own connection, committed batch by batch under an import row marked unfinished (`done`
/// false), which no figure or listing counts until ``finish(finished:)`` marks it done and makes it the current
/// inventory of its hosts, in one transaction. A SIGKILL or a reboot leaves the committed lines; importing the
/// same file again takes the import over once its process is gone (``ScanOwner``: never one held by another
/// machine) and stores only the lines after them. ``cancel()`` (an error, Ctrl-C) removes the import.
actor PostgresImportSession: ImportSession {
    let connection: PostgresConnection
    let header: ImportHeader
    let pseudonymiser: Pseudonymiser
    private var importID: Int64 = 0
    private var existing: ImportSummary?
    private var closed = false
    /// Software records of a taken-over import already stored: the file's first ones, skipped as they come again.
    private var softwareToSkip = 0
    /// Declarations go in with the finish (they may move a declaration another import holds to this one), so a
    /// killed or cancelled import takes none away.
    private var pendingUsage: [UsageDeclaration] = []
    /// What the stored lines name (see ``ListedInventories``) and the detected format, for ``adopt()``.
    private var listed = ListedInventories()
    private var format: String
    /// This process, as ``ScanOwner`` writes it in `imports.owner`.
    private let owner: String
    static let logger = PostgresEstateStore.logger
    static let operation = "import into the store"

    deinit {
        // Dropped without finish() or cancel(): the batches committed stay for the next import of the file.
        if !closed { Task { [connection] in try? await connection.close() } }
    }

    init(connection: PostgresConnection, header: ImportHeader, pseudonymiser: Pseudonymiser) {
        self.connection = connection
        self.header = header
        self.pseudonymiser = pseudonymiser
        self.format = header.format
        self.owner = ScanOwner.current(pseudonymiser: pseudonymiser).text
    }

    func begin() async throws {
        let header = self.header
        let owner = ScanOwner.current(pseudonymiser: pseudonymiser)
        let start = try await PostgresEstateStore.run("begin import") {
            try await connection.transaction { connection in
                try await ImportStart.open(connection, header: header, owner: owner)
            }
        }
        (existing, importID, softwareToSkip, listed) = start.sessionState
    }

    /// Stores one batch (less the lines a taken-over import already holds) and counts it, committed.
    func add(software: [SoftwareRecord]) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        try connection.ensureOpen(Self.operation)
        guard existing == nil, !software.isEmpty else { return }
        let skip = min(softwareToSkip, software.count)
        softwareToSkip -= skip
        guard skip < software.count else { return }
        let records = software[skip...]
        var text = ""
        text.reserveCapacity(records.count * 160)
        let importID = self.importID
        for record in records {
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
        let (payload, added, owner) = (text, records.count, owner)
        try await PostgresEstateStore.run("import software records") {
            try await connection.transaction { connection in
                try connection.ensureOpen(Self.operation)
                try await connection.copyFrom(
                    table: "software",
                    columns: [
                        "import_id", "organisation", "source", "line", "host", "title", "publisher", "version",
                        "package", "platform", "install_count", "install_date", "product", "product_version",
                        "version_line", "component", "counts_as_installation", "rule", "classified_title",
                    ], logger: Self.logger
                ) { writer in
                    try await writer.write(ByteBuffer(string: payload))
                }
                // Counted under this process's ownership only: lines of one import never come from two writers.
                try connection.ensureOpen(Self.operation)
                var counted = false
                for try await _ in try await connection.query(
                    """
                    UPDATE imports SET software_records = software_records + \(added)
                    WHERE id = \(importID) AND NOT done AND owner = \(owner) RETURNING id
                    """, logger: Self.logger)
                {
                    counted = true
                }
                guard counted else { throw ImportStart.takenOver("import software records") }
            }
        }
        for record in records {
            listed.add(organisation: record.organisation ?? header.organisation, host: record.host)
        }
        await FaultInjection.passing("import-batch")
    }

    func add(usage: [UsageDeclaration]) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        guard existing == nil else { return }
        pendingUsage += usage
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
        let (importID, usage, owner) = (importID, pendingUsage, owner)
        return try await PostgresEstateStore.run("finish import") {
            try await connection.transaction { connection -> ImportOutcome in
                try connection.ensureOpen(Self.operation)
                let declared = try await PostgresEstateStore.insertUsage(
                    usage, importID: importID, connection: connection)
                var summary: ImportSummary?
                try connection.ensureOpen(Self.operation)
                for try await row in try await connection.query(
                    """
                    UPDATE imports SET finished = \(finished.timeIntervalSince1970), done = true, owner = NULL,
                        usage_declarations = \(declared) WHERE id = \(importID) AND NOT done AND owner = \(owner)
                    RETURNING \(unescaped: PostgresEstateStore.importColumns)
                    """, logger: Self.logger)
                {
                    summary = try PostgresEstateStore.importSummary(row)
                }
                guard let summary else { throw ImportStart.takenOver("finish import") }
                try await adopt(connection)
                return .imported(summary)
            }
        }
    }

    /// ``CurrentSoftware``: this import becomes the current inventory of the hosts it lists and of its kind of
    /// host-less export, except where something observed later is already held (a tie goes to this import).
    private func adopt(_ connection: PostgresConnection) async throws {
        let observed = (header.observed ?? header.started).timeIntervalSince1970
        // Imports of one organisation adopt one at a time, so two never both win a host.
        try connection.ensureOpen(Self.operation)
        try await connection.query(
            "SELECT pg_advisory_xact_lock(\(header.organisation)::integer, hashtext('inventories'))",
            logger: Self.logger)
        // The hosts and host-less organisations this file's lines named, gathered as they were stored: one COPY
        // and one statement each, instead of reading the import's rows back.
        try connection.ensureOpen(Self.operation)
        try await connection.query(
            "CREATE TEMP TABLE import_listed (organisation INTEGER, host TEXT) ON COMMIT DROP", logger: Self.logger)
        let rows =
            listed.hosts.map { "\($0.organisation)\t\(copyField($0.host))\n" }.joined()
            + listed.hostless.map { "\($0)\t\\N\n" }.joined()
        if !rows.isEmpty {
            try connection.ensureOpen(Self.operation)
            try await connection.copyFrom(table: "import_listed", logger: Self.logger) {
                try await $0.write(ByteBuffer(string: rows))
            }
        }
        try connection.ensureOpen(Self.operation)
        try await connection.query(
            """
            INSERT INTO host_inventories (organisation, host, import_id, observed)
            SELECT organisation, host, \(importID), \(observed) FROM import_listed WHERE host IS NOT NULL
            \(unescaped: CurrentList.hosts.keepNewest)
            """, logger: Self.logger)
        try connection.ensureOpen(Self.operation)
        try await connection.query(
            """
            INSERT INTO aggregate_inventories (organisation, format, import_id, observed)
            SELECT organisation, \(format), \(importID), \(observed) FROM import_listed WHERE host IS NULL
            \(unescaped: CurrentList.aggregates.keepNewest)
            """, logger: Self.logger)
        // Declarations are few: found in the table.
        try connection.ensureOpen(Self.operation)
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

    /// Removes the import and its lines: an import that failed or was stopped on purpose counts nowhere and
    /// leaves nothing to take over.
    func cancel() async {
        guard !closed else { return }
        closed = true
        if existing == nil, importID != 0 {
            let importID = self.importID
            _ = try? await connection.transaction { connection in
                try await ImportStart.remove(connection, importID: importID)
            }
        }
        if !connection.isClosed { try? await connection.close() }
    }
}

/// How an import of a file starts on PostgreSQL: already done, new, or taken over from a process that is gone.
extension ImportStart {
    static let logger = PostgresEstateStore.logger

    /// In the caller's transaction, under a lock per organisation and file: two processes never take over the
    /// same import (the second finds it owned by the first).
    static func open(
        _ connection: PostgresConnection, header: ImportHeader, owner: ScanOwner
    ) async throws
        -> ImportStart
    {
        try connection.ensureOpen("begin import")
        try await connection.query(
            "SELECT pg_advisory_xact_lock(\(header.organisation)::integer, hashtext(\(header.fileHash)))",
            logger: logger)
        if let done = try await doneImport(connection, header: header) { return .done(done) }
        try connection.ensureOpen("begin import")
        // At most one row per organisation and file (a unique key): the unfinished import, if any.
        let rows = try await connection.query(
            """
            SELECT id, owner, software_records FROM imports
            WHERE organisation = \(header.organisation) AND file_hash = \(header.fileHash) FOR UPDATE
            """, logger: logger
        ).decode((Int64, String?, Int).self)
        var unfinished: (id: Int64, owner: String?, software: Int)?
        for try await row in rows { unfinished = row }
        if let unfinished {
            guard ScanOwner.isGone(unfinished.owner, comparedWith: owner) else {
                throw StoreError.database(
                    operation: "begin import",
                    failure: DatabaseFailure(
                        code: "busy",
                        message: "another process is importing this file for organisation \(header.organisation) "
                            + "now (on this or another machine); import it again when that one has finished"))
            }
            try connection.ensureOpen("begin import")
            try await connection.query(
                "UPDATE imports SET owner = \(owner.text) WHERE id = \(unfinished.id)", logger: logger)
            return .takenOver(
                unfinished.id, software: unfinished.software,
                listed: try await listed(connection, importID: unfinished.id))
        }
        var id: Int64 = 0
        try connection.ensureOpen("begin import")
        for try await value in try await connection.query(
            """
            INSERT INTO imports (organisation, file_hash, file_name, format, started, finished, tool_name,
                tool_version, catalog_version, catalog_digest, lines_read, unreadable_lines, software_records,
                usage_declarations, observed, done, owner)
            VALUES (\(header.organisation), \(header.fileHash), \(header.fileName), \(header.format),
                \(header.started.timeIntervalSince1970), \(header.started.timeIntervalSince1970),
                \(header.tool.name), \(header.tool.version), \(header.catalog.version), \(header.catalog.digest),
                \(header.linesRead), \(header.unreadableLines), 0, 0,
                \((header.observed ?? header.started).timeIntervalSince1970), false, \(owner.text))
            RETURNING id
            """, logger: logger
        ).decode(Int64.self) {
            id = value
        }
        return .new(id)
    }

    /// The finished import of the header's file, if any.
    static func doneImport(_ connection: PostgresConnection, header: ImportHeader) async throws -> ImportSummary? {
        try connection.ensureOpen("find import")
        var summary: ImportSummary?
        for try await row in try await connection.query(
            """
            SELECT \(unescaped: PostgresEstateStore.importColumns) FROM imports
            WHERE organisation = \(header.organisation) AND file_hash = \(header.fileHash) AND done
            """, logger: logger)
        {
            summary = try PostgresEstateStore.importSummary(row)
        }
        return summary
    }

    /// The hosts and host-less organisations the lines already stored name.
    private static func listed(_ connection: PostgresConnection, importID: Int64) async throws -> ListedInventories {
        var listed = ListedInventories()
        try connection.ensureOpen("begin import")
        for try await (organisation, host) in try await connection.query(
            "SELECT DISTINCT organisation, host FROM software WHERE import_id = \(importID)", logger: logger
        ).decode((Int, String?).self) {
            listed.add(organisation: organisation, host: host)
        }
        return listed
    }

    /// Removes an unfinished import and its lines (never one that finished, whoever finished it).
    static func remove(_ connection: PostgresConnection, importID: Int64) async throws {
        try connection.ensureOpen("remove an unfinished import")
        try await connection.query(
            """
            DELETE FROM software WHERE import_id = \(importID)
                AND EXISTS (SELECT 1 FROM imports WHERE id = \(importID) AND NOT done)
            """, logger: logger)
        try connection.ensureOpen("remove an unfinished import")
        try await connection.query("DELETE FROM imports WHERE id = \(importID) AND NOT done", logger: logger)
    }

    /// The error for an import that another process took over (its owner judged this one gone).
    static func takenOver(_ operation: String) -> StoreError {
        StoreError.database(
            operation: operation,
            failure: DatabaseFailure(
                code: "taken-over",
                message: "another process took this unfinished import over; it carries on there"))
    }
}
