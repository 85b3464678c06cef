import Foundation
import GRDB
import GRDBSQLite
import OverblikModel

/// An import held in one explicit write transaction from ``begin()`` to ``finish(finished:)``:
/// the whole file is in, or (crash, cancel, already imported) nothing is.
actor SQLiteImportSession: RowBatchImportSession {
    let store: SQLiteEstateStore
    let header: ImportHeader
    private var importID: Int64 = 0
    private var existing: ImportSummary?
    private var closed = false
    private var softwareCount = 0
    private var usageCount = 0
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
        let (id, existing) = try await SQLiteEstateStore.run("begin import") {
            try await store.queue.writeWithoutTransaction { db -> (Int64, ImportSummary?) in
                try db.execute(sql: "BEGIN IMMEDIATE")
                do {
                    if let row = try Row.fetchOne(
                        db, sql: "SELECT * FROM imports WHERE organisation = ? AND file_hash = ?",
                        arguments: [header.organisation, header.fileHash])
                    {
                        try db.execute(sql: "ROLLBACK")
                        return (0, SQLiteEstateStore.importSummary(row: row))
                    }
                    try db.execute(
                        sql: """
                            INSERT INTO imports (organisation, file_hash, file_name, format, started, finished, tool_name,
                                tool_version, catalog_version, catalog_digest, lines_read, unreadable_lines,
                                software_records, usage_declarations, observed)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)
                            """,
                        arguments: [
                            header.organisation, header.fileHash, header.fileName, header.format,
                            header.started.timeIntervalSince1970, header.started.timeIntervalSince1970,
                            header.tool.name, header.tool.version, header.catalog.version, header.catalog.digest,
                            header.linesRead, header.unreadableLines,
                            (header.observed ?? header.started).timeIntervalSince1970,
                        ])
                    return (db.lastInsertedRowID, nil)
                } catch {
                    try? db.execute(sql: "ROLLBACK")
                    throw error
                }
            }
        }
        importID = id
        self.existing = existing
    }

    func add(software: [SoftwareRecord]) async throws {
        try await add(rows: SoftwareRowBatch(software, organisation: header.organisation))
    }

    func add(rows: SoftwareRowBatch) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        guard existing == nil, !rows.isEmpty else { return }
        let importID = self.importID
        try await SQLiteEstateStore.run("import software records") {
            try await store.queue.writeWithoutTransaction { db in
                try rows.insert(into: db, importID: importID)
            }
        }
        softwareCount += rows.count
        listed.formUnion(rows.listed)
    }

    func add(usage: [UsageDeclaration]) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        guard existing == nil, !usage.isEmpty else { return }
        let importID = self.importID
        let added = try await SQLiteEstateStore.run("import usage declarations") {
            try await store.queue.writeWithoutTransaction { db in
                try SQLiteEstateStore.insertUsage(usage, importID: importID, db: db)
            }
        }
        usageCount += added
    }

    func describe(format: String, linesRead: Int, unreadableLines: Int) async throws {
        guard !closed else { throw StoreError.sessionClosed }
        guard existing == nil else { return }
        self.format = format
        let importID = self.importID
        try await SQLiteEstateStore.run("describe import") {
            try await store.queue.writeWithoutTransaction { db in
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
        let (listed, format) = (self.listed, self.format)
        let counts = (softwareCount, usageCount)
        let summary = try await SQLiteEstateStore.run("finish import") {
            try await store.queue.writeWithoutTransaction { db -> ImportSummary in
                do {
                    try db.execute(
                        sql:
                            "UPDATE imports SET finished = ?, software_records = ?, usage_declarations = ? WHERE id = ?",
                        arguments: [finished.timeIntervalSince1970, counts.0, counts.1, importID])
                    try CurrentSoftware.adopt(
                        db, importID: importID, format: format,
                        observed: (header.observed ?? header.started).timeIntervalSince1970, listed: listed)
                    let row = try Row.fetchOne(db, sql: "SELECT * FROM imports WHERE id = ?", arguments: [importID])
                    try db.execute(sql: "COMMIT")
                    return SQLiteEstateStore.importSummary(row: row!)
                } catch {
                    try? db.execute(sql: "ROLLBACK")
                    throw error
                }
            }
        }
        return .imported(summary)
    }

    func cancel() async {
        guard !closed else { return }
        closed = true
        guard existing == nil else { return }
        try? await store.queue.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
    }
}
