public import Foundation
public import OverblikModel
import Submissions

/// Documents counted one way for export (see ``Submission/DocumentCount``).
public typealias DocumentAggregate = Submission.DocumentCount

/// The figures `export` seals into a submission: only records of `organisation`, plus records stored
/// without one.
public protocol EstateFigures: Sendable {

    /// Documents read, by family, format, suite, version line, ODF version and year. A file that could not be
    /// read is never counted here as what its name says: it is in ``documentErrorCounts(organisation:)`` only.
    func documentCounts(organisation: Int) async throws -> [Submission.DocumentCount]
    func documentErrorCounts(organisation: Int) async throws -> [Submission.ErrorCount]
    /// Readable documents by feature (what matters in a move to ODF), family, format and year, out of those whose
    /// features were measured; nil when none was (rows stored before schema step 6 and not read since).
    func documentReadiness(organisation: Int) async throws -> Submission.Readiness?
    /// Readable documents by ODF conformance verdict, suite, suite version line and ODF version, out of those with a
    /// verdict (`scan --validate`); nil when none has one (never validated: not measured, not zero).
    func documentConformance(organisation: Int) async throws -> Submission.Conformance?
    /// Newest finish time of the scans behind the document counts.
    func lastScanFinished(organisation: Int) async throws -> Date?
    /// When the oldest and the newest scan behind the document figures finished (for each root holding
    /// documents, its newest scan; then the oldest and newest of those).
    func scanDates(organisation: Int) async throws -> DataDates

    // Software figures count the estate as it is now: each host's software list from its newest inventory, and
    // each kind of host-less export (aggregates) from its newest import; `observedSince` leaves out hosts and
    // exports whose newest data are older (stale), nil counts them however old.

    /// Installations by product and version line: distinct hosts among records that count as an
    /// installation, plus the install counts of aggregate (host-less) records.
    func installationCounts(organisation: Int, observedSince: Date?) async throws -> [Submission.InstallationCount]
    /// Distinct hosts with a current inventory.
    func distinctHosts(organisation: Int, observedSince: Date?) async throws -> Int
    /// The data dates behind the software figures, and how many hosts were left out as stale.
    func inventoryDates(organisation: Int, observedSince: Date?) async throws -> InventoryDates
    /// Software titles the catalog did not recognise, with how many current records carried them.
    func unknownTitles(organisation: Int, limit: Int, observedSince: Date?) async throws -> [Submission.UnknownTitle]
}

extension EstateFigures {
    public func installationCounts(organisation: Int) async throws -> [Submission.InstallationCount] {
        try await installationCounts(organisation: organisation, observedSince: nil)
    }

    public func distinctHosts(organisation: Int) async throws -> Int {
        try await distinctHosts(organisation: organisation, observedSince: nil)
    }

    public func unknownTitles(organisation: Int, limit: Int) async throws -> [Submission.UnknownTitle] {
        try await unknownTitles(organisation: organisation, limit: limit, observedSince: nil)
    }
}

/// The oldest and newest data date behind a set of figures.
public struct DataDates: Sendable, Hashable {
    public var oldest: Date?
    public var newest: Date?

    public init(oldest: Date?, newest: Date?) {
        self.oldest = oldest
        self.newest = newest
    }
}

/// The data dates behind the software figures.
public struct InventoryDates: Sendable, Hashable {
    public var dates: DataDates
    /// Hosts whose newest inventory is older than the cut-off, and so not counted.
    public var staleHosts: Int
    /// Host-less exports (aggregates) older than the cut-off, and so not counted.
    public var staleAggregates: Int

    public init(dates: DataDates, staleHosts: Int, staleAggregates: Int) {
        self.dates = dates
        self.staleHosts = staleHosts
        self.staleAggregates = staleAggregates
    }
}

/// Folds grouped rows of stored feature sets into ``Submission/FeatureCount``s, the same on both backends.
public struct FeatureTally: Sendable {
    private struct Key: Hashable {
        var feature: DocumentFeature
        var family: DocumentFamily
        var format: String
        var year: Int?
    }

    private var counts: [Key: Int] = [:]

    public init() {}

    /// One group of documents with the same stored features (``DocumentFeature/storedText(_:)``), family, format
    /// and year: each feature in the text counts them.
    public mutating func add(features: String, family: String, format: String, year: Int?, count: Int) {
        let family = DocumentFamily(rawValue: family) ?? .other
        for feature in DocumentFeature.features(storedText: features) {
            counts[Key(feature: feature, family: family, format: format, year: year), default: 0] += count
        }
    }

    /// The readiness section for `measured` documents, rows in ``AggregateOrder/features(_:_:)``; nil when no
    /// document was measured.
    public func readiness(measured: Int) -> Submission.Readiness? {
        guard measured > 0 else { return nil }
        let rows = counts.map { key, count in
            Submission.FeatureCount(
                feature: key.feature, family: key.family, format: key.format, year: key.year, count: count)
        }
        return Submission.Readiness(measured: measured, counts: rows.sorted(by: AggregateOrder.features))
    }
}

/// Folds grouped rows of stored verdicts into ``Submission/ConformanceCount``s, the same on both backends.
public struct ConformanceTally: Sendable {
    private var rows: [Submission.ConformanceCount] = []

    public init() {}

    /// One group of documents with the same stored verdict (``DocumentConformance`` raw value), suite, suite
    /// version line and ODF version. A verdict this build does not know (a newer store) is left out.
    public mutating func add(
        verdict: String, suite: String?, suiteVersionLine: String?, odfVersion: String?, count: Int
    ) {
        guard let verdict = DocumentConformance(rawValue: verdict), count > 0 else { return }
        rows.append(
            Submission.ConformanceCount(
                verdict: verdict, suite: suite, suiteVersionLine: suiteVersionLine, odfVersion: odfVersion,
                count: count))
    }

    /// The conformance section, rows in ``AggregateOrder/conformance(_:_:)``, out of the documents counted (each
    /// has one verdict); nil when no document has one.
    public var conformance: Submission.Conformance? {
        let measured = rows.reduce(0) { $0 + $1.count }
        guard measured > 0 else { return nil }
        return Submission.Conformance(measured: measured, counts: rows.sorted(by: AggregateOrder.conformance))
    }
}
