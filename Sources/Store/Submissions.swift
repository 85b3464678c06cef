public import Foundation
public import Geography
public import OverblikModel
public import Submissions

/// What to put in an exported submission.
public struct ExportOptions: Sendable {
    public var organisation: Authority
    /// Reporting period: `2026`, `2026-H2`, `2026-Q4` or `2026-11`.
    public var period: String
    public var comment: String?
    public var includeUnknownTitles: Bool
    public var synthetic: Bool
    public var created: Date
    /// The catalog to name; nil takes the newest catalog stamp recorded with this organisation's scans.
    public var catalog: CatalogStamp?
    /// At most this many unknown titles (most frequent first).
    public var unknownTitleLimit: Int
    /// Hosts (and host-less exports) whose newest inventory is older than this before the period's end (or
    /// before `created`, if earlier) are stale and not counted; nil counts them however old.
    public var maximumInventoryAge: TimeInterval?

    /// The earliest observation counted: ``maximumInventoryAge`` before the period's end, or before `created`
    /// if that is earlier; nil when hosts count however old.
    public var inventoryCutoff: Date? {
        let reference = min(ExportOptions.end(of: period) ?? created, created)
        return maximumInventoryAge.map { reference.addingTimeInterval(-$0) }
    }

    /// The default ``maximumInventoryAge``: a year.
    public static let defaultMaximumInventoryAge: TimeInterval = 365 * 86_400

    public init(
        organisation: Authority, period: String, comment: String? = nil, includeUnknownTitles: Bool = false,
        synthetic: Bool = false, created: Date = Date(), catalog: CatalogStamp? = nil, unknownTitleLimit: Int = 200,
        maximumInventoryAge: TimeInterval? = ExportOptions.defaultMaximumInventoryAge
    ) {
        self.maximumInventoryAge = maximumInventoryAge
        self.organisation = organisation
        self.period = period
        self.comment = comment
        self.includeUnknownTitles = includeUnknownTitles
        self.synthetic = synthetic
        self.created = created
        self.catalog = catalog
        self.unknownTitleLimit = unknownTitleLimit
    }

    /// Accepted period forms.
    public static let periodPattern = "^[0-9]{4}(-(H[12]|Q[1-4]|(0[1-9]|1[0-2])))?$"

    public static func isValidPeriod(_ text: String) -> Bool {
        text.range(of: periodPattern, options: .regularExpression) != nil
    }

    /// The first moment after `period` (UTC): 2026 → 2027-01-01, 2026-H1 → 2026-07-01, 2026-Q4 → 2027-01-01,
    /// 2026-11 → 2026-12-01. Nil for a text that is not a period.
    public static func end(of period: String) -> Date? {
        guard isValidPeriod(period), let year = Int(period.prefix(4)) else { return nil }
        let rest = period.dropFirst(5)
        var month = 13
        if rest.hasPrefix("H") {
            month = rest == "H1" ? 7 : 13
        } else if rest.hasPrefix("Q") {
            month = 1 + 3 * (Int(rest.dropFirst()) ?? 4)
        } else if let number = Int(rest) {
            month = number + 1
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: month > 12 ? year + 1 : year, month: month > 12 ? 1 : month))
    }

    /// The current calendar year, the default period.
    public static func defaultPeriod(now: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return String(calendar.component(.year, from: now))
    }
}

/// Builds a submission from an authority's store: aggregates only.
public enum SubmissionBuilder {
    /// Longest comment accepted (the schema's limit).
    public static let maximumCommentLength = 1000

