import Foundation
import GRDB
import OverblikModel
@testable import Store
import StorePostgres
import TestSupport
import Testing

/// The first scan's stage is written through SQLite's C API and its rows' top folders are worked out once per
/// folder: both must store exactly what the old path stored (GRDB's arguments, `Pseudonymiser.topFolder` per file).
@Suite struct StagedRowTests {
    /// Texts that bind differently if the C API is used carelessly: empty (NULL if bound from a nil address), with
    /// a NUL byte (GRDB binds a C string, which ends there), non-ASCII, long, small (inline) and large strings.
    static let texts: [String?] = [
        nil, "", "a", "odt", "a\u{0}b", "\u{0}", "Økonomi æøå", "LibreOffice/7.6.4.1$Linux_X86_64",
        String(repeating: "x", count: 15), String(repeating: "y", count: 16), String(repeating: "long ", count: 80),
        "👩‍👩‍👧 🇩🇰", "e\u{301}",
    ]

    static func randomRow(_ generator: inout SeededGenerator, index: Int) -> DocumentRow {
        func text() -> String? { texts.randomElement(using: &generator)! }
        let record = DocumentRecord(
            path: "/srv/share/d\(index)/f\(index).odt", family: .odf, container: .zip, format: "odt", size: 1,
            modified: Date(timeIntervalSince1970: 0))
        var row = DocumentRow(
            record: record, root: "/srv/share", pseudonymiser: Pseudonymiser(keyHex: "00"), includePaths: false,
            folderKey: nil)
        // A unique key per row (the stage's primary key); every other column drawn at random.
        row.pathKey = "p:\(index)"
        row.folderKey = text()
        row.path = text()
        row.topFolder = text()
        row.family = text() ?? ""
        row.container = text() ?? "zip"
        row.format = text() ?? "docx"
        row.mimetype = text()
        row.odfVersion = text()
        row.generator = text()
        row.application = text()
        row.appVersion = text()
        row.suite = text()
        row.suiteVersion = text()
        row.suiteVersionLine = text()
        row.encrypted = Bool.random(using: &generator)
        row.year = Bool.random(using: &generator) ? nil : Int.random(in: -5000...5000, using: &generator)
        row.error = text()
        row.warnings = Int.random(in: 0...1_000_000, using: &generator)
        row.size = Int64.random(in: Int64.min...Int64.max, using: &generator)
        row.modified = Double.random(in: -1e12...1e12, using: &generator)
        row.features = text() ?? ""
        row.conformance = text()
        return row
    }

    /// Every column as stored, with its type and its bytes: a value stored as another type, truncated
    /// differently or rounded differs in one of them.
    static let everyColumn: String = {
        let columns = (DocumentUpsert.stagedColumns + ", confirmed")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        return (columns + columns.map { "typeof(\($0))" } + columns.map { "hex(\($0))" }).joined(separator: ", ")
    }()

