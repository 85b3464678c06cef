public import Foundation
public import OverblikModel
import GRDB
import GRDBSQLite
import Submissions

/// The default estate store: one SQLite file through GRDB (WAL, busy timeout so several processes can
/// write one file), or an in-memory database for tests.
public final class SQLiteEstateStore: EstateStore {
    let queue: DatabaseQueue
    let location: String
    let pseudonymiser: Pseudonymiser
    /// Unfinished scans this store's file indexes took over, for the scans it begins next.
    let claimedStages = ClaimedStages()

    /// Opens (creating and migrating if needed) the store at `path`, or in memory when `path` is nil.
    public init(path: String?) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(120)
        // Import sessions keep one explicit transaction open across calls (all of a file, or nothing).
        configuration.allowsUnsafeTransactions = true
        configuration.foreignKeysEnabled = true
        configuration.label = "overblik-store"
        let isFile = path != nil
        configuration.prepareDatabase { db in
            if isFile {
                try db.execute(sql: "PRAGMA page_size = 16384")
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            // Bounded page caches, so memory stays flat however many files a scan stages (a million files'
            // stage and documents are on disk); temporary results spill to files, not memory.
            try db.execute(sql: "PRAGMA temp_store = FILE")
            try db.execute(sql: "PRAGMA cache_size = -16384")
            try db.execute(sql: "PRAGMA temp.cache_size = -4096")
        }
        let location = path ?? ":memory:"
        let queue: DatabaseQueue
        do {
            if let path {
                queue = try DatabaseQueue(path: path, configuration: configuration)
            } else {
                queue = try DatabaseQueue(configuration: configuration)
            }
        } catch {
            throw StoreError.cannotOpen(location: location, reason: "\(error)")
        }
        self.location = location
        self.queue = queue
        pseudonymiser = try Self.run("migration") {
            try queue.write { db in
                let known = Set(StoreSchema.steps(dialect: .sqlite).map(\.name))
                let applied = try StoreSchema.sqliteMigrator().appliedIdentifiers(db)
                if let unknown = applied.first(where: { !known.contains($0) }) {
                    let found = Int(unknown.split(separator: "-").first?.dropFirst() ?? "") ?? applied.count
                    throw StoreError.newerSchema(location: location, found: found, known: StoreSchema.currentVersion)
                }
                // A new store is made as the steps would leave it, at once; the migrator then finds nothing to do.
                if applied.isEmpty, try StoreSchema.isEmpty(db) { try StoreSchema.createCurrentSchema(db) }
            }
            try StoreSchema.sqliteMigrator().migrate(queue)
            return try queue.write { db in
                if let hex = try String.fetchOne(
                    db, sql: "SELECT value FROM store_settings WHERE key = 'pseudonym_key'")
                {
                    return Pseudonymiser(keyHex: hex)
                }
                let hex = Pseudonymiser.newKeyHex()
                try db.execute(
                    sql: "INSERT INTO store_settings (key, value) VALUES ('pseudonym_key', ?)", arguments: [hex])
                return Pseudonymiser(keyHex: hex)
            }
        }
    }