    public static func build(from store: any EstateStore, options: ExportOptions) async throws -> Submission {
        let code = options.organisation.code
        // Hosts not inventoried within the maximum age before the period's end (or before now, for a period still
        // running) are stale. The store holds the estate as it is now, so data observed after the period (a round
        // collected after it closed) count as they are, and the data dates in the submission say when.
        let observedSince = options.inventoryCutoff
        let scanDates = try await store.scanDates(organisation: code)
        let inventory = try await store.inventoryDates(organisation: code, observedSince: observedSince)
        let documents = Submission.Documents(
            asOf: scanDates.newest.map(wholeSeconds), oldest: scanDates.oldest.map(wholeSeconds),
            counts: try await store.documentCounts(organisation: code),
            errors: try await store.documentErrorCounts(organisation: code),
            readiness: try await store.documentReadiness(organisation: code),
            conformance: try await store.documentConformance(organisation: code))
        let installations = Submission.Installations(
            asOf: inventory.dates.newest.map(wholeSeconds), oldest: inventory.dates.oldest.map(wholeSeconds),
            hosts: try await store.distinctHosts(organisation: code, observedSince: observedSince),
            counts: try await store.installationCounts(organisation: code, observedSince: observedSince))
        // Where a declaration was read from (a file name on the authority's machine) stays home.
        let usage = try await store.usageDeclarations(organisation: code).map { declaration in
            var copy = declaration
            copy.source = nil
            copy.line = nil
            return copy
        }
        var unknown: [Submission.UnknownTitle]?
        if options.includeUnknownTitles {
            unknown = try await store.unknownTitles(
                organisation: code, limit: options.unknownTitleLimit, observedSince: observedSince)
        }
        var catalog = options.catalog
        if catalog == nil { catalog = try await store.classificationStamp() }
        if catalog == nil {
            catalog = try await store.scans(organisation: code).first?.catalog
        }
        let comment = options.comment.map { String($0.prefix(maximumCommentLength)) }
        let body = Submission.Body(
            organisation: .init(code: code, name: options.organisation.name, kind: options.organisation.kind.rawValue),
            period: options.period, created: wholeSeconds(options.created), tool: Submission.Tool(),
            catalog: catalog ?? CatalogStamp(version: "none", digest: "none"),
            comment: comment?.isEmpty == true ? nil : comment, synthetic: options.synthetic, documents: documents,
            installations: installations, usage: usage, unknownTitles: unknown)
        return try Submission(body: body)
    }

    /// Submissions carry whole seconds (the canonical date form), so a decoded copy equals the original.
    static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }
}

/// The facilitator's compile: verify each file and load the good ones into the national store.
public enum SubmissionCompiler {
    public struct FileResult: Sendable, Hashable {
        public var file: String
        /// Nil when the file was rejected.
        public var submission: Submission?
        public var outcome: SubmissionLoadOutcome?
        /// Why the file was rejected.
        public var problems: [String]

        public var isRejected: Bool { outcome == nil }
    }

    /// Loads every file it can; a bad file is reported and skipped, never stops the others. A store that fails
    /// stops the loading: what was loaded stays, the rest is reported as not loaded.
    ///
    /// Every file is verified first, then the good ones load newest first (created, then digest, as the
    /// store picks the current one; then path), so each file's outcome is the same whatever order the files
    /// were given in. Results come back in the order given.
    public static func compile(
        files: [URL], into store: any EstateStore, verifier: SubmissionVerifier
    ) async
        -> [FileResult]
    {
        var results: [FileResult?] = Array(repeating: nil, count: files.count)
        var verified: [(index: Int, submission: Submission)] = []
        for (index, url) in files.enumerated() {
            do {
                verified.append((index, try verifier.verify(fileAt: url)))
            } catch SubmissionError.invalid(_, let problems) {
                results[index] = FileResult(file: url.relativePath, submission: nil, outcome: nil, problems: problems)
            } catch {
                results[index] = FileResult(
                    file: url.relativePath, submission: nil, outcome: nil, problems: ["\(error)"])
            }
        }
        verified.sort { left, right in
            let (a, b) = (left.submission, right.submission)
            if a.body.created != b.body.created { return a.body.created > b.body.created }
            if a.digest != b.digest { return a.digest > b.digest }
            return files[left.index].path < files[right.index].path
        }
        let copies = await CopiedFigures.find(
            verified.map(\.submission), paths: verified.map { files[$0.index] }, in: store)
        for (position, problem) in copies {
            let index = verified[position].index
            results[index] = FileResult(
                file: files[index].relativePath, submission: nil, outcome: nil, problems: [problem])
        }
        verified = verified.enumerated().filter { copies[$0.offset] == nil }.map(\.element)
        for (position, (index, submission)) in verified.enumerated() {
            let url = files[index]
            do {
                let outcome = try await store.addSubmission(submission)
                results[index] = FileResult(
                    file: url.relativePath, submission: submission, outcome: outcome, problems: [])
            } catch {
                // The store failed, not the file (a verified file has nothing left to reject): the files not yet
                // loaded are said to be so, rather than each waiting on a store that no longer answers.
                results[index] = FileResult(
                    file: url.relativePath, submission: nil, outcome: nil, problems: ["\(error)"])
                for (later, _) in verified[(position + 1)...] {
                    results[later] = FileResult(
                        file: files[later].relativePath, submission: nil, outcome: nil,
                        problems: ["not loaded: the store failed on an earlier file (\(url.relativePath))"])
                }
                break
            }
        }
        return results.map { $0! }
    }
}

