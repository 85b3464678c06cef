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
    /// current aggregate of its kind when it has host-less rows, except where something observed later is
    /// already held. A tie goes to the newer import. Runs inside the import's transaction.
    static func adopt(_ db: Database, importID: Int64, observed: Double) throws {
        try db.execute(
            sql: """
                INSERT INTO host_inventories (organisation, host, import_id, observed)
                SELECT organisation, host, ?, ? FROM software WHERE import_id = ? AND host IS NOT NULL
                GROUP BY organisation, host
                ON CONFLICT (organisation, host) DO UPDATE SET
                    import_id = excluded.import_id, observed = excluded.observed
                WHERE excluded.observed >= host_inventories.observed
                """, arguments: [importID, observed, importID])
        try db.execute(
            sql: """
                INSERT INTO aggregate_inventories (organisation, format, import_id, observed)
                SELECT DISTINCT s.organisation, i.format, ?, ? FROM software s, imports i
                WHERE s.import_id = ? AND s.host IS NULL AND i.id = s.import_id
                ON CONFLICT (organisation, format) DO UPDATE SET
                    import_id = excluded.import_id, observed = excluded.observed
                WHERE excluded.observed >= aggregate_inventories.observed
                """, arguments: [importID, observed, importID])
        try db.execute(
            sql: """
                INSERT INTO usage_inventories (organisation, format, import_id, observed)
                SELECT DISTINCT d.organisation, i.format, ?, ? FROM usage_declarations d, imports i
                WHERE d.import_id = ? AND i.id = d.import_id
                ON CONFLICT (organisation, format) DO UPDATE SET
                    import_id = excluded.import_id, observed = excluded.observed
                WHERE excluded.observed >= usage_inventories.observed
                """, arguments: [importID, observed, importID])
    }

    /// The condition on `usage_declarations` for the declarations that count: those added outside an import,
    /// and those of the newest import of each kind (both backends).
    public static let currentUsage = """
        (usage_declarations.import_id IS NULL OR EXISTS (
            SELECT 1 FROM usage_inventories u
            WHERE u.organisation = usage_declarations.organisation AND u.import_id = usage_declarations.import_id))
        """

    /// What a declaration already held does when an import declares it again (SQLite): it moves to the import
    /// observed later, so it counts while that import is its kind's newest. One added outside an import stays.
    static let sqliteRedeclared = """
        ON CONFLICT (dedupe_key) DO UPDATE SET import_id = excluded.import_id, source = excluded.source,
            line = excluded.line
        WHERE excluded.import_id IS NOT NULL AND usage_declarations.import_id IS NOT NULL
            AND (SELECT observed FROM imports WHERE id = excluded.import_id)
                >= (SELECT observed FROM imports WHERE id = usage_declarations.import_id)
        """
}