    static func run<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as StoreError { throw error } catch {
            throw StoreError.database(operation: operation, failure: .from(error))
        }
    }

    static func run<T>(
        _ operation: String, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async throws -> T {
        do { return try await body() } catch let error as StoreError { throw error } catch {
            throw StoreError.database(operation: operation, failure: .from(error))
        }
    }

    public func schemaVersion() async throws -> Int {
        try await Self.run("schema version") {
            let applied = try await queue.read { db in try StoreSchema.sqliteMigrator().appliedIdentifiers(db) }
            return StoreSchema.steps(dialect: .sqlite).filter { applied.contains($0.name) }.map(\.version).max() ?? 0
        }
    }

    /// SQLite's own consistency check (`PRAGMA integrity_check`): "ok" when the file is sound.
    public func integrityCheck() async throws -> String {
        try await queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }

    // MARK: Scans

    public func fileIndex(organisation: Int?, root: String, readingAgain: ReadAgain) async throws -> FileIndex {
        let root = normalisedRoot(root)
        let rootKey = pseudonymiser.rootKey(root)
        let rootFolder = pseudonymiser.pathKey(root)
        let organisation = organisation ?? 0
        // A scan of this root killed before its finish left its stage: taken over now, its files are known as staged.
        let claimed = try await claimAbandonedStage(organisation: organisation, rootKey: rootKey)
        let (stored, basis, abandoned, readAgain) = try await Self.run("file index") {
            try await queue.read { db in
                let abandoned =
                    try claimed.map { try ScanProgress.stamps(db, id: $0, readingAgain: readingAgain) }
                    ?? (entries: [], readAgain: [])
                let (table, basis) = try Self.storedStamps(
                    db, organisation: organisation, rootKey: rootKey, rootFolder: rootFolder)
                let readAgain = try Self.storedToReadAgain(
                    db, readingAgain, organisation: organisation, rootKey: rootKey, rootFolder: rootFolder)
                return (table, basis, abandoned, readAgain)
            }
        }
        // The staged stamps win over the stored ones (the later of two entries for a digest), and so does
        // whether the staged row must be read again.
        let table = abandoned.entries.isEmpty ? stored : StampTable(stored.entries + abandoned.entries)
        // Distinct files: a stage without a unique key (until its finish) may hold a file twice.
        let staged = abandoned.entries.isEmpty ? [] : Set(abandoned.entries.map(\.digest))
        let index = FileIndex(
            root: root, pseudonymiser: pseudonymiser, table: table, basis: basis, takenOver: staged.count)
        for digest in readAgain where !staged.contains(digest) { index.markForReading(digest) }
        for digest in abandoned.readAgain { index.markForReading(digest) }
        await FaultInjection.passing("file-index")
        return index
    }

    /// The stamps of the documents the root answers for, and what they were read from.
    private static func storedStamps(
        _ db: Database, organisation: Int, rootKey: String, rootFolder: String
    ) throws -> (StampTable, FileIndex.Basis) {
        // The organisation's newest scan: the root's snapshot is current only when that scan wrote it (a scan
        // of any other root may have reached the same files), and its id tells the finishing scan whether
        // anyone changed the documents since.
        let lastScan = try newestScan(db, organisation: organisation)
        let legacy = try DocumentScope.legacyCount(db, organisation: organisation, rootKey: rootKey)
        if let lastScan,
            let table = try FileIndexSnapshot.read(db, organisation: organisation, rootKey: rootKey, scan: lastScan)
        {
            return (table, FileIndex.Basis(lastScan: lastScan, documents: table.count + legacy))
        }
        var entries: [StampTable.Entry] = []
        var rows = legacy
        try DocumentScope.forEachKey(
            db, organisation: organisation, rootFolder: rootFolder, rootKey: rootKey,
            columns: "path_key, size, modified", legacy: false
        ) { key, row in
            rows += 1
            // A key this build cannot parse is treated as unknown: that file is simply read again.
            if let entry = StampTable.Entry(key: key, row: row) { entries.append(entry) }
        }
        // Unparsable keys and older rows are in scope but not in the table: the basis counts rows.
        return (StampTable(entries), FileIndex.Basis(lastScan: lastScan, documents: rows))
    }

    /// The stored documents of the root that `readingAgain` names, by digest.
    private static func storedToReadAgain(
        _ db: Database, _ readingAgain: ReadAgain, organisation: Int, rootKey: String, rootFolder: String
    ) throws -> [PathDigest] {
        guard let condition = readingAgain.rowCondition else { return [] }
        var digests: [PathDigest] = []
        try DocumentScope.forEachKey(
            db, organisation: organisation, rootFolder: rootFolder, rootKey: rootKey, columns: "path_key",
            legacy: false, condition: condition
        ) { key, _ in
            if let digest = PathDigest(keyBytes: key) { digests.append(digest) }
        }
        return digests
    }

    /// Takes over the stage a killed scan of the root left (its owner gone) for the scan this store begins next of
    /// the root, marking it as this process's in one write transaction: of two scans starting at once, one takes
    /// it over and the other finds it held (and reads its files itself). A stage taken over before is kept.
    func claimAbandonedStage(organisation: Int, rootKey: String) async throws -> Int64? {
        if let id = claimedStages.peek(organisation: organisation, rootKey: rootKey) { return id }
        let me = ScanOwner.current(pseudonymiser: pseudonymiser)
        // Most scans find none: a read, so that they need not wait for the write lock.
        let candidate = try await Self.run("file index") {
            try await queue.read { db in
                try ScanProgress.abandoned(db, organisation: organisation, rootKey: rootKey, me: me)
            }
        }
        guard candidate != nil else { return nil }
        let id = try await Self.run("take over an unfinished scan") {
            try await queue.write { db -> Int64? in
                guard let id = try ScanProgress.abandoned(db, organisation: organisation, rootKey: rootKey, me: me)
                else { return nil }
                try db.execute(sql: "UPDATE scan_progress SET owner = ? WHERE id = ?", arguments: [me.text, id])
                return id
            }
        }
        if let id { claimedStages.remember(id, organisation: organisation, rootKey: rootKey) }
        return id
    }

    /// The id of the organisation's newest finished scan (of any root).
    static func newestScan(_ db: Database, organisation: Int) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM scans WHERE organisation = ?", arguments: [organisation])
    }

    public func rememberedCatalogStamp(fingerprint: String) async throws -> CatalogStamp? {
        let value = try await Self.run("read catalog stamp") {
            try await queue.read { db in
                try String.fetchOne(
                    db, sql: "SELECT value FROM store_settings WHERE key = ?", arguments: [CatalogStampMemo.settingKey])
            }
        }
        return CatalogStampMemo.decode(value, fingerprint: fingerprint)
    }

    public func rememberCatalogStamp(_ stamp: CatalogStamp, fingerprint: String) async throws {
        let value = try CatalogStampMemo.encode(stamp, fingerprint: fingerprint)
        try await Self.run("remember catalog stamp") {
            try await queue.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO store_settings (key, value) VALUES (?, ?)",
                    arguments: [CatalogStampMemo.settingKey, value])
            }
        }
    }

    public func beginScan(_ header: ScanHeader) async throws -> any ScanSession {
        let session = SQLiteScanSession(store: self, header: header)
        try await session.create()
        return session
    }

    public func scans(organisation: Int?) async throws -> [ScanSummary] {
        try await Self.run("list scans") {
            try await queue.read { db in
                let filter: SQL = organisation.map { "WHERE organisation = \($0)" } ?? ""
                return try SQLRequest<Row>(literal: "SELECT * FROM scans \(filter) ORDER BY finished DESC, id DESC")
                    .fetchAll(db).map {
                        row in
                        let organisation: Int = row["organisation"]
                        let root: String? = row["root"]
                        return ScanSummary(
                            id: row["id"], organisation: organisation == 0 ? nil : organisation,
                            root: root ?? row["root_key"], started: Date(timeIntervalSince1970: row["started"]),
                            finished: Date(timeIntervalSince1970: row["finished"]), toolVersion: row["tool_version"],
                            catalog: CatalogStamp(version: row["catalog_version"], digest: row["catalog_digest"]),
                            new: row["new_count"], changed: row["changed_count"], unchanged: row["unchanged_count"],
                            deleted: row["deleted_count"])
                    }
            }
        }
    }

    public func documentTallies(organisation: Int?, root: String) async throws -> [DocumentTally] {
        let root = normalisedRoot(root)
        let rootFolder = pseudonymiser.pathKey(root)
        let rootKey = pseudonymiser.rootKey(root)
        let organisation = organisation ?? 0
        return try await Self.run("document tallies") {
            try await queue.write { db in
                // An unchanged rescan's summary is read from the tallies the last changing scan left (re-tagged
                // like the file index snapshot), not grouped again from every row.
                let newest = try Self.newestScan(db, organisation: organisation)
                if let newest,
                    let text = try String.fetchOne(
                        db,
                        sql: """
                            SELECT tallies FROM document_tally_snapshots
                            WHERE organisation = ? AND root_key = ? AND scan_id = ?
                            """, arguments: [organisation, rootKey, newest]),
                    let tallies = try? JSONDecoder().decode([DocumentTally].self, from: Data(text.utf8))
                {
                    return tallies
                }
                let tallies = try Row.fetchAll(
                    db,
                    sql: """
                        \(DocumentScope.subtree)
                        SELECT family, format, suite, suite_version_line, odf_version, error, encrypted <> 0,
                            warnings > 0, COUNT(*)
                        FROM documents WHERE organisation = ?
                            AND (folder_key IN sub OR (folder_key IS NULL AND root_key = ?))
                        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
                        """, arguments: [rootFolder, organisation, organisation, rootKey]
                ).map { row in
                    DocumentTally(
                        family: row[0], format: row[1], suite: row[2], suiteVersionLine: row[3], odfVersion: row[4],
                        error: row[5], encrypted: row[6], withWarnings: row[7], count: row[8])
                }
                if let newest {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO document_tally_snapshots VALUES (?, ?, ?, ?)",
                        arguments: [
                            organisation, rootKey, newest,
                            try DocumentTally.snapshotText(tallies),
                        ])
                }
                return tallies
            }
        }
    }

    // MARK: Imports

    public func beginImport(_ header: ImportHeader) async throws -> any ImportSession {
        let session = SQLiteImportSession(store: self, header: header)
        try await session.begin()
        return session
    }

    public func importSummary(organisation: Int, fileHash: String) async throws -> ImportSummary? {
        try await Self.run("find import") {
            try await queue.read { db in
                try Row.fetchOne(
                    db, sql: "SELECT * FROM imports WHERE organisation = ? AND file_hash = ? AND done = 1",
                    arguments: [organisation, fileHash]
                ).map(Self.importSummary(row:))
            }
        }
    }

    public func imports(organisation: Int?) async throws -> [ImportSummary] {
        try await Self.run("list imports") {
            try await queue.read { db in
                // Unfinished imports (killed, waiting to be taken over) are not imports yet.
                let filter: SQL = organisation.map { "AND organisation = \($0)" } ?? ""
                return try SQLRequest<Row>(
                    literal: "SELECT * FROM imports WHERE done = 1 \(filter) ORDER BY finished DESC, id DESC"
                )
                .fetchAll(db)
                .map(Self.importSummary(row:))
            }
        }
    }

    static func importSummary(row: Row) -> ImportSummary {
        ImportSummary(
            id: row["id"], organisation: row["organisation"], fileHash: row["file_hash"], fileName: row["file_name"],
            format: row["format"], started: Date(timeIntervalSince1970: row["started"]),
            finished: Date(timeIntervalSince1970: row["finished"]), linesRead: row["lines_read"],
            unreadableLines: row["unreadable_lines"], softwareRecords: row["software_records"],
            usageDeclarations: row["usage_declarations"])
    }

    @discardableResult
    public func addUsageDeclarations(_ declarations: [UsageDeclaration]) async throws -> Int {
        try await Self.run("add usage declarations") {
            try await queue.write { db in try Self.insertUsage(declarations, importID: nil, db: db) }
        }
    }

    static func insertUsage(_ declarations: [UsageDeclaration], importID: Int64?, db: Database) throws -> Int {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO usage_declarations (import_id, dedupe_key, organisation, product, relation, date, evidence,
                    evidence_kind, source, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                \(CurrentSoftware.redeclared)
                """)
        var added = 0
        for item in declarations {
            try statement.execute(arguments: [
                importID, item.dedupeKey, item.organisation, item.product, item.relation.rawValue, item.date,
                item.evidence, item.evidenceKind.rawValue, item.source, item.line,
            ])
            added += db.changesCount
        }
        return added
    }

    public func usageDeclarations(organisation: Int?) async throws -> [UsageDeclaration] {
        try await Self.run("list usage declarations") {
            try await queue.read { db in
                let filter: SQL = organisation.map { "AND organisation = \($0)" } ?? ""
                return try SQLRequest<Row>(
                    literal: """
                        SELECT * FROM usage_declarations WHERE \(sql: CurrentSoftware.currentUsage) \(filter)
                        ORDER BY organisation, product, date, relation, id
                        """
                ).fetchAll(db).map { row in
                    UsageDeclaration(
                        organisation: row["organisation"], product: row["product"],
                        relation: UsageRelation(rawValue: row["relation"]) ?? .uses, date: row["date"],
                        evidence: row["evidence"],
                        evidenceKind: EvidenceKind(rawValue: row["evidence_kind"]) ?? .usageDeclaration,
                        source: row["source"], line: row["line"])
                }
            }
        }
    }

    // MARK: Classification

    public func classificationStamp() async throws -> CatalogStamp? {
        try await Self.run("read classification catalog") {
            try await queue.read { db in
                ClassificationSetting.decode(
                    try String.fetchOne(
                        db, sql: "SELECT value FROM store_settings WHERE key = ?",
                        arguments: [ClassificationSetting.key]))
            }
        }
    }

    public func reclassify(with classifier: any StoredRowClassifier) async throws -> ReclassificationSummary {
        try await Self.run("reclassify") {
            try await queue.write { db in
                let previous = ClassificationSetting.decode(
                    try String.fetchOne(
                        db, sql: "SELECT value FROM store_settings WHERE key = ?",
                        arguments: [ClassificationSetting.key]))
                // Each distinct input is asked once; a temporary table of answers then updates the rows in one
                // statement, touching only those whose answer changed.
                try db.execute(
                    sql: """
                        CREATE TEMP TABLE reclassified_documents (family TEXT, generator TEXT, application TEXT,
                            app_version TEXT, suite TEXT, suite_version TEXT, suite_version_line TEXT)
                        """)
                defer { try? db.execute(sql: "DROP TABLE temp.reclassified_documents") }
                let documentKeys = try Row.fetchAll(
                    db, sql: "SELECT DISTINCT family, generator, application, app_version FROM documents")
                let addDocument = try db.makeStatement(
                    sql: "INSERT INTO reclassified_documents VALUES (?, ?, ?, ?, ?, ?, ?)")
                for key in documentKeys {
                    let family: String = key[0]
                    let generator: String? = key[1]
                    let application: String? = key[2]
                    let appVersion: String? = key[3]
                    guard
                        let answer = classifier.classifyDocument(
                            family: family, generator: generator, application: application, appVersion: appVersion)
                    else { continue }
                    try addDocument.execute(arguments: [
                        family, generator, application, appVersion, answer.product, answer.version, answer.versionLine,
                    ])
                }
                try db.execute(
                    sql: "CREATE INDEX temp.reclassified_documents_key ON reclassified_documents (generator)")
                try db.execute(
                    sql: """
                        UPDATE documents SET suite = m.suite, suite_version = m.suite_version,
                            suite_version_line = m.suite_version_line
                        FROM reclassified_documents m
                        WHERE documents.generator IS m.generator AND documents.family = m.family
                            AND documents.application IS m.application AND documents.app_version IS m.app_version
                            AND (documents.suite IS NOT m.suite OR documents.suite_version IS NOT m.suite_version
                                OR documents.suite_version_line IS NOT m.suite_version_line)
                        """)
                let documentsChanged = db.changesCount

                try db.execute(
                    sql: """
                        CREATE TEMP TABLE reclassified_software (title TEXT, publisher TEXT, version TEXT,
                            package TEXT, platform TEXT, old_rule TEXT, product TEXT, product_version TEXT,
                            version_line TEXT, component TEXT, counts_as_installation INTEGER, rule TEXT)
                        """)
                defer { try? db.execute(sql: "DROP TABLE temp.reclassified_software") }
                let softwareKeys = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT COALESCE(classified_title, title), publisher, version, package, platform, rule
                        FROM software
                        """)
                let addSoftware = try db.makeStatement(
                    sql: "INSERT INTO reclassified_software VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                for key in softwareKeys {
                    let title: String = key[0]
                    let rule: String = key[5]
                    let answer = classifier.classifySoftware(
                        title: title, publisher: key[1], version: key[2], package: key[3], platform: key[4],
                        rule: rule)
                    try addSoftware.execute(arguments: [
                        title, key[1] as String?, key[2] as String?, key[3] as String?, key[4] as String?, rule,
                        answer.product, answer.version, answer.versionLine, answer.component,
                        answer.countsAsInstallation, answer.rule,
                    ])
                }
                try db.execute(sql: "CREATE INDEX temp.reclassified_software_key ON reclassified_software (title)")
                try db.execute(
                    sql: """
                        UPDATE software SET product = m.product, product_version = m.product_version,
                            version_line = m.version_line, component = m.component,
                            counts_as_installation = m.counts_as_installation, rule = m.rule
                        FROM reclassified_software m
                        WHERE m.title = COALESCE(software.classified_title, software.title)
                            AND software.publisher IS m.publisher AND software.version IS m.version
                            AND software.package IS m.package AND software.platform IS m.platform
                            AND software.rule = m.old_rule
                            AND (software.product IS NOT m.product OR software.product_version IS NOT m.product_version
                                OR software.version_line IS NOT m.version_line OR software.component IS NOT m.component
                                OR software.counts_as_installation IS NOT m.counts_as_installation
                                OR software.rule IS NOT m.rule)
                        """)
                let softwareChanged = db.changesCount
                // Grouped documents carry suites: none holds after a reclassification.
                try db.execute(sql: "DELETE FROM document_tally_snapshots")
                try db.execute(
                    sql: "INSERT OR REPLACE INTO store_settings (key, value) VALUES (?, ?)",
                    arguments: [ClassificationSetting.key, ClassificationSetting.encode(classifier.stamp)])
                return ReclassificationSummary(
                    previous: previous, catalog: classifier.stamp, documentKeys: documentKeys.count,
                    documentsChanged: documentsChanged, softwareKeys: softwareKeys.count,
                    softwareChanged: softwareChanged)
            }
        }
    }

    // MARK: Aggregates

    public func documentCounts(organisation: Int) async throws -> [Submission.DocumentCount] {
        try await Self.run("count documents") {
            try await queue.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT family, format, suite, suite_version_line, odf_version, year, COUNT(*) AS n
                        FROM documents WHERE organisation IN (?, 0) AND error IS NULL
                        GROUP BY family, format, suite, suite_version_line, odf_version, year
                        """, arguments: [organisation]
                ).map { row in
                    Submission.DocumentCount(
                        family: DocumentFamily(rawValue: row["family"]) ?? .other, format: row["format"],
                        suite: row["suite"], suiteVersionLine: row["suite_version_line"],
                        odfVersion: row["odf_version"], year: row["year"], count: row["n"])
                }.sorted(by: AggregateOrder.documents)
            }
        }
    }

    public func documentReadiness(organisation: Int) async throws -> Submission.Readiness? {
        try await Self.run("count document features") {
            try await queue.read { db in
                var tally = FeatureTally()
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT features, family, format, year, COUNT(*) AS n FROM documents
                        WHERE organisation IN (?, 0) AND error IS NULL AND features IS NOT NULL AND features <> ''
                        GROUP BY features, family, format, year
                        """, arguments: [organisation])
                {
                    tally.add(
                        features: row["features"], family: row["family"], format: row["format"], year: row["year"],
                        count: row["n"])
                }
                let measured =
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT COUNT(*) FROM documents
                            WHERE organisation IN (?, 0) AND error IS NULL AND features IS NOT NULL
                            """, arguments: [organisation]) ?? 0
                return tally.readiness(measured: measured)
            }
        }
    }

    public func documentConformance(organisation: Int) async throws -> Submission.Conformance? {
        try await Self.run("count conformance verdicts") {
            try await queue.read { db in
                var tally = ConformanceTally()
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT conformance, suite, suite_version_line, odf_version, COUNT(*) AS n FROM documents
                        WHERE organisation IN (?, 0) AND error IS NULL AND conformance IS NOT NULL
                        GROUP BY conformance, suite, suite_version_line, odf_version
                        """, arguments: [organisation])
                {
                    tally.add(
                        verdict: row["conformance"], suite: row["suite"], suiteVersionLine: row["suite_version_line"],
                        odfVersion: row["odf_version"], count: row["n"])
                }
                return tally.conformance
            }
        }
    }

    public func documentErrorCounts(organisation: Int) async throws -> [Submission.ErrorCount] {
        try await Self.run("count read errors") {
            try await queue.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT error, COUNT(*) AS n FROM documents
                        WHERE organisation IN (?, 0) AND error IS NOT NULL GROUP BY error ORDER BY error
                        """, arguments: [organisation]
                ).compactMap { row in
                    ReadFailureKind(rawValue: row["error"]).map { Submission.ErrorCount(kind: $0, count: row["n"]) }
                }
            }
        }
    }

    public func lastScanFinished(organisation: Int) async throws -> Date? {
        try await Self.run("last scan") {
            try await queue.read { db in
                try Double.fetchOne(
                    db, sql: "SELECT MAX(finished) FROM scans WHERE organisation IN (?, 0)", arguments: [organisation]
                ).map(Date.init(timeIntervalSince1970:))
            }
        }
    }

    public func scanDates(organisation: Int) async throws -> DataDates {
        try await Self.run("scan dates") {
            try await queue.read { db in
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT MIN(newest), MAX(newest) FROM (
                            SELECT MAX(s.finished) AS newest FROM scans s
                            WHERE s.organisation IN (?, 0) AND s.root_key IN (
                                SELECT DISTINCT root_key FROM documents WHERE organisation IN (?, 0))
                            GROUP BY s.root_key)
                        """, arguments: [organisation, organisation])
                let oldest: Double? = row?[0]
                let newest: Double? = row?[1]
                return DataDates(
                    oldest: oldest.map(Date.init(timeIntervalSince1970:)),
                    newest: newest.map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    public func installationCounts(
        organisation: Int, observedSince: Date?
    ) async throws -> [Submission.InstallationCount] {
        try await Self.run("count installations") {
            try await queue.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT product, version_line,
                            COUNT(DISTINCT host) + COALESCE(SUM(CASE WHEN host IS NULL THEN install_count END), 0) AS n
                        FROM software s WHERE \(CurrentSoftware.sqlite) AND counts_as_installation <> 0
                        GROUP BY product, version_line
                        """, arguments: CurrentSoftware.arguments(organisation, observedSince)
                ).map { row in
                    Submission.InstallationCount(
                        product: row["product"], versionLine: row["version_line"], hosts: row["n"])
                }.sorted(by: AggregateOrder.installations)
            }
        }
    }

    public func distinctHosts(organisation: Int, observedSince: Date?) async throws -> Int {
        try await Self.run("count hosts") {
            try await queue.read { db in
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM host_inventories WHERE organisation = ? AND observed >= ?",
                    arguments: [organisation, CurrentSoftware.cutoff(observedSince)]) ?? 0
            }
        }
    }

    public func inventoryDates(organisation: Int, observedSince: Date?) async throws -> InventoryDates {
        let cutoff = CurrentSoftware.cutoff(observedSince)
        return try await Self.run("inventory dates") {
            try await queue.read { db in
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT MIN(observed), MAX(observed),
                            (SELECT COUNT(*) FROM host_inventories WHERE organisation = ? AND observed < ?),
                            (SELECT COUNT(*) FROM aggregate_inventories WHERE organisation = ? AND observed < ?)
                        FROM (
                            SELECT observed FROM host_inventories WHERE organisation = ? AND observed >= ?
                            UNION ALL
                            SELECT observed FROM aggregate_inventories WHERE organisation = ? AND observed >= ?)
                        """,
                    arguments: [
                        organisation, cutoff, organisation, cutoff, organisation, cutoff, organisation, cutoff,
                    ])
                let oldest: Double? = row?[0]
                let newest: Double? = row?[1]
                return InventoryDates(
                    dates: DataDates(
                        oldest: oldest.map(Date.init(timeIntervalSince1970:)),
                        newest: newest.map(Date.init(timeIntervalSince1970:))),
                    staleHosts: row?[2] ?? 0, staleAggregates: row?[3] ?? 0)
            }
        }
    }

    public func unknownTitles(
        organisation: Int, limit: Int, observedSince: Date?
    ) async throws -> [Submission.UnknownTitle] {
        try await Self.run("unknown titles") {
            try await queue.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT title, publisher, COUNT(*) AS n FROM software s
                        WHERE \(CurrentSoftware.sqlite) AND product = 'unknown'
                        GROUP BY title, publisher ORDER BY n DESC, title, publisher LIMIT ?
                        """, arguments: CurrentSoftware.arguments(organisation, observedSince) + [limit]
                ).map { Submission.UnknownTitle(title: $0["title"], publisher: $0["publisher"], count: $0["n"]) }
            }
        }
    }

    // MARK: Submissions

    public func addSubmission(_ submission: Submission) async throws -> SubmissionLoadOutcome {
        let outcome = try await loadSubmission(submission)
        await FaultInjection.passing("compile-submission")
        return outcome
    }

    private func loadSubmission(_ submission: Submission) async throws -> SubmissionLoadOutcome {
        let content = String(decoding: try encodeSubmission(submission, pretty: false), as: UTF8.self)
        return try await Self.run("load submission") {
            try await queue.write { db in
                if try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM submissions WHERE digest = ?", arguments: [submission.digest]) ?? false
                {
                    return .duplicate
                }
                let body = submission.body
                try db.execute(
                    sql: """
                        INSERT INTO submissions (organisation, period, digest, created, loaded, content, superseded)
                        VALUES (?, ?, ?, ?, ?, ?, 0)
                        """,
                    arguments: [
                        body.organisation.code, body.period, submission.digest, body.created.timeIntervalSince1970,
                        Date().timeIntervalSince1970, content,
                    ])
                let newest = try String.fetchOne(
                    db,
                    sql: """
                        SELECT digest FROM submissions WHERE organisation = ? AND period = ?
                        ORDER BY created DESC, digest DESC LIMIT 1
                        """, arguments: [body.organisation.code, body.period])
                try db.execute(
                    sql: """
                        UPDATE submissions SET superseded = CASE WHEN digest = ? THEN 0 ELSE 1 END
                        WHERE organisation = ? AND period = ?
                        """, arguments: [newest, body.organisation.code, body.period])
                return newest == submission.digest ? .current : .history
            }
        }
    }

    public func latestSubmissions(period: String?) async throws -> [Submission] {
        try await Self.run("latest submissions") {
            try await queue.read { db in
                let sql: String
                let arguments: StatementArguments
                if let period {
                    sql = """
                        SELECT content FROM submissions WHERE superseded = 0 AND period = ? ORDER BY organisation
                        """
                    arguments = [period]
                } else {
                    sql = """
                        SELECT s.content FROM submissions s
                        WHERE s.superseded = 0 AND s.period = (
                            SELECT MAX(t.period) FROM submissions t WHERE t.organisation = s.organisation)
                        ORDER BY s.organisation
                        """
                    arguments = []
                }
                return try String.fetchAll(db, sql: sql, arguments: arguments).map {
                    try decodeSubmission(Data($0.utf8))
                }
            }
        }
    }

    public func submissionHistory(organisation: Int?, period: String?) async throws -> [StoredSubmission] {
        try await Self.run("submission history") {
            try await queue.read { db in
                var conditions: [String] = []
                var arguments: StatementArguments = []
                if let organisation {
                    conditions.append("organisation = ?")
                    arguments += [organisation]
                }
                if let period {
                    conditions.append("period = ?")
                    arguments += [period]
                }
                let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
                return try Row.fetchAll(
                    db,
                    sql: """
                        SELECT content, loaded, superseded FROM submissions \(filter)
                        ORDER BY organisation, period, created, digest
                        """, arguments: arguments
                ).map { row in
                    let content: String = row["content"]
                    return StoredSubmission(
                        submission: try decodeSubmission(Data(content.utf8)),
                        loaded: Date(timeIntervalSince1970: row["loaded"]), superseded: row["superseded"])
                }
            }
        }
    }

    public func periods() async throws -> [String] {
        try await Self.run("list periods") {
            try await queue.read { db in
                try String.fetchAll(db, sql: "SELECT DISTINCT period FROM submissions ORDER BY period")
            }
        }
    }

    public func close() async throws {
        try queue.close()
    }
}
