import GRDB

/// The store schema, as numbered migration steps. The PostgreSQL store applies the same steps
/// (`StoreSchema.steps` with its own column types) and records them in `schema_migrations`.
public enum StoreSchema {
    /// One migration step: an identifier recorded once applied, and its statements.
    public struct Step: Sendable {
        public var version: Int
        public var name: String
        public var statements: [String]
    }

    /// Highest schema version this build knows.
    public static var currentVersion: Int { steps(dialect: .sqlite).map(\.version).max() ?? 0 }

    public enum Dialect: Sendable {
        case sqlite
        case postgres
    }

    /// The migration steps for a dialect, oldest first. Never edit a released step: add a new one.
    public static func steps(dialect: Dialect) -> [Step] {
        let types = ColumnTypes(dialect)
        return [
            v1Estate(types), v2DocumentStamps(types), v3FileIndexSnapshots(types), v4EstateAsNow(types),
            v5ResumableWork(types), v6DocumentFeatures(types), v7DocumentConformance(types),
            v8PostgresResumableWork(types), v9ODFVersionReadAgain(types), v10DocumentKeyIndex(types),
        ]
    }

    /// Column types that differ between the dialects.
    struct ColumnTypes {
        let dialect: Dialect
        let serial: String
        let real: String
        let bigint: String
        let boolean: String

        init(_ dialect: Dialect) {
            self.dialect = dialect
            serial = dialect == .sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY"
            real = dialect == .sqlite ? "REAL" : "DOUBLE PRECISION"
            bigint = dialect == .sqlite ? "INTEGER" : "BIGINT"
            boolean = dialect == .sqlite ? "INTEGER" : "BOOLEAN"
        }
    }

    /// Step 1: scans and their documents, imports and their software lines, usage declarations, submissions.
    private static func v1Estate(_ types: ColumnTypes) -> Step {
        Step(version: 1, name: "v1-estate", statements: v1Documents(types) + v1Software(types))
    }

    private static func v1Documents(_ types: ColumnTypes) -> [String] {
        let serial = types.serial
        let real = types.real
        let bigint = types.bigint
        let boolean = types.boolean
        return [
            "CREATE TABLE store_settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)",
            """
            CREATE TABLE scans (
                id \(serial),
                organisation INTEGER NOT NULL,
                root_key TEXT NOT NULL,
                root TEXT,
                started \(real) NOT NULL,
                finished \(real) NOT NULL,
                tool_name TEXT NOT NULL,
                tool_version TEXT NOT NULL,
                catalog_version TEXT NOT NULL,
                catalog_digest TEXT NOT NULL,
                new_count INTEGER NOT NULL,
                changed_count INTEGER NOT NULL,
                unchanged_count INTEGER NOT NULL,
                deleted_count INTEGER NOT NULL
            )
            """,
            "CREATE INDEX scans_organisation ON scans (organisation, finished)",
            """
            CREATE TABLE documents (
                id \(serial),
                organisation INTEGER NOT NULL,
                root_key TEXT NOT NULL,
                path_key TEXT NOT NULL,
                path TEXT,
                top_folder TEXT,
                family TEXT NOT NULL,
                container TEXT NOT NULL,
                format TEXT NOT NULL,
                mimetype TEXT,
                odf_version TEXT,
                generator TEXT,
                suite TEXT,
                suite_version TEXT,
                suite_version_line TEXT,
                encrypted \(boolean) NOT NULL,
                year INTEGER,
                error TEXT,
                warnings INTEGER NOT NULL,
                size \(bigint) NOT NULL,
                modified \(real) NOT NULL,
                first_scan \(bigint) NOT NULL,
                -- the last scan that read the file (an unchanged file keeps its value)
                last_scan \(bigint) NOT NULL,
                UNIQUE (organisation, root_key, path_key)
            )
            """,
        ]
    }

