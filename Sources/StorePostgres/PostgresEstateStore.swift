public import Foundation
public import OverblikModel
public import Store
import Logging
import PostgresNIO
import Submissions

/// The shared store on PostgreSQL: the same schema and contract as ``SQLiteEstateStore``, for a
/// facilitator whose data outgrows one file and for several scanners writing one store at once.
///
/// URL: `postgres://user[:password]@host[:port]/database[?schema=NAME&sslmode=disable|require]`.
/// With `schema`, every table lives in that schema (created if needed).
public final class PostgresEstateStore: EstateStore {
    let settings: ConnectionSettings
    let main: ConnectionBox
    let pseudonymiser: Pseudonymiser
    /// Unfinished scans this store's file indexes took over, for the scans it begins next.
    let claimedStages = ClaimedStages()
    static let logger = Logger(label: "overblik.store.postgres")

    struct ConnectionSettings: Sendable {
        var configuration: PostgresConnection.Configuration
        var schema: String?
        var description: String
    }

    deinit {
        // A store dropped without close() (an error on the way) still closes its connection.
        let box = main
        Task { try? await box.close() }
    }

    public init(url: String) async throws {
        settings = try Self.parse(url: url)
        let connection = try await Self.connect(settings)
        main = ConnectionBox(connection, settings: settings)
        do {
            pseudonymiser = try await Self.migrate(connection, settings: settings)
        } catch {
            try? await connection.close()
            throw error
        }
    }

    static func parse(url: String) throws -> ConnectionSettings {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme,
            scheme == "postgres" || scheme == "postgresql", let host = parts.host, !host.isEmpty
        else { throw StoreError.badPostgresURL(StoreLocation.postgres(url: url).description) }
        let database = parts.path.count > 1 ? String(parts.path.dropFirst()) : nil
        let query = Dictionary(
            (parts.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let tls: PostgresConnection.Configuration.TLS
        switch query["sslmode"] {
        case "require", "verify-full", "verify-ca":
            tls = .require(try .init(configuration: .makeClientConfiguration()))
        default:
            tls = .disable
        }
        let schema = query["schema"].flatMap { $0.isEmpty ? nil : $0 }
        if let schema, schema.range(of: "^[A-Za-z_][A-Za-z0-9_]{0,62}$", options: .regularExpression) == nil {
            throw StoreError.badPostgresURL("schema '\(schema)' must be a plain identifier")
        }
        let configuration = PostgresConnection.Configuration(
            host: host, port: parts.port ?? 5432, username: parts.user ?? "postgres",
            password: parts.password?.removingPercentEncoding, database: database, tls: tls)
        return ConnectionSettings(
            configuration: configuration, schema: schema, description: StoreLocation.postgres(url: url).description)
    }

    static let connectionCounter = Counter()

    final class Counter: Sendable {
        private let lock = NSLock()
        nonisolated(unsafe) private var value = 0
        func next() -> Int {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return value
        }
    }

    static func connect(_ settings: ConnectionSettings) async throws -> PostgresConnection {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: settings.configuration, id: connectionCounter.next(), logger: logger)
        } catch {
            throw StoreError.cannotOpen(location: settings.description, reason: String(reflecting: error))
        }
        if let schema = settings.schema {
            try await run("select schema") {
                try await connection.query("CREATE SCHEMA IF NOT EXISTS \(unescaped: schema)", logger: logger)
                try await connection.query("SET search_path TO \(unescaped: schema)", logger: logger)
            }
        }
        return connection
    }

