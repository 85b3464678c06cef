public import ArgumentParser
import Catalog
import Foundation
import Geography
import OverblikModel
import Store
import Submissions

/// `overblik export`: an authority's privacy-safe submission (aggregates only) from its store.
public struct ExportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a submission (aggregates only: no paths, host names or people's names) from the store.",
        discussion: """
            The submission holds documents by family, format, suite, suite version line, ODF version and year,
            read errors by kind, installations by product and version line (distinct hosts), the number of
            distinct hosts, usage declarations, and - only with --include-unknown-titles - software titles the
            catalog did not recognise. Its body is sealed with a SHA-256 digest; `overblik submission verify`
            checks it.

            An organisation with no data in the store (no documents, read errors, installations or usage
            declarations) is refused with exit status 1: usually the wrong store or organisation. With
            --allow-empty the submission is written and marked empty, and compile accepts it.

            Examples:
              overblik export --organisation 751 --period 2026 --output aarhus-2026.json
              overblik export --organisation "Region Midtjylland" --comment "Only the town hall scanned" \\
                --output midt.json --store /data/overblik.sqlite
            """)

    @Option(help: "The authority: code (751, 0101), official name or alias (Århus, Kbh.).")
    public var organisation: String

    @Option(help: "Reporting period: 2026, 2026-H2, 2026-Q4 or 2026-11 (default: the current year).")
    public var period: String?

    @Option(help: "A short comment shown beside the authority's profile in reports (at most 1000 characters).")
    public var comment: String?

    @Flag(help: "Also list software titles the catalog did not recognise (they may name local tools).")
    public var includeUnknownTitles = false

    @Flag(help: "Mark the submission as synthetic (demo data); reports built on it say so.")
    public var synthetic = false

    @Flag(help: "Write a submission marked empty when the store holds no data for the organisation.")
    public var allowEmpty = false

    @Option(name: .shortAndLong, help: "Where to write the submission JSON.")
    public var output: String

    @Option(
        name: .customLong("max-inventory-age"),
        help: ArgumentHelp(
            "Leave out hosts whose newest inventory is older than this many days before the period ends "
                + "(0: keep them however old).",
            valueName: "days"))
    public var maxInventoryAge: Int = 365

    @OptionGroup public var catalogOptions: CatalogOptions

    @OptionGroup public var storeOptions: StoreOptions

    public init() {}

    public func validate() throws {
        if let comment, comment.count > SubmissionBuilder.maximumCommentLength {
            throw ValidationError("The comment is \(comment.count) characters; at most 1000 are allowed.")
        }
        if maxInventoryAge < 0 { throw ValidationError("--max-inventory-age is a number of days, 0 or more.") }
    }

    public func run() async throws {
        let (authority, period) = try resolvedArguments()
        let inForce = try catalogOptions.loadCatalog().stamp
        let options = ExportOptions(
            organisation: authority, period: period, comment: comment,
            includeUnknownTitles: includeUnknownTitles, synthetic: synthetic, catalog: inForce,
            maximumInventoryAge: maxInventoryAge == 0 ? nil : Double(maxInventoryAge) * 86_400)
        let built = try await storeOptions.using { store in
            try await Self.requireClassified(store, with: inForce)
            let submission = try await SubmissionBuilder.build(from: store, options: options)
            let dates = try await store.inventoryDates(
                organisation: authority.code, observedSince: options.inventoryCutoff)
            return (submission: submission, staleHosts: dates.staleHosts)
        }
        var submission = built.submission
        if submission.body.holdsNoData {
            // Compiled, an empty submission would replace the authority's real one (newest wins).
            guard allowEmpty else {
                printError(
                    "error: the store \(storeOptions.location) holds no data for \(authority.name) "
                        + "(\(authority.code)): no documents, read errors, installations or usage declarations. "
                        + "Check --organisation and --store, or give --allow-empty to submit an empty submission.")
                throw ExitCode(CommandExitStatus.partialFailure.rawValue)
            }
            submission.body.empty = true
            submission = try Submission(body: submission.body)
        }
        noteDataAfterPeriod(submission, period: period)
        do {
            try writeAtomically(try encodeSubmission(submission), to: URL(fileURLWithPath: output))
        } catch {
            throw CommandError.cannotWrite(path: output, reason: error.localizedDescription)
        }
        printSummary(submission, authority: authority, period: period, staleHosts: built.staleHosts)
    }

    /// The authority and period the arguments name.
    func resolvedArguments() throws -> (Authority, String) {
        let authority: Authority
        do {
            authority = try AuthorityDirectory.denmark.resolve(organisation)
        } catch {
            throw ValidationError(error.description)
        }
        let period = self.period ?? ExportOptions.defaultPeriod()
        guard ExportOptions.isValidPeriod(period) else {
            throw ValidationError("Period '\(period)' is not one of the forms 2026, 2026-H2, 2026-Q4 or 2026-11.")
        }
        return (authority, period)
    }

    /// The catalog stamp must describe every figure: the store's rows must be classified with the catalog in
    /// force (the shipped one, or the --catalog files given). A store that never recorded a catalog may be one
    /// that holds nothing yet: nothing to describe.
    static func requireClassified(_ store: any EstateStore, with inForce: CatalogStamp) async throws {
        let held = try await store.classificationStamp()
        var describesData = held != nil
        if held == nil {
            let scans = try await store.scans(organisation: nil)
            let imports = try await store.imports(organisation: nil)
            describesData = !scans.isEmpty || !imports.isEmpty
        }
        guard held != inForce && describesData else { return }
        throw ValidationError(
            "The store's figures are classified with "
                + (held.map { "catalog \($0.version) (\(CatalogInForce.shortDigest($0.digest)))" }
                    ?? "an unrecorded catalog")
                + ", not with the catalog in force, \(inForce.version) "
                + "(\(CatalogInForce.shortDigest(inForce.digest))). Run `overblik reclassify` with the "
                + "same --catalog files first, or export with the --catalog files the store was classified with.")
    }

    /// Not an error: rounds are collected after a period closes. The data dates travel with the figures.
    func noteDataAfterPeriod(_ submission: Submission, period: String) {
        guard let end = ExportOptions.end(of: period),
            let newest = [submission.body.documents.asOf, submission.body.installations.asOf].compactMap({ $0 }).max(),
            newest >= end
        else { return }
        printError(
            "note: the newest data were observed on \(ISODate.timestamp(newest)), after period "
                + "\(period) ended; the submission's data dates say so, and reports show them.")
    }

    func printSummary(_ submission: Submission, authority: Authority, period: String, staleHosts: Int) {
        let body = submission.body
        let documents = body.documents.counts.reduce(0) { $0 + $1.count }
        let installations = body.installations.counts.reduce(0) { $0 + $1.hosts }
        print(
            "Wrote \(output): \(authority.name) (\(authority.code)), period \(period)"
                + (body.empty == true ? " (marked empty)" : ""))
        print(
            "  documents: \(documents) in \(body.documents.counts.count) groups, read errors: "
                + "\(body.documents.errors.reduce(0) { $0 + $1.count })")
        if let conformance = body.documents.conformance {
            let valid = conformance.counts.filter { $0.verdict == .conforming || $0.verdict == .extendedConforming }
            print(
                "  ODF conformance: \(conformance.measured) documents checked, "
                    + "\(valid.reduce(0) { $0 + $1.count }) valid (conforming or extended conforming)")
        } else {
            print("  ODF conformance: not measured (no document scanned with --validate)")
        }
        print(
            "  installations: \(installations) on \(body.installations.hosts) distinct hosts, "
                + "\(body.installations.counts.count) product/version lines"
                + (staleHosts > 0
                    ? "; \(staleHosts) hosts left out, their newest inventory older than \(maxInventoryAge) days" : ""))
        let day = { (date: Date?) in date.map(ISODate.day) }
        for (what, oldest, newest) in [
            ("documents", body.documents.oldest, body.documents.asOf),
            ("installations", body.installations.oldest, body.installations.asOf),
        ] {
            if let newest = day(newest) { print("  \(what) data from \(day(oldest) ?? newest) to \(newest)") }
        }
        print(
            "  usage declarations: \(body.usage.count)"
                + (body.unknownTitles.map { ", unknown titles: \($0.count)" } ?? ""))
        print("  digest: \(submission.digest)")
    }
}