    private static func v1Software(_ types: ColumnTypes) -> [String] {
        let serial = types.serial
        let real = types.real
        let bigint = types.bigint
        let boolean = types.boolean
        return [
            """
            CREATE TABLE imports (
                id \(serial),
                organisation INTEGER NOT NULL,
                file_hash TEXT NOT NULL,
                file_name TEXT NOT NULL,
                format TEXT NOT NULL,
                started \(real) NOT NULL,
                finished \(real) NOT NULL,
                tool_name TEXT NOT NULL,
                tool_version TEXT NOT NULL,
                catalog_version TEXT NOT NULL,
                catalog_digest TEXT NOT NULL,
                lines_read \(bigint) NOT NULL,
                unreadable_lines \(bigint) NOT NULL,
                software_records \(bigint) NOT NULL,
                usage_declarations \(bigint) NOT NULL,
                UNIQUE (organisation, file_hash)
            )
            """,
            """
            CREATE TABLE software (
                id \(serial),
                import_id \(bigint) NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
                organisation INTEGER NOT NULL,
                source TEXT NOT NULL,
                line \(bigint) NOT NULL,
                host TEXT,
                title TEXT NOT NULL,
                publisher TEXT,
                version TEXT,
                package TEXT,
                platform TEXT,
                install_count \(bigint) NOT NULL,
                install_date \(real),
                product TEXT NOT NULL,
                product_version TEXT,
                version_line TEXT,
                component TEXT,
                counts_as_installation \(boolean) NOT NULL,
                rule TEXT NOT NULL
            )
            """,
            "CREATE INDEX software_organisation_product ON software (organisation, product)",
            "CREATE INDEX software_import ON software (import_id)",
            """
            CREATE TABLE usage_declarations (
                id \(serial),
                import_id \(bigint) REFERENCES imports (id) ON DELETE CASCADE,
                dedupe_key TEXT NOT NULL UNIQUE,
                organisation INTEGER NOT NULL,
                product TEXT NOT NULL,
                relation TEXT NOT NULL,
                date TEXT,
                evidence TEXT,
                evidence_kind TEXT NOT NULL,
                source TEXT,
                line \(bigint)
            )
            """,
            "CREATE INDEX usage_declarations_organisation ON usage_declarations (organisation)",
            """
            CREATE TABLE submissions (
                id \(serial),
                organisation INTEGER NOT NULL,
                period TEXT NOT NULL,
                digest TEXT NOT NULL UNIQUE,
                created \(real) NOT NULL,
                loaded \(real) NOT NULL,
                content TEXT NOT NULL,
                superseded \(boolean) NOT NULL
            )
            """,
            "CREATE INDEX submissions_organisation_period ON submissions (organisation, period)",
        ]
    }

    /// A rescan reads every known file's key, size and time for its root: from this index alone,
    /// without a table look-up per row (3.5x faster on 100,000 files).
    private static func v2DocumentStamps(_ types: ColumnTypes) -> Step {
        return Step(
            version: 2, name: "v2-document-stamps",
            statements: [
                "CREATE INDEX documents_stamps ON documents (organisation, root_key, path_key, size, modified)"
            ]
        )
    }

    /// A rescan reads the root's stamps from one row that the last scan of the root wrote as it finished,
    /// instead of one row per file (100,000 files: ~2 ms instead of ~30 ms). A cache of the documents rows,
    /// used only while its scan is still the root's newest. SQLite only: the PostgreSQL store reads the
    /// rows on the server, where one round trip per rescan is what counts, not the rows.
    private static func v3FileIndexSnapshots(_ types: ColumnTypes) -> Step {
        let dialect = types.dialect
        return Step(
            version: 3, name: "v3-file-index-snapshots",
            statements: dialect == .postgres
                ? []
                : [
                    // Which scan a root's snapshot is current for: a row of its own, so the rescan that
                    // changed nothing re-tags it without writing the megabytes of stamps again.
                    """
                    CREATE TABLE file_index_snapshots (
                        organisation INTEGER NOT NULL,
                        root_key TEXT NOT NULL,
                        scan_id INTEGER NOT NULL,
                        PRIMARY KEY (organisation, root_key)
                    )
                    """,
                    """
                    CREATE TABLE file_index_snapshot_stamps (
                        organisation INTEGER NOT NULL,
                        root_key TEXT NOT NULL,
                        stamps BLOB NOT NULL,
                        PRIMARY KEY (organisation, root_key)
                    )
                    """,
                ]
        )
    }

