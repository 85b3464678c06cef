public import Foundation
import GRDB

/// Which software rows the figures count: the estate as it is now (docs/usage/lifecycle.md).
///
/// Every import's rows are kept, but a host's software is the list from its newest inventory
/// (`host_inventories`: the import observed last for that host), and a host-less export (an aggregate such as
/// Intune's AppInvAggregate) counts only from the newest import of the same kind for the organisation
/// (`aggregate_inventories`). An import observed earlier than what is held for a host changes nothing for it,
/// so the order of imports does not matter.
public enum CurrentSoftware {
    /// The condition on `software s` (SQLite). Arguments: ``arguments(_:_:)``.
    static let sqlite = """
        s.organisation = ? AND CASE WHEN s.host IS NULL
            THEN EXISTS (
                SELECT 1 FROM aggregate_inventories a
                WHERE a.organisation = s.organisation AND a.import_id = s.import_id AND a.observed >= ?)
            ELSE EXISTS (
                SELECT 1 FROM host_inventories h
                WHERE h.organisation = s.organisation AND h.host = s.host AND h.import_id = s.import_id
                    AND h.observed >= ?)
            END
        """

    static func arguments(_ organisation: Int, _ observedSince: Date?) -> StatementArguments {
        let cutoff = cutoff(observedSince)
        return [organisation, cutoff, cutoff]
    }

    /// The earliest observation counted, as stored (seconds since 1970); far in the past when nil.
    public static func cutoff(_ observedSince: Date?) -> Double {
        observedSince?.timeIntervalSince1970 ?? -1e15
    }

    /// Makes import `importID` (observed at `observed`) the current inventory of every host it lists, and the
    /// current aggregate and usage list of its kind when it has host-less rows or declarations, except where
    /// something observed later is already held. A tie goes to the newer import. Runs inside the import's
    /// transaction; `listed` is what its lines named, gathered as they were stored.
    static func adopt(
        _ db: Database, importID: Int64, format: String, observed: Double, listed: ListedInventories
    ) throws {
        let host = try db.makeStatement(sql: CurrentList.hosts.upsert)
        for listed in listed.hosts {
            try host.execute(arguments: [listed.organisation, listed.host, importID, observed])
        }
        let aggregate = try db.makeStatement(sql: CurrentList.aggregates.upsert)
        for organisation in listed.hostless {
            try aggregate.execute(arguments: [organisation, format, importID, observed])
        }
        // Declarations are few: found in the table.
        try db.execute(
            sql: CurrentList.usageAdoption(importID: "?", observed: "?"), arguments: [importID, observed, importID])
    }

    /// The condition on `usage_declarations` for the declarations that count: those added outside an import,
    /// and those of the newest import of each kind (both backends).
    public static let currentUsage = """
        (usage_declarations.import_id IS NULL OR EXISTS (
            SELECT 1 FROM usage_inventories u
            WHERE u.organisation = usage_declarations.organisation AND u.import_id = usage_declarations.import_id))
        """

    /// What a declaration already held does when an import declares it again (both backends): it moves to the
    /// import observed later, so it counts while that import is its kind's newest. One added outside an import
    /// stays.
    public static let redeclared = """
        ON CONFLICT (dedupe_key) DO UPDATE SET import_id = excluded.import_id, source = excluded.source,
            line = excluded.line
        WHERE excluded.import_id IS NOT NULL AND usage_declarations.import_id IS NOT NULL
            AND (SELECT observed FROM imports WHERE id = excluded.import_id)
                >= (SELECT observed FROM imports WHERE id = usage_declarations.import_id)
        """
}

/// What an import's software lines list, gathered as they are stored so that finishing the import need not read
/// its rows again: the hosts (with the organisation each line names) and the organisations with host-less lines.
/// Inventories list a host's lines together, so a line is only looked up when its host differs from the last.
public struct ListedInventories: Sendable {
    public struct Host: Hashable, Sendable {
        public var organisation: Int
        public var host: String
    }

    public private(set) var hosts: Set<Host> = []
    public private(set) var hostless: Set<Int> = []
    private var last: Host?

