public import ArgumentParser
import Catalog
import Foundation
import Geography
import OverblikModel
import Reporting
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

    @Option(help: "national, region:CODE (e.g. region:1084) or an authority (code, name or alias).")
    public var scope: String = "national"

    @Option(help: "Reporting period, e.g. 2026 (default: the newest period in the data).")
    public var period: String?

    @Option(name: .customLong("compare-to"), help: "An earlier period to show trends against.")
    public var compareTo: String?

    @Option(help: "Comma-separated formats: html, odt, ods, pdf, md, csv, json, or all.")
    public var format: String = "html"

    @Option(help: "Report language: da (Danish, default) or en (English).")
    public var lang: String = "da"

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

    @Option(name: .customLong("map-measure"), help: "What the map shows: os2-products, odf-share, open-suite-share.")
    public var mapMeasure: String = "os2-products"

    @Flag(
        name: .customLong("csv-excel-da"), help: "CSV for Danish Excel: ';' separator and decimal comma (BOM always).")
    public var danishExcelCSV = false

    @Flag(help: "One report per authority and region plus the national one, and an index page.")
    public var batch = false

    @OptionGroup public var storeOptions: StoreOptions
    @OptionGroup public var catalogOptions: CatalogOptions

    public init() {}

    public func validate() throws {
        if let compareTo, compareTo == period {
            throw ValidationError("--compare-to \(compareTo) is the report's own period: give an earlier period.")
        }
    }

    public func run() async throws {
        let directory = AuthorityDirectory.denmark
        guard let language = ReportLanguage(rawValue: lang.lowercased()) else {
            throw ValidationError("--lang must be da or en, not '\(lang)'.")
        }
        guard let measure = MapMeasure(rawValue: mapMeasure) else {
            throw ValidationError(
                "--map-measure must be one of \(MapMeasure.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let formats: [ReportFormat]
        do { formats = try ReportFormat.parseList(format) } catch { throw ValidationError("\(error)") }
        guard !formats.isEmpty else { throw ValidationError("--format names no format.") }
        let reportScope: ReportScope
        do { reportScope = try ReportScope.parse(scope, directory: directory) } catch {
            throw ValidationError("\(error)")
        }
        let catalog = try catalogOptions.loadCatalog()
        let assumptionValues: Assumptions
        do {
            assumptionValues =
                try assumptions.map { try Assumptions.load(URL(fileURLWithPath: $0)) }
                ?? Assumptions.defaults()
        } catch { throw ValidationError("\(error)") }

        // Evidence files.
        var declarations: [UsageDeclaration] = []
        var sources: [String] = []
        for path in evidence {
            do {
                let (read, diagnostics) = try ReportInputFiles.readEvidence(
                    URL(fileURLWithPath: path), directory: directory)
                declarations += read
                sources.append(URL(fileURLWithPath: path).lastPathComponent)
                for diagnostic in diagnostics.prefix(20) { printError("warning: \(diagnostic)") }
                if diagnostics.count > 20 {
                    printError("warning: ... and \(diagnostics.count - 20) more lines skipped")
                }
            } catch { throw ValidationError("\(error)") }
        }

        // Submissions: from files, or from the store.
        var current: [Submission] = []
        var earlier: [Submission] = []
        var selectedPeriod = period
        if !submissions.isEmpty {
            let verifier = try SubmissionVerifier(authorities: directory)
            var all: [Submission] = []
            for url in try submissionFiles() {
                do { all.append(try ReportInputFiles.readSubmission(url, verifier: verifier)) } catch {
                    printError("rejected: \(error)")
                }
            }
            selectedPeriod = selectedPeriod ?? SubmissionSelection.newestPeriod(all)
            if let selectedPeriod { current = SubmissionSelection.latest(all, period: selectedPeriod) }
            if let compareTo { earlier = SubmissionSelection.latest(all, period: compareTo) }
        } else if evidence.isEmpty || storeOptions.store != nil {
            // Evidence alone is a public-evidence report: a store is read only when asked for.
            let store = try await storeOptions.open(create: false)
            do {
                if selectedPeriod == nil { selectedPeriod = try await store.periods().last }
                if let selectedPeriod { current = try await store.latestSubmissions(period: selectedPeriod) }
                if let compareTo { earlier = try await store.latestSubmissions(period: compareTo) }
                let held = try await store.usageDeclarations(organisation: nil)
                if !held.isEmpty {
                    declarations += held
                    sources.append("store")
                }
                try await store.close()
            } catch {
                try? await store.close()
                throw error
            }
        }
        if let compareTo, compareTo == selectedPeriod {
            throw ValidationError(
                "--compare-to \(compareTo) is the report's own period (the newest in the data): give an earlier "
                    + "period, or --period.")
        }
        if let compareTo, earlier.isEmpty {
            printError("warning: no submissions for --compare-to \(compareTo); trends show it as empty.")
        }
        let reportPeriod = selectedPeriod ?? newestEvidenceYear(declarations) ?? "n.d."
        if current.isEmpty && declarations.isEmpty {
            throw ValidationError(
                "No submissions or evidence to report on\(selectedPeriod.map { " for \($0)" } ?? "").")
        }

        let renderer = ReportRenderer(directory: directory, geometry: try MunicipalityGeometry.denmark())
        let output = URL(fileURLWithPath: outputDirectory)
        let generated = Date()
        let csvOptions = danishExcelCSV ? CSVOptions.danishExcel : CSVOptions()
        var pdfProblem: String?

        func render(_ scope: ReportScope) throws -> [URL] {
            let inputs = ReportInputs(
                submissions: current, earlierSubmissions: earlier, evidence: declarations, evidenceSources: sources,
                catalog: catalog, directory: directory, assumptions: assumptionValues, scope: scope,
                period: reportPeriod, compareTo: compareTo, generated: generated)
            let report = try ReportBuilder.build(inputs)
            let stem = scope.fileStem + (current.isEmpty ? "-public-evidence" : "")
            let nonPDF = formats.filter { $0 != .pdf }
            var written = try renderer.write(
                report,
                options: RenderOptions(
                    language: language, formats: nonPDF, outputDirectory: output, stem: stem, csv: csvOptions,
                    mapMeasure: measure))
            if formats.contains(.pdf), pdfProblem == nil {
                do {
                    written += try renderer.write(
                        report,
                        options: RenderOptions(
                            language: language, formats: [.pdf],
                            outputDirectory: output, stem: stem, mapMeasure: measure))
                } catch let error as ReportError {
                    pdfProblem = error.description
                }
            }
            return written
        }

        if batch {
            var entries: [(title: String, files: [String])] = []
            let scopes: [ReportScope] =
                [.national] + directory.regions.map { .region($0.code) }
                + directory.all.sorted().map { .organisation($0.code) }
            for scope in scopes {
                let files = try render(scope)
                let title: String
                switch scope {
                case .national: title = language == .danish ? "Hele landet" : "National"
                case .region(let code), .organisation(let code):
                    title = directory.authority(code: code)?.name ?? "\(code)"
                }
                entries.append((title, files.map(\.lastPathComponent).filter { !$0.hasSuffix(".csv") }))
            }
            let index = output.appendingPathComponent("index.html")
            try renderer.writeIndex(
                entries: entries, language: language, synthetic: (current + earlier).contains { $0.body.synthetic },
                to: index)
            print(
                "Wrote \(scopes.count) reports (\(formats.map(\.rawValue).joined(separator: ", "))) and \(index.path)")
        } else {
            for file in try render(reportScope) { print(file.path) }
        }
        if let pdfProblem {
            printError("error: \(pdfProblem)")
            throw ExitCode(1)
        }
    }

    /// The files named by --submissions: JSON files, and the JSON files inside folders (recursively).
    func submissionFiles() throws -> [URL] {
        var urls: [URL] = []
        let fileManager = FileManager.default
        for path in submissions {
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("No such submission file or folder: \(path)")
            }
            if isDirectory.boolValue {
                let enumerator = fileManager.enumerator(
                    at: URL(fileURLWithPath: path), includingPropertiesForKeys: nil,
                    options: [.skipsHiddenFiles])
                while let url = enumerator?.nextObject() as? URL {
                    if url.pathExtension == "json" { urls.append(url) }
                }
            } else {
                urls.append(URL(fileURLWithPath: path))
            }
        }
        return urls.sorted { $0.path < $1.path }
    }

    func newestEvidenceYear(_ declarations: [UsageDeclaration]) -> String? {
        declarations.compactMap { declaration -> String? in
            let year = declaration.sortableDate.prefix(4)
            return year == "0000" ? nil : String(year)
        }.max()
    }
}