    /// The store holds the estate as it is now (docs/usage/lifecycle.md):
    /// - one document is one file, whichever root reached it: unique by (organisation, path key), with the
    ///   keyed hash of its folder and a `folders` tree of keyed hashes, so a scan of a folder can find every
    ///   stored document below it (deletions inside a subfolder, nested and overlapping roots);
    /// - the raw inputs of a document's classification (OOXML `Application`/`AppVersion`) are kept, so a
    ///   changed catalog reclassifies stored rows instead of leaving them as the old catalog said;
    /// - a host's software is the list from its newest inventory (`host_inventories`), and host-less
    ///   exports (aggregates) count from the newest import of the same kind (`aggregate_inventories`):
    ///   older rows stay, but no figure counts them.
    /// Documents stored twice under nested roots are merged (the row read last wins); rows stored before
    /// this step have no folder and are read again by the next scan of their root.
    private static func v4EstateAsNow(_ types: ColumnTypes) -> Step {
        let dialect = types.dialect
        let serial = types.serial
        let real = types.real
        let bigint = types.bigint
        let boolean = types.boolean
        return Step(
            version: 4, name: "v4-estate-as-now",
            statements: documentsV4(dialect: dialect, serial: serial, real: real, bigint: bigint, boolean: boolean)
                + [
                    """
                    CREATE TABLE folders (
                        organisation INTEGER NOT NULL,
                        folder_key TEXT NOT NULL,
                        parent_key TEXT,
                        PRIMARY KEY (organisation, folder_key)
                    )
                    """,
                    "CREATE INDEX folders_parent ON folders (organisation, parent_key)",
                    // What the catalog was asked about a line when it is not its title (Defender's name and
                    // vendor joined), so reclassification asks the same.
                    "ALTER TABLE software ADD COLUMN classified_title TEXT",
                    "ALTER TABLE imports ADD COLUMN observed \(real)",
                    "UPDATE imports SET observed = finished",
                ]
                + CurrentList.allCases.flatMap { $0.creation(real: real, bigint: bigint) }
                + (dialect == .postgres
                    ? []
                    : [
                        // Snapshots were per root; rows now belong to folders, so every root reads its rows once.
                        "DELETE FROM file_index_snapshots",
                        "DELETE FROM file_index_snapshot_stamps",
                        // The grouped documents below a root (a summary of the stored estate), kept like the
                        // file index snapshot: valid while its scan is the organisation's newest.
                        """
                        CREATE TABLE document_tally_snapshots (
                            organisation INTEGER NOT NULL,
                            root_key TEXT NOT NULL,
                            scan_id INTEGER NOT NULL,
                            tallies TEXT NOT NULL,
                            PRIMARY KEY (organisation, root_key)
                        )
                        """,
                    ])
        )
    }

    /// Work resumes after a kill (SIGKILL, reboot), and figures never see half of it:
    /// - a scan's documents are staged in a table of the store, committed batch by batch, instead of in the
    ///   connection's temporary tables; the next scan of the same root takes a killed scan's stage over and reads
    ///   only what the stage does not hold yet; only the finishing transaction moves it into `documents`;
    /// - an import commits its lines batch by batch under an import row marked unfinished (`done` 0), which no
    ///   figure or listing counts; importing the same file again takes it over after the lines already stored.
    /// `owner` names the process doing the work (ScanOwner). SQLite only: PostgreSQL gets the same in step 8.
    private static func v5ResumableWork(_ types: ColumnTypes) -> Step {
        Step(
            version: 5, name: "v5-resumable-work",
            statements: types.dialect == .postgres
                ? []
                : [
                    // One row per unfinished scan; its stage is the table `scan_stage_<id>`; `owner` is the
                    // process holding it (ScanOwner).
                    """
                    CREATE TABLE scan_progress (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        organisation INTEGER NOT NULL,
                        root_key TEXT NOT NULL,
                        started REAL NOT NULL,
                        owner TEXT NOT NULL
                    )
                    """,
                    "CREATE INDEX scan_progress_roots ON scan_progress (organisation, root_key)",
                    "ALTER TABLE imports ADD COLUMN done INTEGER NOT NULL DEFAULT 1",
                    "ALTER TABLE imports ADD COLUMN owner TEXT",
                ])
    }

