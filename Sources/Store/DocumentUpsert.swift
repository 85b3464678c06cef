/// The statement that moves a scan's staged rows into `documents`, the same on both backends: one row per file
/// (organisation and path key), whichever root reached it, its first scan kept and everything else replaced.
public enum DocumentUpsert {
    /// The columns a stage holds and `documents` takes over as they are.
    package static let stagedColumns = """
        path_key, folder_key, path, top_folder, family, container, format, mimetype, odf_version, generator,
        application, app_version, suite, suite_version, suite_version_line, encrypted, year, error, warnings, size,
        modified, features, conformance
        """

    static let stagedColumnCount = stagedColumns.split(separator: ",").count

    /// One `?` per staged column, for SQLite's insert into the stage.
    static let stagedPlaceholders = Array(repeating: "?", count: stagedColumnCount).joined(separator: ", ")

    /// `organisation`, `rootKey` and `scan` are the caller's placeholders (`?` or `$n`); `scan` stands twice,
    /// as the first and the last scan of a new row. `order`: the order the rows go in (`ORDER BY` what), else the
    /// stage's.
    public static func sql(
        from stage: String, organisation: String, rootKey: String, scan: String, order: String? = nil
    ) -> String {
        """
        INSERT INTO documents (organisation, root_key, \(stagedColumns), first_scan, last_scan)
        SELECT \(organisation), \(rootKey), \(stagedColumns), \(scan), \(scan)
        FROM \(stage) WHERE true\(order.map { " ORDER BY \($0)" } ?? "")
        ON CONFLICT (organisation, path_key) DO UPDATE SET
            root_key = excluded.root_key, folder_key = excluded.folder_key, path = excluded.path,
            top_folder = excluded.top_folder, family = excluded.family, container = excluded.container,
            format = excluded.format, mimetype = excluded.mimetype, odf_version = excluded.odf_version,
            generator = excluded.generator, application = excluded.application, app_version = excluded.app_version,
            suite = excluded.suite, suite_version = excluded.suite_version,
            suite_version_line = excluded.suite_version_line, encrypted = excluded.encrypted, year = excluded.year,
            error = excluded.error, warnings = excluded.warnings, size = excluded.size, modified = excluded.modified,
            features = excluded.features, conformance = excluded.conformance, last_scan = excluded.last_scan
        """
    }
}