/// One authority's figures submitted under another's code — a file copied and re-sealed, or one shared estate
/// exported by both — would count the same documents and installations twice in the national figures. Two
/// real estates never have identical aggregates (every count by family, format, suite, version and year, the
/// observation dates, every product line's hosts), so identical figures under two codes for one period are
/// refused for all but one of them: the one the store already holds as current, else the first created (then
/// the smaller digest, then the path: the same whatever order the files come in). Submissions that hold no
/// data (marked empty) and synthetic (demonstration) ones are not compared.
enum CopiedFigures {
    /// The positions in `submissions` to refuse, each with the reason.
    static func find(_ submissions: [Submission], paths: [URL], in store: any EstateStore) async -> [Int: String] {
        var holders: [String: (organisation: Submission.Organisation, place: String)] = [:]
        for period in Set(submissions.map(\.body.period)) {
            let current = (try? await store.submissionHistory(organisation: nil, period: period)) ?? []
            for stored in current where !stored.superseded {
                if let key = key(stored.submission) {
                    holders[key] = (stored.submission.body.organisation, "already in the store")
                }
            }
        }
        let order = submissions.indices.sorted { left, right in
            let (a, b) = (submissions[left], submissions[right])
            if a.body.created != b.body.created { return a.body.created < b.body.created }
            if a.digest != b.digest { return a.digest < b.digest }
            return paths[left].path < paths[right].path
        }
        var refused: [Int: String] = [:]
        for position in order {
            let body = submissions[position].body
            guard let key = key(submissions[position]) else { continue }
            guard let holder = holders[key] else {
                holders[key] = (body.organisation, paths[position].lastPathComponent)
                continue
            }
            guard holder.organisation.code != body.organisation.code else { continue }
            refused[position] =
                "its figures (documents and installations) are identical to those of \(holder.organisation.name) "
                + "(\(holder.organisation.code)) for \(body.period) (\(holder.place)): one estate under two codes would "
                + "count twice in the national figures; if the two authorities share one estate, one of them submits it"
        }
        return refused
    }

    /// The period and figures of a submission that has data and is not synthetic; nil otherwise.
    static func key(_ submission: Submission) -> String? {
        let body = submission.body
        guard !body.holdsNoData, !body.synthetic, body.empty != true else { return nil }
        struct Figures: Encodable {
            var period: String
            var documents: Submission.Documents
            var installations: Submission.Installations
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .secondsSince1970
        let figures = Figures(period: body.period, documents: body.documents, installations: body.installations)
        guard let data = try? encoder.encode(figures) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Who has submitted for which period, and who is missing: all 98 municipalities and 5 regions.
public struct SubmissionStatus: Sendable {
    public struct Entry: Sendable, Hashable {
        public var authority: Authority
        /// Current submissions by period.
        public var submissions: [String: Submission]
        /// Submissions kept as history (superseded) for the selected period.
        public var superseded: Int

        /// The current submission for the selected period, if any.
        public func submission(for period: String?) -> Submission? {
            guard let period else { return nil }
            return submissions[period]
        }
    }

    /// The period the status is about (the newest period in the store when not given).
    public var period: String?
    public var periods: [String]
    public var entries: [Entry]

    public var submitted: [Entry] { entries.filter { $0.submission(for: period) != nil } }
    public var missing: [Entry] { entries.filter { $0.submission(for: period) == nil } }

    public static func build(
        store: any EstateStore, period: String?, authorities: AuthorityDirectory = .denmark
    )
        async throws -> SubmissionStatus
    {
        let periods = try await store.periods()
        let selected = period ?? periods.last
        let history = try await store.submissionHistory(organisation: nil, period: nil)
        var current: [Int: [String: Submission]] = [:]
        var superseded: [Int: Int] = [:]
        for stored in history {
            let body = stored.submission.body
            if stored.superseded {
                if body.period == selected { superseded[body.organisation.code, default: 0] += 1 }
            } else {
                current[body.organisation.code, default: [:]][body.period] = stored.submission
            }
        }
        let entries = authorities.all.sorted().map { authority in
            Entry(
                authority: authority, submissions: current[authority.code] ?? [:],
                superseded: superseded[authority.code] ?? 0)
        }
        return SubmissionStatus(period: selected, periods: periods, entries: entries)
    }
}
