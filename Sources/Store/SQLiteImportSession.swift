import Foundation
import GRDB
import GRDBSQLite
import OverblikModel

/// An import committed batch by batch under an import row marked unfinished (`done` 0), which no figure or
/// listing counts until ``finish(finished:)`` marks it done and makes it the current inventory of its hosts, in
/// one transaction. A crash or SIGKILL leaves the committed lines; importing the same file again takes the
/// import over once its process is gone (``ScanOwner``) and stores only the lines after them. ``cancel()``
/// (an error, Ctrl-C) removes the import.
actor SQLiteImportSession: RowBatchImportSession {
    let store: SQLiteEstateStore
    let header: ImportHeader
    private var importID: Int64 = 0
    private var existing: ImportSummary?
    private var closed = false
    /// Software records of a taken-over import already stored: the file's first ones, skipped as they come again.
    private var softwareToSkip = 0
    private var pendingUsage: [UsageDeclaration] = []
    /// What the stored lines name: the hosts and aggregates this import may become the current list of.
    private var listed = ListedInventories()
    /// The detected format (``describe(format:linesRead:unreadableLines:)``): the kind of a host-less export.
    private var format: String

    init(store: SQLiteEstateStore, header: ImportHeader) {
        self.store = store
        self.header = header
        self.format = header.format
    }

    func begin() async throws {
        let header = self.header
        let owner = ScanOwner.current(pseudonymiser: store.pseudonymiser)
        let start = try await SQLiteEstateStore.run("begin import") {
            try await store.queue.write { db in try ImportStart.open(db, header: header, owner: owner) }
        }
        (existing, importID, softwareToSkip, listed) = start.sessionState
    }

    func add(software: [SoftwareRecord]) async throws {
        try await add(rows: SoftwareRowBatch(software, organisation: header.organisation))
    }

    func add(rows: SoftwareRowBatch) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        guard existing == nil, !rows.isEmpty else { return }
        let skip = min(softwareToSkip, rows.count)
        softwareToSkip -= skip
        guard skip < rows.count else { return }
        let importID = self.importID
        try await SQLiteEstateStore.run("import software records") {
            try await store.queue.write { db in
                try rows.insert(into: db, importID: importID, from: skip)
                try db.execute(
                    sql: "UPDATE imports SET software_records = software_records + ? WHERE id = ?",
                    arguments: [rows.count - skip, importID])
            }
        }
        listed.formUnion(rows.listed)
        await FaultInjection.passing("import-batch")
    }

    /// Declarations are few (a KITOS export, a facilitator's list) and may move a declaration another import
    /// holds to this one: they go in with the finish, so a killed or cancelled import takes none away.
    func add(usage: [UsageDeclaration]) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        guard existing == nil else { return }
        pendingUsage += usage
    }

    func describe(format: String, linesRead: Int, unreadableLines: Int) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        guard existing == nil else { return }
        self.format = format
        let importID = self.importID
        try await SQLiteEstateStore.run("describe import") {
            try await store.queue.write { db in
                try db.execute(
                    sql: "UPDATE imports SET format = ?, lines_read = ?, unreadable_lines = ? WHERE id = ?",
                    arguments: [format, linesRead, unreadableLines, importID])
            }
        }
    }

    func finish(finished: Date) async throws -> ImportOutcome {
        guard !closed else { throw StoreError.sessionClosed }
        closed = true
        if let existing { return .alreadyImported(existing) }
        let importID = self.importID
        let header = self.header
        let (listed, format, usage) = (self.listed, self.format, self.pendingUsage)
        return try await SQLiteEstateStore.run("finish import") {
            try await store.queue.write { db -> ImportOutcome in
                // Another process imported the same file meanwhile and finished first: that one counts.
                if let done = try Row.fetchOne(
                    db, sql: "SELECT * FROM imports WHERE organisation = ? AND file_hash = ? AND done = 1 AND id <> ?",
                    arguments: [header.organisation, header.fileHash, importID])
                {
                    try Self.remove(db, importID: importID)
                    return .alreadyImported(SQLiteEstateStore.importSummary(row: done))
                }
                let declared = try SQLiteEstateStore.insertUsage(usage, importID: importID, db: db)
                try db.execute(
                    sql: "UPDATE imports SET finished = ?, done = 1, owner = NULL, usage_declarations = ? WHERE id = ?",
                    arguments: [finished.timeIntervalSince1970, declared, importID])
                try CurrentSoftware.adopt(
                    db, importID: importID, format: format,
                    observed: (header.observed ?? header.started).timeIntervalSince1970, listed: listed)
                let row = try Row.fetchOne(db, sql: "SELECT * FROM imports WHERE id = ?", arguments: [importID])
                return .imported(SQLiteEstateStore.importSummary(row: row!))
            }
        }
    }

    /// Removes the import and its lines: an import that failed or was stopped on purpose counts nowhere and
    /// leaves nothing to take over.
    func cancel() async {
        guard !closed else { return }
        closed = true
        guard existing == nil, importID != 0 else { return }
        let importID = self.importID
        try? await store.queue.write { db in try Self.remove(db, importID: importID) }
    }

    private static func remove(_ db: Database, importID: Int64) throws {
        try db.execute(sql: "DELETE FROM software WHERE import_id = ?", arguments: [importID])
        try db.execute(sql: "DELETE FROM imports WHERE id = ?", arguments: [importID])
    }
}

