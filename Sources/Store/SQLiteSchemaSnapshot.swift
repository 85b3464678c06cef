// Written by `make schema-snapshot` from a database the migration steps made one after the other
// (`SchemaSnapshotTests`): do not edit by hand; add a step to `StoreSchema.steps` and write this again.

extension StoreSchema {
    /// The SQLite schema every step leaves, as the statements that make it (``schemaStatements(_:)``).
    static let sqliteSnapshot: [String] = [
        #"""
        CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)
        """#,
        #"""
        CREATE TABLE store_settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)
        """#,
        #"""
        CREATE TABLE scans (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            organisation INTEGER NOT NULL,
            root_key TEXT NOT NULL,
            root TEXT,
            started REAL NOT NULL,
            finished REAL NOT NULL,
            tool_name TEXT NOT NULL,
            tool_version TEXT NOT NULL,
            catalog_version TEXT NOT NULL,
            catalog_digest TEXT NOT NULL,
            new_count INTEGER NOT NULL,
            changed_count INTEGER NOT NULL,
            unchanged_count INTEGER NOT NULL,
            deleted_count INTEGER NOT NULL
        )
        """#,
        #"""
        CREATE TABLE imports (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            organisation INTEGER NOT NULL,
            file_hash TEXT NOT NULL,
            file_name TEXT NOT NULL,
            format TEXT NOT NULL,
            started REAL NOT NULL,
            finished REAL NOT NULL,
            tool_name TEXT NOT NULL,
            tool_version TEXT NOT NULL,
            catalog_version TEXT NOT NULL,
            catalog_digest TEXT NOT NULL,
            lines_read INTEGER NOT NULL,
            unreadable_lines INTEGER NOT NULL,
            software_records INTEGER NOT NULL,
            usage_declarations INTEGER NOT NULL, observed REAL, done INTEGER NOT NULL DEFAULT 1, owner TEXT,
            UNIQUE (organisation, file_hash)
        )
        """#,
        #"""
        CREATE TABLE software (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
            organisation INTEGER NOT NULL,
            source TEXT NOT NULL,
            line INTEGER NOT NULL,
            host TEXT,
            title TEXT NOT NULL,
            publisher TEXT,
            version TEXT,
            package TEXT,
            platform TEXT,
            install_count INTEGER NOT NULL,
            install_date REAL,
            product TEXT NOT NULL,
            product_version TEXT,
            version_line TEXT,
            component TEXT,
            counts_as_installation INTEGER NOT NULL,
            rule TEXT NOT NULL
        , classified_title TEXT)
        """#,
        #"""
        CREATE TABLE usage_declarations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            import_id INTEGER REFERENCES imports (id) ON DELETE CASCADE,
            dedupe_key TEXT NOT NULL UNIQUE,
            organisation INTEGER NOT NULL,
            product TEXT NOT NULL,
            relation TEXT NOT NULL,
            date TEXT,
            evidence TEXT,
            evidence_kind TEXT NOT NULL,
            source TEXT,
            line INTEGER
        )
        """#,
        #"""
        CREATE TABLE submissions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            organisation INTEGER NOT NULL,
            period TEXT NOT NULL,
            digest TEXT NOT NULL UNIQUE,
            created REAL NOT NULL,
            loaded REAL NOT NULL,
            content TEXT NOT NULL,
            superseded INTEGER NOT NULL
        )
        """#,
        #"""
        CREATE TABLE file_index_snapshots (
            organisation INTEGER NOT NULL,
            root_key TEXT NOT NULL,
            scan_id INTEGER NOT NULL,
            PRIMARY KEY (organisation, root_key)
        )
        """#,
        #"""
        CREATE TABLE file_index_snapshot_stamps (
            organisation INTEGER NOT NULL,
            root_key TEXT NOT NULL,
            stamps BLOB NOT NULL,
            PRIMARY KEY (organisation, root_key)
        )
        """#,
        #"""
        CREATE TABLE folders (
            organisation INTEGER NOT NULL,
            folder_key TEXT NOT NULL,
            parent_key TEXT,
            PRIMARY KEY (organisation, folder_key)
        )
        """#,
        #"""
        CREATE TABLE host_inventories (
            organisation INTEGER NOT NULL,
            host TEXT NOT NULL,
            import_id INTEGER NOT NULL,
            observed REAL NOT NULL,
            PRIMARY KEY (organisation, host)
        )
        """#,
        #"""
        CREATE TABLE aggregate_inventories (
            organisation INTEGER NOT NULL,
            format TEXT NOT NULL,
            import_id INTEGER NOT NULL,
            observed REAL NOT NULL,
            PRIMARY KEY (organisation, format)
        )
        """#,
        #"""
        CREATE TABLE usage_inventories (
            organisation INTEGER NOT NULL,
            format TEXT NOT NULL,
            import_id INTEGER NOT NULL,
            observed REAL NOT NULL,
            PRIMARY KEY (organisation, format)
        )
        """#,
        #"""
        CREATE TABLE document_tally_snapshots (
            organisation INTEGER NOT NULL,
            root_key TEXT NOT NULL,
            scan_id INTEGER NOT NULL,
            tallies TEXT NOT NULL,
            PRIMARY KEY (organisation, root_key)
        )
        """#,
        #"""
        CREATE TABLE scan_progress (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            organisation INTEGER NOT NULL,
            root_key TEXT NOT NULL,
            started REAL NOT NULL,
            owner TEXT NOT NULL
        )
        """#,
        #"""
        CREATE TABLE "documents" (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            organisation INTEGER NOT NULL,
            root_key TEXT NOT NULL,
            path_key TEXT NOT NULL,
            folder_key TEXT,
            path TEXT,
            top_folder TEXT,
            family TEXT NOT NULL,
            container TEXT NOT NULL,
            format TEXT NOT NULL,
            mimetype TEXT,
            odf_version TEXT,
            generator TEXT,
            application TEXT,
            app_version TEXT,
            suite TEXT,
            suite_version TEXT,
            suite_version_line TEXT,
            encrypted INTEGER NOT NULL,
            year INTEGER,
            error TEXT,
            warnings INTEGER NOT NULL,
            size INTEGER NOT NULL,
            modified REAL NOT NULL,
            first_scan INTEGER NOT NULL,
            last_scan INTEGER NOT NULL,
            features TEXT,
            conformance TEXT
        )
        """#,
        #"""
        CREATE INDEX scans_organisation ON scans (organisation, finished)
        """#,
        #"""
        CREATE INDEX software_organisation_product ON software (organisation, product)
        """#,
        #"""
        CREATE INDEX software_import ON software (import_id)
        """#,
        #"""
        CREATE INDEX usage_declarations_organisation ON usage_declarations (organisation)
        """#,
        #"""
        CREATE INDEX submissions_organisation_period ON submissions (organisation, period)
        """#,
        #"""
        CREATE INDEX folders_parent ON folders (organisation, parent_key)
        """#,
        #"""
        CREATE INDEX scan_progress_roots ON scan_progress (organisation, root_key)
        """#,
        #"""
        CREATE UNIQUE INDEX documents_path ON documents (organisation, path_key)
        """#,
        #"""
        CREATE INDEX documents_folders ON documents (organisation, folder_key, path_key, size, modified)
        """#,
        #"""
        CREATE INDEX documents_roots ON documents (organisation, root_key) WHERE folder_key IS NULL
        """#,
    ]
}