    @Test(arguments: [1, 2, 3] as [UInt64])
    func stagedRowsAreStoredAsGRDBArgumentsStoredThem(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let rows = (0..<400).map { Self.randomRow(&generator, index: $0) }
        let queue = try DatabaseQueue()
        let outcome = try queue.write { db -> [[Int]] in
            for table in ["direct", "through_grdb"] {
                try db.execute(
                    sql: """
                        CREATE TABLE \(table) (path_key TEXT PRIMARY KEY, folder_key TEXT, path TEXT, top_folder TEXT,
                            family TEXT NOT NULL, container TEXT NOT NULL, format TEXT NOT NULL, mimetype TEXT,
                            odf_version TEXT, generator TEXT, application TEXT, app_version TEXT, suite TEXT,
                            suite_version TEXT, suite_version_line TEXT, encrypted INTEGER NOT NULL, year INTEGER,
                            error TEXT, warnings INTEGER NOT NULL, size INTEGER NOT NULL, modified REAL NOT NULL,
                            features TEXT, confirmed INTEGER NOT NULL, conformance TEXT)
                        """)
            }
            try SQLiteStagedRows.insert(rows, into: "direct", db)
            // The old path: the same statement, every value through GRDB's StatementArguments.
            let statement = try db.makeStatement(sql: SQLiteStagedRows.insertSQL(stage: "through_grdb"))
            for row in rows {
                try statement.execute(arguments: [
                    row.pathKey, row.folderKey, row.path, row.topFolder, row.family, row.container, row.format,
                    row.mimetype, row.odfVersion, row.generator, row.application, row.appVersion, row.suite,
                    row.suiteVersion, row.suiteVersionLine, row.encrypted, row.year, row.error, row.warnings, row.size,
                    row.modified, row.features, row.conformance,
                ])
            }
            let differing = { (one: String, other: String) in
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM (SELECT \(Self.everyColumn) FROM \(one)
                            EXCEPT SELECT \(Self.everyColumn) FROM \(other))
                        """) ?? -1
            }
            let counts = try ["direct", "through_grdb"].map {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? -1
            }
            return [counts, [try differing("direct", "through_grdb"), try differing("through_grdb", "direct")]]
        }
        #expect(outcome[0] == [rows.count, rows.count])
        #expect(outcome[1] == [0, 0])
    }

    /// Path components that split differently by `Character` than by byte: combining marks (which join a `/`
    /// before them), a prepended mark (which joins the character after it), emoji sequences, non-ASCII letters.
    static let components = [
        "a", "b", "Økonomi", "e\u{301}", "\u{301}x", "\u{30A}", "\u{600}", "\u{600}y", "👩‍👩‍👧", "🇩🇰", "æ", "x y",
        "ﬁ", "\u{200D}z",
    ]

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func topFoldersOncePerFolderAgreeWithEveryPathsOwn(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let roots = ["/", "/srv", "/srv/", "/srv/a", "/srv/\u{301}x", "/srv/e\u{301}/", "/srv/\u{600}"]
        var checked = 0
        for root in roots {
            var folders = TopFolders()
            // Files arrive folder by folder, as a scan hands them over, with now and then a folder seen again.
            for _ in 0..<150 {
                let depth = Int.random(in: 0...3, using: &generator)
                let below = (0..<depth).map { _ in Self.components.randomElement(using: &generator)! }
                let folder = ([root.hasSuffix("/") ? String(root.dropLast()) : root] + below).joined(separator: "/")
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let path = folder + "/" + Self.components.randomElement(using: &generator)! + ".odt"
                    #expect(
                        folders.topFolder(path: path, root: root) == Pseudonymiser.topFolder(path: path, root: root),
                        "\(path.unicodeScalars.map { String($0.value, radix: 16) }) under \(root)")
                    checked += 1
                }
            }
        }
        #expect(checked > 1000)
    }

    /// A first scan stores its grouped documents as it finishes, counted while staging: they must be what SQL
    /// groups from the stored rows (the snapshot deleted). Texts that Swift takes for equal and SQLite does not
    /// (`é` and `e` + combining accent), NUL bytes, NULLs. With a record outside the root, the finish must leave the
    /// grouping to SQL.
    @Test(arguments: [(1, false), (2, false), (3, true)] as [(UInt64, Bool)])
    func aFirstScansTalliesAreWhatSQLGroupsFromItsRows(seed: UInt64, outsider: Bool) async throws {
        var generator = SeededGenerator(seed: seed)
        let versions: [String?] = [nil, "1.2", "1.3", "é", "e\u{301}", "1.\u{0}4", ""]
        let suites: [String?] = [nil, "libreoffice", "msoffice", "e\u{301}", "é"]
        let errors: [ReadFailureKind?] = [nil, nil, .truncated, .notAZip]
        let families: [DocumentFamily] = [.odf, .ooxml, .legacy]
        var records = (0..<600).map { index -> DocumentRecord in
            var record = document(
                "/srv/share/\(["a", "b", "Ø", "c/d"].randomElement(using: &generator)!)/f\(index).odt",
                family: families.randomElement(using: &generator)!,
                format: ["odt", "docx", "doc"].randomElement(using: &generator)!,
                suite: suites.randomElement(using: &generator)!, line: versions.randomElement(using: &generator)!,
                odf: versions.randomElement(using: &generator)!, error: errors.randomElement(using: &generator)!)
            record.encrypted = Bool.random(using: &generator)
            if Bool.random(using: &generator) { record.warnings = [.init(kind: .extensionMismatch, detail: "x")] }
            return record
        }
        if outsider { records.append(document("/srv/elsewhere/f.odt")) }
        let location = try Backend.sqliteFile.freshLocation()
        guard case .sqlite(let path) = location else { throw TestSetupError.helperMissing("a SQLite file") }
        let store = try await EstateStoreFactory.open(location)
        try await scan(store, root: "/srv/share", records)
        let snapshots = try await DatabaseQueue(path: path).read {
            try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM document_tally_snapshots")
        }
        #expect(snapshots == (outsider ? 0 : 1))
        let counted = try await store.documentTallies(organisation: 751, root: "/srv/share")
        try await store.close()
        try await location.executeBehindTheStore(sqlite: ["DELETE FROM document_tally_snapshots"], postgres: [])
        let reopened = try await EstateStoreFactory.open(location)
        let grouped = try await reopened.documentTallies(organisation: 751, root: "/srv/share")
        try await reopened.close()
        #expect(counted == grouped)
        #expect(grouped.reduce(0) { $0 + $1.count } == 600)
        // Both spellings of é are there, apart, as SQLite keeps them.
        for spelling in ["é", "e\u{301}"] {
            #expect(grouped.contains { $0.odfVersion.map { Array($0.utf8) } == Array(spelling.utf8) })
        }
    }
}
