public import ArgumentParser
import Catalog
import Foundation
import Geography
import OverblikModel
public import Reporting
import Store
import Submissions

/// `overblik report`: national, regional and per-authority reports for decision-makers.
public struct ReportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write reports (HTML, ODT, ODS, PDF, Markdown, CSV, JSON) from submissions and usage evidence.",
        discussion: """
            Reads the newest submission per authority for the period from the store (--store), or from \
            submission files (--submissions, files or folders), plus any usage evidence (--evidence: the \
            public evidence TSV or usage declarations as JSON lines; with only --evidence no store is read \
            unless --store is given). Danish by default; --lang en for English. \
            With --batch: one report per authority, per region and the national one, with an index page. \
            PDF needs LibreOffice (soffice) and is made from the ODT.

            Examples:
              overblik report --store national.sqlite --format html,odt,ods
              overblik report --submissions fixtures/demo/submissions/2026 --format all
              overblik report --submissions subs/ --compare-to 2025 --scope region:1084
              overblik report --evidence fixtures/usage/os2-usage-evidence.tsv --format html,json
              overblik report --store national.sqlite --batch --format html,ods
            """)

    @Option(
        help: "national, region:CODE (e.g. region:1084) or an authority (code, name or alias). (default: national)",
        transform: { try ReportScope.parse($0, directory: .denmark) })
    public var scope: ReportScope = .national

    @Option(help: "Reporting period, e.g. 2026 (default: the newest period in the data).")
    public var period: String?

    @Option(name: .customLong("compare-to"), help: "An earlier period to show trends against.")
    public var compareTo: String?

    @Option(
        help: "Comma-separated formats: html, odt, ods, pdf, md, csv, json, or all. (default: html)",
        transform: { try ReportFormat.parseList($0) })
    public var format: [ReportFormat] = [.html]

    @Option(help: "Report language: da (Danish, default) or en (English).")
    public var lang: ReportLanguage = .danish

    @Option(name: .customLong("output-dir"), help: "Folder for the reports.")
    public var outputDirectory: String = "reports"

    @Option(help: "Business-case assumptions (YAML or JSON); defaults are shipped and printed in every report.")
    public var assumptions: String?

    @Option(
        parsing: .upToNextOption,
        help: "Usage evidence files: the public evidence TSV or usage declarations (JSON lines).")
    public var evidence: [String] = []

    @Option(
        parsing: .upToNextOption,
        help: "Submission files or folders of them, instead of a store.")
    public var submissions: [String] = []

    @Option(name: .customLong("map-measure"), help: "What the map shows.")
    public var mapMeasure: MapMeasure = .os2Products

    @Flag(
        name: .customLong("csv-excel-da"), help: "CSV for Danish Excel: ';' separator and decimal comma (BOM always).")
    public var danishExcelCSV = false

    @Flag(help: "One report per authority and region plus the national one, and an index page.")
    public var batch = false

    @OptionGroup public var storeOptions: StoreOptions
    @OptionGroup public var catalogOptions: CatalogOptions

    public init() {}

    public func validate() throws {
        if format.isEmpty { throw ValidationError("--format names no format.") }
        if let compareTo, compareTo == period {
            throw ValidationError("--compare-to \(compareTo) is the report's own period: give an earlier period.")
        }
    }

    public func run() async throws {
        var job = ReportJob(
            scope: scope, formats: format, language: lang, mapMeasure: mapMeasure,
            csv: danishExcelCSV ? .danishExcel : CSVOptions(), outputDirectory: URL(fileURLWithPath: outputDirectory),
            assumptions: try assumptions.map { try Assumptions.load(URL(fileURLWithPath: $0)) } ?? .defaults(),
            catalog: try catalogOptions.loadCatalog(), evidenceFiles: evidence.map { URL(fileURLWithPath: $0) })
        job.batch = batch
        job.period = period
        job.compareTo = compareTo
        let outcome: ReportJob.Outcome
        if !submissions.isEmpty {
            let files = try SubmissionFiles(paths: submissions, directory: .denmark)
            for rejected in files.rejected { printError("rejected: \(rejected)") }
            outcome = try await job.run(submissions: files, warn: Self.warn)
        } else if evidence.isEmpty || storeOptions.store != nil {
            // Evidence alone is a public-evidence report: a store is read only when asked for.
            outcome = try await storeOptions.using { store in
                try await job.run(submissions: StoreSubmissions(store: store), warn: Self.warn)
            }
        } else {
            outcome = try await job.run(submissions: nil, warn: Self.warn)
        }
        if let count = outcome.batchReports, let index = outcome.index {
            print("Wrote \(count) reports (\(format.map(\.rawValue).joined(separator: ", "))) and \(index.path)")
        } else {
            for file in outcome.files { print(file.path) }
        }
        // The other formats are written; the missing PDF fails the run.
        if let pdfProblem = outcome.pdfProblem { throw pdfProblem }
    }

    /// Prints the first 20 of a file's left-out lines, and how many more.
    static func warn(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics.prefix(20) { printError("warning: \(diagnostic)") }
        if diagnostics.count > 20 { printError("warning: ... and \(diagnostics.count - 20) more lines skipped") }
    }
}

/// The store as the source of a report's submissions and usage declarations.
struct StoreSubmissions: ReportSubmissionSource {
    let store: any EstateStore

    func periods() async throws -> [String] { try await store.periods() }

    func latestSubmissions(period: String) async throws -> [Submission] {
        try await store.latestSubmissions(period: period)
    }

    func heldDeclarations() async throws -> (declarations: [UsageDeclaration], source: String)? {
        (try await store.usageDeclarations(organisation: nil), "store")
    }
}

extension ReportLanguage: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension MapMeasure: ExpressibleByArgument {}