/// How an import of a file starts: already done, new, or taken over from a process that was killed. Both stores
/// answer with it (the PostgreSQL store opens it in its own extension).
package enum ImportStart: Sendable {
    case done(ImportSummary)
    case new(Int64)
    case takenOver(Int64, software: Int, listed: ListedInventories)

    /// What an import session starts from: the earlier import when the file was imported before (nothing is
    /// stored again), the import row's id, the software records a taken-over import already stored (skipped as
    /// they come again) and what they name.
    package var sessionState:
        (existing: ImportSummary?, importID: Int64, softwareToSkip: Int, listed: ListedInventories)
    {
        switch self {
        case .done(let summary): (summary, 0, 0, ListedInventories())
        case .new(let id): (nil, id, 0, ListedInventories())
        case .takenOver(let id, let software, let listed): (nil, id, software, listed)
        }
    }

    static func open(_ db: Database, header: ImportHeader, owner: ScanOwner) throws -> ImportStart {
        let rows = try Row.fetchAll(
            db, sql: "SELECT * FROM imports WHERE organisation = ? AND file_hash = ? ORDER BY done DESC, id",
            arguments: [header.organisation, header.fileHash])
        if let row = rows.first, row["done"] as Int == 1 { return .done(SQLiteEstateStore.importSummary(row: row)) }
        for row in rows where ScanOwner.isGone(row["owner"] as String?, comparedWith: owner) {
            let id: Int64 = row["id"]
            try db.execute(sql: "UPDATE imports SET owner = ? WHERE id = ?", arguments: [owner.text, id])
            return .takenOver(id, software: row["software_records"], listed: try listed(db, importID: id))
        }
        try db.execute(
            sql: """
                INSERT INTO imports (organisation, file_hash, file_name, format, started, finished, tool_name,
                    tool_version, catalog_version, catalog_digest, lines_read, unreadable_lines,
                    software_records, usage_declarations, observed, done, owner)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, 0, ?)
                """,
            arguments: [
                header.organisation, header.fileHash, header.fileName, header.format,
                header.started.timeIntervalSince1970, header.started.timeIntervalSince1970,
                header.tool.name, header.tool.version, header.catalog.version, header.catalog.digest,
                header.linesRead, header.unreadableLines,
                (header.observed ?? header.started).timeIntervalSince1970, owner.text,
            ])
        return .new(db.lastInsertedRowID)
    }

    /// The hosts and host-less organisations the lines already stored name.
    private static func listed(_ db: Database, importID: Int64) throws -> ListedInventories {
        var listed = ListedInventories()
        let rows = try Row.fetchCursor(
            db, sql: "SELECT DISTINCT organisation, host FROM software WHERE import_id = ?", arguments: [importID])
        while let row = try rows.next() { listed.add(organisation: row["organisation"], host: row["host"]) }
        return listed
    }
}

extension SQLiteEstateStore {
    /// Imports not finished (running, or killed and waiting to be taken over): organisation, file hash, and the
    /// software lines stored so far.
    public func unfinishedImports() async throws -> [(organisation: Int, fileHash: String, softwareRecords: Int)] {
        try await Self.run("unfinished imports") {
            try await queue.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT organisation, file_hash, software_records FROM imports WHERE done = 0 ORDER BY id"
                ).map { ($0["organisation"], $0["file_hash"], $0["software_records"]) }
            }
        }
    }
}