    /// Each document keeps its features (what matters in a move to ODF: macros, signatures, embedded objects, ...),
    /// as ``DocumentFeature/storedText(_:)``: `''` for none, NULL for a row stored before this step, whose features
    /// were never measured. Such rows get a modification time no file has, so the next scan of their root reads
    /// each once more (counted as changed) and learns its features; until then `export` counts them in
    /// `documents.counts` but not in `documents.readiness.measured`. The SQLite snapshots cached the old stamps and
    /// tallies, and a killed scan's stage has no features column: all are dropped (the stage is read again).
    private static func v6DocumentFeatures(_ types: ColumnTypes) -> Step {
        Step(
            version: 6, name: "v6-document-features",
            statements: [
                "ALTER TABLE documents ADD COLUMN features TEXT",
                "UPDATE documents SET modified = \(unmeasuredModified)",
            ]
                + (types.dialect == .postgres
                    ? []
                    : [
                        "DELETE FROM file_index_snapshots", "DELETE FROM file_index_snapshot_stamps",
                        "DELETE FROM document_tally_snapshots",
                    ]))
    }

    /// The modification time step 6 gives rows stored before features were measured: no file has it, so the
    /// next scan reads them again.
    static let unmeasuredModified = -1.0

    /// SQLite work a step needs beyond its statements: tables whose names are only known at run time.
    private static func sqliteWork(after step: Step, _ db: Database) throws {
        if step.version == 9 {
            // The rows a killed scan staged without an ODF version are read again too.
            for id in try Int64.fetchAll(db, sql: "SELECT id FROM scan_progress")
            where try db.tableExists("scan_stage_\(id)") {
                try db.execute(
                    sql: "UPDATE scan_stage_\(id) SET modified = \(unmeasuredModified) WHERE \(odfWithoutVersion)")
            }
        }
        guard step.version == 6 else { return }
        // Stages of killed scans (scan_stage_<id>) were created without a features column: dropped, so the next
        // scan of their root reads their files again instead of storing them unmeasured.
        for id in try Int64.fetchAll(db, sql: "SELECT id FROM scan_progress") {
            try db.execute(sql: "DROP TABLE IF EXISTS scan_stage_\(id)")
        }
        try db.execute(sql: "DELETE FROM scan_progress")
    }

    /// Step 7: each document's ODF conformance verdict (`scan --validate`; ODFValidation's verdict names), NULL
    /// when the scan did not validate it: "not measured", never a verdict.
    private static func v7DocumentConformance(_ types: ColumnTypes) -> Step {
        Step(
            version: 7, name: "v7-document-conformance",
            statements: ["ALTER TABLE documents ADD COLUMN conformance TEXT"])
    }

    /// Step 5 for PostgreSQL (SQLite has it already): `scan_progress` lists the unfinished scans, each staged in
    /// its table `scan_stage_<id>` (made by the scan, with a `batch` column: the rows a taken-over stage held are
    /// those of its batches so far); `imports.done` false marks an import whose lines are still coming (it counts
    /// nowhere), `imports.owner` the process importing it. Existing imports are done.
    private static func v8PostgresResumableWork(_ types: ColumnTypes) -> Step {
        Step(
            version: 8, name: "v8-postgres-resumable-work",
            statements: types.dialect == .sqlite
                ? []
                : [
                    """
                    CREATE TABLE scan_progress (
                        id BIGSERIAL PRIMARY KEY,
                        organisation INTEGER NOT NULL,
                        root_key TEXT NOT NULL,
                        started DOUBLE PRECISION NOT NULL,
                        owner TEXT NOT NULL
                    )
                    """,
                    "CREATE INDEX scan_progress_roots ON scan_progress (organisation, root_key)",
                    "ALTER TABLE imports ADD COLUMN done BOOLEAN NOT NULL DEFAULT true",
                    "ALTER TABLE imports ADD COLUMN owner TEXT",
                    "CREATE INDEX imports_unfinished ON imports (organisation, file_hash) WHERE NOT done",
                ])
    }

    /// Which ODF documents step 9 has read again: stored readable, without an ODF version.
    static let odfWithoutVersion = "family = 'odf' AND error IS NULL AND odf_version IS NULL"