    public init() {}

    public mutating func add(organisation: Int, host: String?) {
        guard let host else {
            hostless.insert(organisation)
            return
        }
        if let last, last.host == host, last.organisation == organisation { return }
        let listed = Host(organisation: organisation, host: host)
        hosts.insert(listed)
        last = listed
    }

    public mutating func formUnion(_ other: ListedInventories) {
        hosts.formUnion(other.hosts)
        hostless.formUnion(other.hostless)
    }
}

/// The three lists of what counts now, each naming for a key the import that is current for it: a host's
/// inventory, a kind of host-less export, a kind of usage declarations. The same statements on both backends.
public enum CurrentList: String, CaseIterable, Sendable {
    case hosts = "host_inventories"
    case aggregates = "aggregate_inventories"
    case usage = "usage_inventories"

    /// The key column besides the organisation.
    var key: String { self == .hosts ? "host" : "format" }

    /// One row into the list (organisation, key, import, observation as parameters), unless something observed
    /// later is held for the key.
    public var upsert: String {
        "INSERT INTO \(rawValue) (organisation, \(key), import_id, observed) VALUES ($1, $2, $3, $4) \(keepNewest)"
    }

    /// The conflict clause of every insert into the list: the row observed later wins its key, a tie goes to the
    /// row inserted last.
    public var keepNewest: String {
        """
        ON CONFLICT (organisation, \(key)) DO UPDATE SET import_id = excluded.import_id, observed = excluded.observed
        WHERE excluded.observed >= \(rawValue).observed
        """
    }

    /// The usage declarations an import adds to their list, found in the table (they are few): key, import and
    /// observation. `importID` and `observed` are placeholders or literals; the import's id is asked for twice.
    public static func usageAdoption(importID: String, observed: String) -> String {
        """
        INSERT INTO usage_inventories (organisation, format, import_id, observed)
        SELECT DISTINCT d.organisation, i.format, \(importID), \(observed) FROM usage_declarations d, imports i
        WHERE d.import_id = \(importID) AND i.id = d.import_id
        \(CurrentList.usage.keepNewest)
        """
    }

    /// Schema step 4: the table, filled from what a 0.3 store holds (each key's newest import is current).
    func creation(real: String, bigint: String) -> [String] {
        let existing: String
        switch self {
        case .hosts:
            existing = """
                SELECT s.organisation, s.host, MAX(s.import_id), 0 FROM software s
                WHERE s.host IS NOT NULL GROUP BY s.organisation, s.host
                """
        case .aggregates:
            existing = """
                SELECT s.organisation, i.format, MAX(s.import_id), 0 FROM software s JOIN imports i ON i.id = s.import_id
                WHERE s.host IS NULL GROUP BY s.organisation, i.format
                """
        case .usage:
            existing = """
                SELECT d.organisation, i.format, MAX(i.id), 0 FROM usage_declarations d
                JOIN imports i ON i.id = d.import_id GROUP BY d.organisation, i.format
                """
        }
        var statements = [
            """
            CREATE TABLE \(rawValue) (
                organisation INTEGER NOT NULL,
                \(key) TEXT NOT NULL,
                import_id \(bigint) NOT NULL,
                observed \(real) NOT NULL,
                PRIMARY KEY (organisation, \(key))
            )
            """,
            "INSERT INTO \(rawValue) (organisation, \(key), import_id, observed) \(existing)",
            """
            UPDATE \(rawValue) SET observed = (SELECT i.observed FROM imports i WHERE i.id = \(rawValue).import_id)
            """,
        ]
        if self == .usage {
            // Declarations were de-duplicated into the first import that declared them: all of them stay counted,
            // as the newest import of their kind.
            statements.append(
                """
                UPDATE usage_declarations SET import_id = (
                    SELECT u.import_id FROM usage_inventories u, imports i
                    WHERE i.id = usage_declarations.import_id AND u.organisation = usage_declarations.organisation
                        AND u.format = i.format)
                WHERE import_id IS NOT NULL
                """)
        }
        return statements
    }
}