    static func run<T>(
        _ operation: String, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async throws -> T {
        do { return try await body() } catch let error as StoreError { throw error } catch {
            throw StoreError.database(operation: operation, failure: .from(error))
        }
    }

    /// Applies missing migration steps under an advisory lock (several processes may open at once).
    static func migrate(_ connection: PostgresConnection, settings: ConnectionSettings) async throws -> Pseudonymiser {
        try await run("migration") {
            try await connection.query("BEGIN", logger: logger)
            do {
                // One lock per schema: stores in other schemas of the same server migrate without waiting (a
                // process holding one schema's migration must never stall another's, such as a test's child).
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(7355608, hashtext(current_schema()))", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied DOUBLE PRECISION NOT NULL)
                    """, logger: logger)
                var applied = Set<Int>()
                for try await version in try await connection.query(
                    "SELECT version FROM schema_migrations", logger: logger
                ).decode(Int.self) {
                    applied.insert(version)
                }
                if let newest = applied.max(), newest > StoreSchema.currentVersion {
                    throw StoreError.newerSchema(
                        location: settings.description, found: newest, known: StoreSchema.currentVersion)
                }
                for step in StoreSchema.steps(dialect: .postgres) where !applied.contains(step.version) {
                    for statement in step.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        """
                        INSERT INTO schema_migrations (version, name, applied)
                        VALUES (\(step.version), \(step.name), \(Date().timeIntervalSince1970))
                        """, logger: logger)
                }
                try await connection.query(
                    """
                    INSERT INTO store_settings (key, value) VALUES ('pseudonym_key', \(Pseudonymiser.newKeyHex()))
                    ON CONFLICT (key) DO NOTHING
                    """, logger: logger)
                var key = ""
                for try await value in try await connection.query(
                    "SELECT value FROM store_settings WHERE key = 'pseudonym_key'", logger: logger
                ).decode(String.self) {
                    key = value
                }
                try await connection.query("COMMIT", logger: logger)
                return Pseudonymiser(keyHex: key)
            } catch {
                await connection.rollBackUnlessClosed()
                throw error
            }
        }
    }

    /// Runs a query on the store's connection and collects every row.
    func rows(_ operation: String, _ query: PostgresQuery) async throws -> [PostgresRow] {
        try await Self.run(operation) {
            try await main.run { connection in
                var rows: [PostgresRow] = []
                for try await row in try await connection.query(query, logger: Self.logger) { rows.append(row) }
                return rows
            }
        }
    }

    public func schemaVersion() async throws -> Int {
        let rows = try await rows("schema version", "SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        return try rows.first?.decode(Int.self) ?? 0
    }

    // MARK: Scans

    public func fileIndex(organisation: Int?, root: String, readingAgain: ReadAgain) async throws -> FileIndex {
        let root = normalisedRoot(root)
        let rootFolder = pseudonymiser.pathKey(root)
        let organisation = organisation ?? 0
        // A scan of this root killed before its finish left its stage: taken over now, its files are known as staged.
        let rootKey = pseudonymiser.rootKey(root)
        let claimed = try await claimAbandonedStage(organisation: organisation, rootKey: rootKey)
        let staged = try await Self.run("file index") {
            try await main.run { connection -> (stamps: [String: FileStamp], readAgain: [String]) in
                guard let claimed else { return ([:], []) }
                return try await PostgresScanProgress.stamps(connection, id: claimed, readingAgain: readingAgain)
            }
        }
        var stamps: [String: FileStamp] = [:]
        var readAgain: [String] = []
        let readsAgain = readingAgain.rowCondition ?? "false"
        // Every document in the root's folder or below it, whichever root reached it. Rows from before folders
        // were kept are left out, so the scan reads them once more and gives them their folder.
        for row in try await rows(
            "file index",
            """
            WITH RECURSIVE sub(k) AS (
                SELECT \(rootFolder)::text UNION
                SELECT f.folder_key FROM folders f JOIN sub ON f.organisation = \(organisation) AND f.parent_key = sub.k)
            SELECT path_key, size, modified, \(unescaped: readsAgain) FROM documents
            WHERE organisation = \(organisation) AND folder_key IN (SELECT k FROM sub)
            """
        ) {
            let (key, size, modified, again) = try row.decode((String, Int64, Double, Bool).self)
            stamps[key] = FileStamp(size: size, modifiedSeconds: modified)
            // The staged row, when there is one, decides.
            if again, staged.stamps[key] == nil { readAgain.append(key) }
        }
        let index = FileIndex(root: root, pseudonymiser: pseudonymiser, stamps: stamps, staged: staged.stamps)
        index.markForReading(keys: readAgain + staged.readAgain)
        await FaultInjection.passing("file-index")
        return index
    }

    public func rememberedCatalogStamp(fingerprint: String) async throws -> CatalogStamp? {
        let value = try await rows(
            "read catalog stamp", "SELECT value FROM store_settings WHERE key = \(CatalogStampMemo.settingKey)"
        ).first?.decode(String.self)
        return CatalogStampMemo.decode(value, fingerprint: fingerprint)
    }

    public func rememberCatalogStamp(_ stamp: CatalogStamp, fingerprint: String) async throws {
        let value = try CatalogStampMemo.encode(stamp, fingerprint: fingerprint)
        _ = try await rows(
            "remember catalog stamp",
            """
            INSERT INTO store_settings (key, value) VALUES (\(CatalogStampMemo.settingKey), \(value))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """)
    }

    /// Takes over the stage a killed scan of the root left (its owner gone) for the scan this store begins next of
    /// the root, marking it as this process's under the root's lock: of two scans starting at once, one takes it
    /// over and the other finds it held (and reads its files itself). A stage taken over before is kept.
    func claimAbandonedStage(organisation: Int, rootKey: String) async throws -> Int64? {
        if let id = claimedStages.peek(organisation: organisation, rootKey: rootKey) { return id }
        let me = ScanOwner.current(pseudonymiser: pseudonymiser)
        let id = try await Self.run("take over an unfinished scan") {
            try await main.run { connection -> Int64? in
                // Most scans find none: a plain read first, then the locked take-over.
                guard
                    try await PostgresScanProgress.abandoned(
                        connection, organisation: organisation, rootKey: rootKey, me: me, lock: false) != nil
                else { return nil }
                return try await connection.transaction { connection in
                    try await PostgresScanProgress.lockRoot(connection, organisation: organisation, rootKey: rootKey)
                    return try await PostgresScanProgress.takeOverAbandoned(
                        connection, organisation: organisation, rootKey: rootKey, owner: me)
                }
            }
        }
        if let id { claimedStages.remember(id, organisation: organisation, rootKey: rootKey) }
        return id
    }

    public func beginScan(_ header: ScanHeader) async throws -> any ScanSession {
        let connection = try await Self.connect(settings)
        let session = PostgresScanSession(connection: connection, header: header, pseudonymiser: pseudonymiser)
        let claimed = claimedStages.take(
            organisation: header.organisation ?? 0, rootKey: pseudonymiser.rootKey(normalisedRoot(header.root)))
        do {
            try await session.begin(claimed: claimed)
        } catch {
            try? await connection.close()
            throw error
        }
        return session
    }

    public func scans(organisation: Int?) async throws -> [ScanSummary] {
        var filter = BoundConditions()
        if let organisation { filter.add("organisation", equals: organisation) }
        return try await rows(
            "list scans",
            filter.query {
                """
                SELECT id, organisation, COALESCE(root, root_key), started, finished, tool_version, catalog_version,
                    catalog_digest, new_count, changed_count, unchanged_count, deleted_count
                FROM scans \($0) ORDER BY finished DESC, id DESC
                """
            }
        ).map { row in
            let v = try row.decode(
                (Int64, Int, String, Double, Double, String, String, String, Int, Int, Int, Int).self)
            return ScanSummary(
                id: v.0, organisation: v.1 == 0 ? nil : v.1, root: v.2, started: Date(timeIntervalSince1970: v.3),
                finished: Date(timeIntervalSince1970: v.4), toolVersion: v.5,
                catalog: CatalogStamp(version: v.6, digest: v.7), new: v.8, changed: v.9, unchanged: v.10,
                deleted: v.11)
        }
    }

    // MARK: Imports

    public func documentTallies(organisation: Int?, root: String) async throws -> [DocumentTally] {
        let root = normalisedRoot(root)
        let rootFolder = pseudonymiser.pathKey(root)
        let rootKey = pseudonymiser.rootKey(root)
        let organisation = organisation ?? 0
        return try await rows(
            "document tallies",
            """
            WITH RECURSIVE sub(k) AS (
                SELECT \(rootFolder)::text UNION
                SELECT f.folder_key FROM folders f JOIN sub ON f.organisation = \(organisation) AND f.parent_key = sub.k)
            SELECT family, format, suite, suite_version_line, odf_version, error, encrypted, warnings > 0,
                COUNT(*)::bigint
            FROM documents WHERE organisation = \(organisation)
                AND (folder_key IN (SELECT k FROM sub) OR (folder_key IS NULL AND root_key = \(rootKey)))
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
            """
        ).map { row in
            let v = try row.decode((String, String, String?, String?, String?, String?, Bool, Bool, Int).self)
            return DocumentTally(
                family: v.0, format: v.1, suite: v.2, suiteVersionLine: v.3, odfVersion: v.4, error: v.5,
                encrypted: v.6, withWarnings: v.7, count: v.8)
        }
    }

    public func beginImport(_ header: ImportHeader) async throws -> any ImportSession {
        let connection = try await Self.connect(settings)
        let session = PostgresImportSession(connection: connection, header: header, pseudonymiser: pseudonymiser)
        do {
            try await session.begin()
        } catch {
            try? await connection.close()
            throw error
        }
        return session
    }

    static let importColumns = """
        id, organisation, file_hash, file_name, format, started, finished, lines_read, unreadable_lines,
        software_records, usage_declarations
        """

    static func importSummary(_ row: PostgresRow) throws -> ImportSummary {
        let v = try row.decode((Int64, Int, String, String, String, Double, Double, Int, Int, Int, Int).self)
        return ImportSummary(
            id: v.0, organisation: v.1, fileHash: v.2, fileName: v.3, format: v.4,
            started: Date(timeIntervalSince1970: v.5), finished: Date(timeIntervalSince1970: v.6), linesRead: v.7,
            unreadableLines: v.8, softwareRecords: v.9, usageDeclarations: v.10)
    }

    public func importSummary(organisation: Int, fileHash: String) async throws -> ImportSummary? {
        try await rows(
            "find import",
            """
            SELECT \(unescaped: Self.importColumns) FROM imports
            WHERE organisation = \(organisation) AND file_hash = \(fileHash) AND done
            """
        ).first.map(Self.importSummary)
    }

    public func imports(organisation: Int?) async throws -> [ImportSummary] {
        // Unfinished imports (running, or killed and waiting to be taken over) are not imports yet.
        var filter = BoundConditions()
        filter.add("done", equals: true)
        if let organisation { filter.add("organisation", equals: organisation) }
        return try await rows(
            "list imports",
            filter.query { "SELECT \(Self.importColumns) FROM imports \($0) ORDER BY finished DESC, id DESC" }
        ).map(Self.importSummary)
    }

    @discardableResult
    public func addUsageDeclarations(_ declarations: [UsageDeclaration]) async throws -> Int {
        try await Self.run("add usage declarations") {
            try await main.run { connection in
                try await connection.transaction { connection in
                    try await Self.insertUsage(declarations, importID: nil, connection: connection)
                }
            }
        }
    }

    static func insertUsage(
        _ declarations: [UsageDeclaration], importID: Int64?, connection: PostgresConnection
    )
        async throws -> Int
    {
        var added = 0
        for item in declarations {
            let rows = try await connection.query(
                """
                INSERT INTO usage_declarations (import_id, dedupe_key, organisation, product, relation, date, evidence,
                    evidence_kind, source, line)
                VALUES (\(importID), \(item.dedupeKey), \(item.organisation), \(item.product), \(item.relation.rawValue),
                    \(item.date), \(item.evidence), \(item.evidenceKind.rawValue), \(item.source), \(item.line))
                \(unescaped: CurrentSoftware.redeclared)
                RETURNING id
                """, logger: logger)
            for try await _ in rows { added += 1 }
        }
        return added
    }

    public func usageDeclarations(organisation: Int?) async throws -> [UsageDeclaration] {
        var filter = BoundConditions()
        if let organisation { filter.add("organisation", equals: organisation) }
        return try await rows(
            "list usage declarations",
            filter.query(keyword: "AND") {
                """
                SELECT organisation, product, relation, date, evidence, evidence_kind, source, line
                FROM usage_declarations WHERE \(CurrentSoftware.currentUsage) \($0)
                ORDER BY organisation, product, date COLLATE "C" NULLS FIRST, relation, id
                """
            }
        ).map { row in
            let v = try row.decode((Int, String, String, String?, String?, String, String?, Int?).self)
            return UsageDeclaration(
                organisation: v.0, product: v.1, relation: UsageRelation(rawValue: v.2) ?? .uses, date: v.3,
                evidence: v.4, evidenceKind: EvidenceKind(rawValue: v.5) ?? .usageDeclaration, source: v.6, line: v.7)
        }
    }

    // MARK: Classification

    public func classificationStamp() async throws -> CatalogStamp? {
        let value = try await rows(
            "read classification catalog", "SELECT value FROM store_settings WHERE key = \(ClassificationSetting.key)"
        ).first?.decode(String.self)
        return ClassificationSetting.decode(value)
    }

    public func reclassify(with classifier: any StoredRowClassifier) async throws -> ReclassificationSummary {
        let previous = try await classificationStamp()
        return try await Self.run("reclassify") {
            try await main.run { connection in
                try await connection.query("BEGIN", logger: Self.logger)
                do {
                    // Each distinct input is asked once; a temporary table of answers then updates the rows in
                    // one statement, touching only those whose answer changed.
                    try await connection.query(
                        """
                        CREATE TEMP TABLE reclassified_documents (family TEXT, generator TEXT, application TEXT,
                            app_version TEXT, suite TEXT, suite_version TEXT, suite_version_line TEXT) ON COMMIT DROP
                        """, logger: Self.logger)
                    let documentKeys = try await Self.copyAnswers(
                        connection, "SELECT DISTINCT family, generator, application, app_version FROM documents",
                        into: "reclassified_documents"
                    ) { row in
                        let key = try row.decode((String, String?, String?, String?).self)
                        guard
                            let answer = classifier.classifyDocument(
                                family: key.0, generator: key.1, application: key.2, appVersion: key.3)
                        else { return nil }
                        return [
                            copyField(key.0), copyField(key.1), copyField(key.2), copyField(key.3),
                            copyField(answer.product), copyField(answer.version), copyField(answer.versionLine),
                        ]
                    }
                    let documentsChanged = try await Self.updatedRows(
                        connection,
                        """
                        WITH changed AS (
                            UPDATE documents d SET suite = m.suite, suite_version = m.suite_version,
                                suite_version_line = m.suite_version_line
                            FROM reclassified_documents m
                            WHERE d.family = m.family AND d.generator IS NOT DISTINCT FROM m.generator
                                AND d.application IS NOT DISTINCT FROM m.application
                                AND d.app_version IS NOT DISTINCT FROM m.app_version
                                AND (d.suite IS DISTINCT FROM m.suite OR d.suite_version IS DISTINCT FROM m.suite_version
                                    OR d.suite_version_line IS DISTINCT FROM m.suite_version_line)
                            RETURNING 1)
                        SELECT COUNT(*)::bigint FROM changed
                        """)
                    try await connection.query(
                        """
                        CREATE TEMP TABLE reclassified_software (title TEXT, publisher TEXT, version TEXT,
                            package TEXT, platform TEXT, old_rule TEXT, product TEXT, product_version TEXT,
                            version_line TEXT, component TEXT, counts_as_installation BOOLEAN, rule TEXT)
                            ON COMMIT DROP
                        """, logger: Self.logger)
                    let softwareKeys = try await Self.copyAnswers(
                        connection,
                        """
                        SELECT DISTINCT COALESCE(classified_title, title), publisher, version, package, platform, rule
                        FROM software
                        """, into: "reclassified_software"
                    ) { row in
                        let key = try row.decode((String, String?, String?, String?, String?, String).self)
                        let answer = classifier.classifySoftware(
                            title: key.0, publisher: key.1, version: key.2, package: key.3, platform: key.4,
                            rule: key.5)
                        return [
                            copyField(key.0), copyField(key.1), copyField(key.2), copyField(key.3), copyField(key.4),
                            copyField(key.5), copyField(answer.product), copyField(answer.version),
                            copyField(answer.versionLine), copyField(answer.component),
                            copyField(answer.countsAsInstallation), copyField(answer.rule),
                        ]
                    }
                    let softwareChanged = try await Self.updatedRows(
                        connection,
                        """
                        WITH changed AS (
                            UPDATE software s SET product = m.product, product_version = m.product_version,
                                version_line = m.version_line, component = m.component,
                                counts_as_installation = m.counts_as_installation, rule = m.rule
                            FROM reclassified_software m
                            WHERE m.title = COALESCE(s.classified_title, s.title)
                                AND s.publisher IS NOT DISTINCT FROM m.publisher
                                AND s.version IS NOT DISTINCT FROM m.version
                                AND s.package IS NOT DISTINCT FROM m.package
                                AND s.platform IS NOT DISTINCT FROM m.platform AND s.rule = m.old_rule
                                AND (s.product IS DISTINCT FROM m.product
                                    OR s.product_version IS DISTINCT FROM m.product_version
                                    OR s.version_line IS DISTINCT FROM m.version_line
                                    OR s.component IS DISTINCT FROM m.component
                                    OR s.counts_as_installation IS DISTINCT FROM m.counts_as_installation
                                    OR s.rule IS DISTINCT FROM m.rule)
                            RETURNING 1)
                        SELECT COUNT(*)::bigint FROM changed
                        """)
                    try await connection.query(
                        """
                        INSERT INTO store_settings (key, value)
                        VALUES (\(ClassificationSetting.key), \(ClassificationSetting.encode(classifier.stamp)))
                        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
                        """, logger: Self.logger)
                    try await connection.query("COMMIT", logger: Self.logger)
                    return ReclassificationSummary(
                        previous: previous, catalog: classifier.stamp, documentKeys: documentKeys,
                        documentsChanged: documentsChanged, softwareKeys: softwareKeys,
                        softwareChanged: softwareChanged)
                } catch {
                    await connection.rollBackUnlessClosed()
                    throw error
                }
            }
        }
    }

    /// Asks `answer` about every row `query` returns (each distinct input once) and copies the answers it gives
    /// into the temporary table `table`; returns how many inputs were asked about.
    private static func copyAnswers(
        _ connection: PostgresConnection, _ query: PostgresQuery, into table: String,
        _ answer: (PostgresRow) throws -> [String]?
    ) async throws -> Int {
        var asked = 0
        var payload = ""
        for try await row in try await connection.query(query, logger: logger) {
            asked += 1
            if let fields = try answer(row) { payload += fields.joined(separator: "\t") + "\n" }
        }
        if !payload.isEmpty {
            let rows = payload
            try await connection.copyFrom(table: table, logger: logger) { try await $0.write(ByteBuffer(string: rows)) }
        }
        return asked
    }

    /// The single count a `WITH changed AS (UPDATE ... RETURNING 1) SELECT COUNT(*)` query returns.
    private static func updatedRows(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> Int {
        var count = 0
        for try await value in try await connection.query(query, logger: logger).decode(Int.self) { count = value }
        return count
    }

    // MARK: Aggregates

    public func documentCounts(organisation: Int) async throws -> [Submission.DocumentCount] {
        try await rows(
            "count documents",
            """
            SELECT family, format, suite, suite_version_line, odf_version, year, COUNT(*)::bigint
            FROM documents WHERE organisation IN (\(organisation), 0) AND error IS NULL
            GROUP BY family, format, suite, suite_version_line, odf_version, year
            """
        ).map { row in
            let v = try row.decode((String, String, String?, String?, String?, Int?, Int).self)
            return Submission.DocumentCount(
                family: DocumentFamily(rawValue: v.0) ?? .other, format: v.1, suite: v.2, suiteVersionLine: v.3,
                odfVersion: v.4, year: v.5, count: v.6)
        }.sorted(by: AggregateOrder.documents)
    }

    public func documentReadiness(organisation: Int) async throws -> Submission.Readiness? {
        var tally = FeatureTally()
        for row in try await rows(
            "count document features",
            """
            SELECT features, family, format, year, COUNT(*)::bigint FROM documents
            WHERE organisation IN (\(organisation), 0) AND error IS NULL AND features IS NOT NULL AND features <> ''
            GROUP BY features, family, format, year
            """)
        {
            let v = try row.decode((String, String, String, Int?, Int).self)
            tally.add(features: v.0, family: v.1, format: v.2, year: v.3, count: v.4)
        }
        let measured =
            try await rows(
                "count measured documents",
                """
                SELECT COUNT(*)::bigint FROM documents
                WHERE organisation IN (\(organisation), 0) AND error IS NULL AND features IS NOT NULL
                """
            ).first?.decode(Int.self) ?? 0
        return tally.readiness(measured: measured)
    }

    public func documentConformance(organisation: Int) async throws -> Submission.Conformance? {
        var tally = ConformanceTally()
        for row in try await rows(
            "count conformance verdicts",
            """
            SELECT conformance, suite, suite_version_line, odf_version, COUNT(*)::bigint FROM documents
            WHERE organisation IN (\(organisation), 0) AND error IS NULL AND conformance IS NOT NULL
            GROUP BY conformance, suite, suite_version_line, odf_version
            """)
        {
            let v = try row.decode((String, String?, String?, String?, Int).self)
            tally.add(verdict: v.0, suite: v.1, suiteVersionLine: v.2, odfVersion: v.3, count: v.4)
        }
        return tally.conformance
    }

    public func documentErrorCounts(organisation: Int) async throws -> [Submission.ErrorCount] {
        try await rows(
            "count read errors",
            """
            SELECT error, COUNT(*)::bigint FROM documents
            WHERE organisation IN (\(organisation), 0) AND error IS NOT NULL GROUP BY error ORDER BY error COLLATE "C"
            """
        ).compactMap { row in
            let (kind, count) = try row.decode((String, Int).self)
            return ReadFailureKind(rawValue: kind).map { Submission.ErrorCount(kind: $0, count: count) }
        }
    }

    public func lastScanFinished(organisation: Int) async throws -> Date? {
        try await rows(
            "last scan", "SELECT MAX(finished) FROM scans WHERE organisation IN (\(organisation), 0)"
        ).first?.decode(Double?.self).map(Date.init(timeIntervalSince1970:))
    }

    public func scanDates(organisation: Int) async throws -> DataDates {
        let row = try await rows(
            "scan dates",
            """
            SELECT MIN(newest), MAX(newest) FROM (
                SELECT MAX(s.finished) AS newest FROM scans s
                WHERE s.organisation IN (\(organisation), 0) AND s.root_key IN (
                    SELECT DISTINCT root_key FROM documents WHERE organisation IN (\(organisation), 0))
                GROUP BY s.root_key) AS roots
            """
        ).first
        let (oldest, newest) = try row?.decode((Double?, Double?).self) ?? (nil, nil)
        return DataDates(
            oldest: oldest.map(Date.init(timeIntervalSince1970:)), newest: newest.map(Date.init(timeIntervalSince1970:))
        )
    }

    /// ``CurrentSoftware``'s condition on `software s`, for the organisation bound as `$1` and the cut-off as `$2`
    /// (``currentSoftwareBinds(_:_:)``).
    private static let currentSoftware = """
        s.organisation = $1 AND CASE WHEN s.host IS NULL
            THEN EXISTS (
                SELECT 1 FROM aggregate_inventories a
                WHERE a.organisation = s.organisation AND a.import_id = s.import_id AND a.observed >= $2)
            ELSE EXISTS (
                SELECT 1 FROM host_inventories h
                WHERE h.organisation = s.organisation AND h.host = s.host AND h.import_id = s.import_id
                    AND h.observed >= $2)
            END
        """

    private static func currentSoftwareBinds(_ organisation: Int, _ observedSince: Date?) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(organisation)
        binds.append(CurrentSoftware.cutoff(observedSince))
        return binds
    }

    public func installationCounts(
        organisation: Int, observedSince: Date?
    ) async throws -> [Submission.InstallationCount] {
        try await rows(
            "count installations",
            PostgresQuery(
                unsafeSQL: """
                    SELECT product, version_line,
                        (COUNT(DISTINCT host) + COALESCE(SUM(CASE WHEN host IS NULL THEN install_count END), 0))::bigint
                    FROM software s WHERE \(Self.currentSoftware) AND counts_as_installation
                    GROUP BY product, version_line
                    """, binds: Self.currentSoftwareBinds(organisation, observedSince))
        ).map { row in
            let v = try row.decode((String, String?, Int).self)
            return Submission.InstallationCount(product: v.0, versionLine: v.1, hosts: v.2)
        }.sorted(by: AggregateOrder.installations)
    }

    public func distinctHosts(organisation: Int, observedSince: Date?) async throws -> Int {
        let cutoff = CurrentSoftware.cutoff(observedSince)
        return try await rows(
            "count hosts",
            """
            SELECT COUNT(*)::bigint FROM host_inventories WHERE organisation = \(organisation) AND observed >= \(cutoff)
            """
        ).first?.decode(Int.self) ?? 0
    }

    public func inventoryDates(organisation: Int, observedSince: Date?) async throws -> InventoryDates {
        let cutoff = CurrentSoftware.cutoff(observedSince)
        let row = try await rows(
            "inventory dates",
            """
            SELECT MIN(observed), MAX(observed),
                (SELECT COUNT(*)::bigint FROM host_inventories
                    WHERE organisation = \(organisation) AND observed < \(cutoff)),
                (SELECT COUNT(*)::bigint FROM aggregate_inventories
                    WHERE organisation = \(organisation) AND observed < \(cutoff))
            FROM (
                SELECT observed FROM host_inventories WHERE organisation = \(organisation) AND observed >= \(cutoff)
                UNION ALL
                SELECT observed FROM aggregate_inventories WHERE organisation = \(organisation) AND observed >= \(cutoff)
            ) AS current
            """
        ).first
        let v = try row?.decode((Double?, Double?, Int, Int).self) ?? (nil, nil, 0, 0)
        return InventoryDates(
            dates: DataDates(
                oldest: v.0.map(Date.init(timeIntervalSince1970:)), newest: v.1.map(Date.init(timeIntervalSince1970:))),
            staleHosts: v.2, staleAggregates: v.3)
    }

    public func unknownTitles(
        organisation: Int, limit: Int, observedSince: Date?
    ) async throws -> [Submission.UnknownTitle] {
        var binds = Self.currentSoftwareBinds(organisation, observedSince)
        binds.append(limit)
        return try await rows(
            "unknown titles",
            PostgresQuery(
                unsafeSQL: """
                    SELECT title, publisher, COUNT(*)::bigint AS n FROM software s
                    WHERE \(Self.currentSoftware) AND product = 'unknown'
                    GROUP BY title, publisher ORDER BY n DESC, title COLLATE "C", publisher COLLATE "C" LIMIT $3
                    """, binds: binds)
        ).map { row in
            let v = try row.decode((String, String?, Int).self)
            return Submission.UnknownTitle(title: v.0, publisher: v.1, count: v.2)
        }
    }

    // MARK: Submissions

    public func addSubmission(_ submission: Submission) async throws -> SubmissionLoadOutcome {
        let content = String(decoding: try encodeSubmission(submission, pretty: false), as: UTF8.self)
        let body = submission.body
        let outcome = try await Self.run("load submission") {
            try await main.runReconnecting { connection in
                try await connection.transaction { connection -> SubmissionLoadOutcome in
                    // Serialise loads of one organisation and period across processes.
                    try await connection.query(
                        "SELECT pg_advisory_xact_lock(\(body.organisation.code)::integer, hashtext(\(body.period)))",
                        logger: Self.logger)
                    var inserted = false
                    for try await _ in try await connection.query(
                        """
                        INSERT INTO submissions (organisation, period, digest, created, loaded, content, superseded)
                        VALUES (\(body.organisation.code), \(body.period), \(submission.digest),
                            \(body.created.timeIntervalSince1970), \(Date().timeIntervalSince1970), \(content), false)
                        ON CONFLICT (digest) DO NOTHING RETURNING id
                        """, logger: Self.logger)
                    {
                        inserted = true
                    }
                    if !inserted { return .duplicate }
                    var newest = ""
                    for try await digest in try await connection.query(
                        """
                        SELECT digest FROM submissions WHERE organisation = \(body.organisation.code)
                        AND period = \(body.period) ORDER BY created DESC, digest COLLATE "C" DESC LIMIT 1
                        """, logger: Self.logger
                    ).decode(String.self) {
                        newest = digest
                    }
                    try await connection.query(
                        """
                        UPDATE submissions SET superseded = (digest <> \(newest))
                        WHERE organisation = \(body.organisation.code) AND period = \(body.period)
                        """, logger: Self.logger)
                    return newest == submission.digest ? .current : .history
                }
            }
        }
        await FaultInjection.passing("compile-submission")
        return outcome
    }

    public func latestSubmissions(period: String?) async throws -> [Submission] {
        let query: PostgresQuery
        if let period {
            query = "SELECT content FROM submissions WHERE NOT superseded AND period = \(period) ORDER BY organisation"
        } else {
            query = """
                SELECT s.content FROM submissions s
                WHERE NOT s.superseded AND s.period = (
                    SELECT MAX(t.period COLLATE "C") FROM submissions t WHERE t.organisation = s.organisation)
                ORDER BY s.organisation
                """
        }
        return try await rows("latest submissions", query).map { row in
            try decodeSubmission(Data(try row.decode(String.self).utf8))
        }
    }

    public func submissionHistory(organisation: Int?, period: String?) async throws -> [StoredSubmission] {
        var filter = BoundConditions()
        if let organisation { filter.add("organisation", equals: organisation) }
        if let period { filter.add("period", equals: period) }
        let query = filter.query {
            """
            SELECT content, loaded, superseded FROM submissions \($0)
            ORDER BY organisation, period COLLATE "C", created, digest COLLATE "C"
            """
        }
        return try await rows("submission history", query).map { row in
            let (content, loaded, superseded) = try row.decode((String, Double, Bool).self)
            return StoredSubmission(
                submission: try decodeSubmission(Data(content.utf8)), loaded: Date(timeIntervalSince1970: loaded),
                superseded: superseded)
        }
    }

    public func periods() async throws -> [String] {
        try await rows("list periods", "SELECT DISTINCT period COLLATE \"C\" AS p FROM submissions ORDER BY p").map {
            try $0.decode(String.self)
        }
    }

    public func close() async throws {
        try await main.close()
    }
}