    /// Step 9: the scanner now takes a document's ODF version from the first part that states it (`meta.xml`, the
    /// root of `content.xml` or `styles.xml`, then the manifest's `manifest:version`), where it used to stop at a
    /// `meta.xml` without one, and an encrypted document got none. The rows stored without a version are the only
    /// ones that can change: they get a modification time no file has (as in step 6), so the next scan of their
    /// root reads each once more. SQLite's snapshots cached their stamps and are dropped; a killed scan's stage
    /// gets the same treatment (``sqliteWork(after:_:)``; PostgreSQL's in the step's `DO` block).
    private static func v9ODFVersionReadAgain(_ types: ColumnTypes) -> Step {
        let staleAssignment = "modified = \(unmeasuredModified) WHERE \(odfWithoutVersion)"
        let stale = "UPDATE documents SET \(staleAssignment)"
        return Step(
            version: 9, name: "v9-odf-version-read-again",
            statements: types.dialect == .postgres
                ? [
                    stale,
                    """
                    DO $$
                    DECLARE stage_id BIGINT;
                    BEGIN
                        FOR stage_id IN SELECT id FROM scan_progress LOOP
                            IF to_regclass(format('scan_stage_%s', stage_id)) IS NOT NULL THEN
                                EXECUTE format('UPDATE scan_stage_%s SET \(quotedForSQL(staleAssignment))', stage_id);
                            END IF;
                        END LOOP;
                    END $$
                    """,
                ]
                : [
                    stale, "DELETE FROM file_index_snapshots", "DELETE FROM file_index_snapshot_stamps",
                    "DELETE FROM document_tally_snapshots",
                ])
    }

    /// Step 10 (SQLite only): `documents`' unique key (organisation, path key) becomes an index of its own,
    /// `documents_path`, instead of a constraint in the table's definition. A first scan into an empty store stages
    /// its rows in a table defined as `documents` is (``SQLiteWrittenOnceStage``): with the key in the definition,
    /// the stage kept a unique index up to date at random positions (keyed hashes), and every commit rewrote most of
    /// its pages into the WAL (176 MB of WAL for a 46 MB store at 100,000 files, about half the run's time at
    /// 1,000,000). Now the stage has none, and the key is built once at the finish, by sorting. The table is made
    /// again with the same columns in the same order and its rows copied as they are (ids kept).
    private static func v10DocumentKeyIndex(_ types: ColumnTypes) -> Step {
        let columns = """
            id, organisation, root_key, path_key, folder_key, path, top_folder, family, container, format, mimetype,
            odf_version, generator, application, app_version, suite, suite_version, suite_version_line, encrypted,
            year, error, warnings, size, modified, first_scan, last_scan, features, conformance
            """
        return Step(
            version: 10, name: "v10-document-key-index",
            statements: types.dialect == .postgres
                ? []
                : [
                    documentsTable(
                        "documents_v10",
                        columns: documentColumns(
                            serial: types.serial, real: types.real, bigint: types.bigint, boolean: types.boolean)
                            + ["features TEXT", "conformance TEXT"]),
                    "INSERT INTO documents_v10 (\(columns)) SELECT \(columns) FROM documents ORDER BY id",
                    "DROP TABLE documents",
                    "ALTER TABLE documents_v10 RENAME TO documents",
                    "CREATE UNIQUE INDEX documents_path ON documents (organisation, path_key)",
                    "CREATE INDEX documents_folders ON documents (organisation, folder_key, path_key, size, modified)",
                    "CREATE INDEX documents_roots ON documents (organisation, root_key) WHERE folder_key IS NULL",
                ])
    }

    /// `text` as the inside of an SQL string literal (quotes doubled).
    private static func quotedForSQL(_ text: String) -> String {
        text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''")
    }

    /// `documents`' columns as step 4 made them (steps 6 and 7 added `features` and `conformance`), one definition each.
    private static func documentColumns(serial: String, real: String, bigint: String, boolean: String) -> [String] {
        [
            "id \(serial)", "organisation INTEGER NOT NULL", "root_key TEXT NOT NULL", "path_key TEXT NOT NULL",
            "folder_key TEXT", "path TEXT", "top_folder TEXT", "family TEXT NOT NULL", "container TEXT NOT NULL",
            "format TEXT NOT NULL", "mimetype TEXT", "odf_version TEXT", "generator TEXT", "application TEXT",
            "app_version TEXT", "suite TEXT", "suite_version TEXT", "suite_version_line TEXT",
            "encrypted \(boolean) NOT NULL", "year INTEGER", "error TEXT", "warnings INTEGER NOT NULL",
            "size \(bigint) NOT NULL", "modified \(real) NOT NULL", "first_scan \(bigint) NOT NULL",
            "last_scan \(bigint) NOT NULL",
        ]
    }

    /// `CREATE TABLE name (...)` with one column or constraint a line, as steps 4 and 10 write it.
    private static func documentsTable(_ name: String, columns: [String]) -> String {
        "CREATE TABLE \(name) (\n" + columns.map { "    " + $0 }.joined(separator: ",\n") + "\n)"
    }

    /// Step 4's documents table: unique per file, with its folder and the OOXML classification inputs.
    private static func documentsV4(
        dialect: Dialect, serial: String, real: String, bigint: String, boolean: String
    ) -> [String] {
        let columns = """
            organisation, root_key, path_key, path, top_folder, family, container, format, mimetype, odf_version,
            generator, suite, suite_version, suite_version_line, encrypted, year, error, warnings, size, modified,
            first_scan, last_scan
            """
        switch dialect {
        case .sqlite:
            return [
                documentsTable(
                    "documents_v4",
                    columns: documentColumns(serial: serial, real: real, bigint: bigint, boolean: boolean)
                        + ["UNIQUE (organisation, path_key)"]),
                // In the order read, so of a file stored under two roots the row read last replaces the other.
                """
                INSERT OR REPLACE INTO documents_v4 (\(columns))
                SELECT \(columns) FROM documents ORDER BY last_scan, id
                """,
                "DROP TABLE documents",
                "ALTER TABLE documents_v4 RENAME TO documents",
                "CREATE INDEX documents_folders ON documents (organisation, folder_key, path_key, size, modified)",
                "CREATE INDEX documents_roots ON documents (organisation, root_key) WHERE folder_key IS NULL",
            ]
        case .postgres:
            return [
                """
                DELETE FROM documents d USING documents e
                WHERE e.organisation = d.organisation AND e.path_key = d.path_key
                    AND (e.last_scan, e.id) > (d.last_scan, d.id)
                """,
                "ALTER TABLE documents DROP CONSTRAINT documents_organisation_root_key_path_key_key",
                "ALTER TABLE documents ADD CONSTRAINT documents_organisation_path_key_key UNIQUE (organisation, path_key)",
                "ALTER TABLE documents ADD COLUMN folder_key TEXT",
                "ALTER TABLE documents ADD COLUMN application TEXT",
                "ALTER TABLE documents ADD COLUMN app_version TEXT",
                "DROP INDEX IF EXISTS documents_stamps",
                "CREATE INDEX documents_folders ON documents (organisation, folder_key, path_key, size, modified)",
                "CREATE INDEX documents_roots ON documents (organisation, root_key) WHERE folder_key IS NULL",
            ]
        }
    }

    /// Makes an empty SQLite database the schema every step leaves, in one transaction, and records the steps as
    /// applied, as GRDB's migrator records them. Running the ten steps one after the other (a transaction each,
    /// two tables made and copied again) took ~13 ms of every new store's start; this takes ~4 ms. The snapshot
    /// is checked against the steps by `SchemaSnapshotTests` (`make schema-snapshot` writes it again).
    static func createCurrentSchema(_ db: Database) throws {
        for statement in sqliteSnapshot { try db.execute(sql: statement) }
        let record = try db.makeStatement(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)")
        for step in steps(dialect: .sqlite) { try record.execute(arguments: [step.name]) }
    }

    /// Whether the database holds no schema at all (a new file, or a new in-memory database).
    static func isEmpty(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM sqlite_master)") ?? false
    }

    /// The schema a database holds, as the statements that make it again: tables first, then indexes, each in
    /// the order made; SQLite's own objects (`sqlite_sequence`, the indexes behind `UNIQUE`) are left out, as
    /// SQLite makes them itself.
    static func schemaStatements(_ db: Database) throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name <> 'sqlite_sequence'
                ORDER BY type <> 'table', rowid
                """)
    }

    /// GRDB's migrator over the SQLite steps.
    static func sqliteMigrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for step in steps(dialect: .sqlite) {
            migrator.registerMigration(step.name) { db in
                for statement in step.statements { try db.execute(sql: statement) }
                try sqliteWork(after: step, db)
            }
        }
        return migrator
    }
}
