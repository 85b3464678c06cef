public import Catalog
public import Foundation
public import Geography
public import OverblikModel
import Submissions

/// Where a report's submissions come from: submission files (``SubmissionFiles``) or a store, which the caller
/// adapts (Reporting does not depend on Store).
public protocol ReportSubmissionSource {
    /// Every period held, in ascending order.
    func periods() async throws -> [String]
    /// The newest submission per organisation for `period`.
    func latestSubmissions(period: String) async throws -> [Submission]
    /// Usage declarations held beside the submissions, and the name the method section cites them by; nil
    /// when the source holds none.
    func heldDeclarations() async throws -> (declarations: [UsageDeclaration], source: String)?
}

/// Submission files, read and verified once; a file that is not a valid submission becomes a diagnostic.
public struct SubmissionFiles: ReportSubmissionSource {
    public let submissions: [Submission]
    public let rejected: [Diagnostic]

    /// `paths`: JSON files, and folders whose JSON files (recursively) are read, in path order.
    public init(paths: [String], directory: AuthorityDirectory) throws {
        let verifier = try SubmissionVerifier(authorities: directory)
        var submissions: [Submission] = []
        var rejected: [Diagnostic] = []
        for url in try Self.files(paths) {
            do {
                submissions.append(try verifier.verify(fileAt: url))
            } catch {
                rejected.append(
                    Diagnostic(
                        .warning, .rejectedFile, file: url.lastPathComponent,
                        message: "not a valid submission: \(error)"))
            }
        }
        self.submissions = submissions
        self.rejected = rejected
    }

    public func periods() -> [String] { Array(Set(submissions.map(\.body.period))).sorted() }

    public func latestSubmissions(period: String) -> [Submission] {
        SubmissionSelection.latest(submissions, period: period)
    }

    public func heldDeclarations() -> (declarations: [UsageDeclaration], source: String)? { nil }

    /// The files named: JSON files, and the JSON files inside folders (recursively), sorted by path.
    static func files(_ paths: [String]) throws(ReportError) -> [URL] {
        var urls: [URL] = []
        let fileManager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw .unreadableInput(file: path, reason: "no such submission file or folder")
            }
            guard isDirectory.boolValue else {
                urls.append(URL(fileURLWithPath: path))
                continue
            }
            let enumerator = fileManager.enumerator(
                at: URL(fileURLWithPath: path), includingPropertiesForKeys: nil, options: [.skipsHiddenFiles])
            while let url = enumerator?.nextObject() as? URL {
                if url.pathExtension == "json" { urls.append(url) }
            }
        }
        return urls.sorted { $0.path < $1.path }
    }
}

/// One `overblik report` run, with its arguments already parsed: gathers the submissions and evidence, builds a
/// report per scope (one, or with `batch` every authority, region and the nation) and writes the formats.
public struct ReportJob: Sendable {
    public var scope: ReportScope
    /// One report per authority and region plus the national one, and an index page.
    public var batch = false
    /// The reporting period; nil takes the newest in the data.
    public var period: String?
    public var compareTo: String?
    public var formats: [ReportFormat]
    public var language: ReportLanguage
    public var mapMeasure: MapMeasure
    public var csv: CSVOptions
    public var outputDirectory: URL
    public var assumptions: Assumptions
    public var catalog: ProductCatalog
    public var directory: AuthorityDirectory
    /// Usage-evidence files: the public evidence TSV or usage declarations as JSON lines.
    public var evidenceFiles: [URL]

    public init(
        scope: ReportScope, formats: [ReportFormat], language: ReportLanguage, mapMeasure: MapMeasure,
        csv: CSVOptions, outputDirectory: URL, assumptions: Assumptions, catalog: ProductCatalog,
        directory: AuthorityDirectory = .denmark, evidenceFiles: [URL] = []
    ) {
        self.scope = scope
        self.formats = formats
        self.language = language
        self.mapMeasure = mapMeasure
        self.csv = csv
        self.outputDirectory = outputDirectory
        self.assumptions = assumptions
        self.catalog = catalog
        self.directory = directory
        self.evidenceFiles = evidenceFiles
    }

    /// What a run wrote.
    public struct Outcome: Sendable {
        /// Every file written, in scope and format order (the index page last, with `batch`).
        public var files: [URL]
        /// With `batch`: the reports written and the index page.
        public var batchReports: Int?
        public var index: URL?
        /// Why no PDF was made, when one was asked for; every other format was written.
        public var pdfProblem: ReportError?
    }

    /// Everything the reports are built from.
    struct Material {
        var current: [Submission] = []
        var earlier: [Submission] = []
        var declarations: [UsageDeclaration] = []
        var sources: [String] = []
        var period = "n.d."
    }

    /// Gathers the evidence files and the source's submissions, then writes the reports. `warn` hears the
    /// evidence lines each file left out, and a comparison period without submissions.
    public func run(
        submissions source: (any ReportSubmissionSource)?, warn: ([Diagnostic]) -> Void
    ) async throws -> Outcome {
        let material = try await gather(from: source, warn: warn)
        // Writing waits on LibreOffice for a PDF (minutes, in a batch): on a thread of its own, not the pool's.
        let job = self
        return try await DedicatedThread.run { try job.write(material) }
    }

    func gather(from source: (any ReportSubmissionSource)?, warn: ([Diagnostic]) -> Void) async throws -> Material {
        var material = Material()
        for url in evidenceFiles {
            let (read, diagnostics) = try ReportInputFiles.readEvidence(url, directory: directory, catalog: catalog)
            material.declarations += read
            material.sources.append(url.lastPathComponent)
            if !diagnostics.isEmpty { warn(diagnostics) }
        }
        var selectedPeriod = period
        if let source {
            if selectedPeriod == nil { selectedPeriod = try await source.periods().last }
            if let selectedPeriod { material.current = try await source.latestSubmissions(period: selectedPeriod) }
            if let compareTo { material.earlier = try await source.latestSubmissions(period: compareTo) }
            if let held = try await source.heldDeclarations(), !held.declarations.isEmpty {
                material.declarations += held.declarations
                material.sources.append(held.source)
            }
        }
        if let compareTo, compareTo == selectedPeriod { throw ReportError.comparedWithItself(period: compareTo) }
        if let compareTo, material.earlier.isEmpty {
            warn([
                Diagnostic(
                    .warning, .fileNote, file: "--compare-to",
                    message: "no submissions for \(compareTo); trends show it as empty.")
            ])
        }
        if material.current.isEmpty && material.declarations.isEmpty {
            throw ReportError.noData(period: selectedPeriod)
        }
        material.period = selectedPeriod ?? Self.newestEvidenceYear(material.declarations) ?? "n.d."
        return material
    }

    /// Builds and writes the report of each scope, and with `batch` the index page.
    func write(_ material: Material) throws -> Outcome {
        let renderer = ReportRenderer(directory: directory, geometry: try MunicipalityGeometry.denmark())
        let generated = Date()
        var outcome = Outcome(files: [])
        func render(_ scope: ReportScope) throws -> [URL] {
            let inputs = ReportInputs(
                submissions: material.current, earlierSubmissions: material.earlier, evidence: material.declarations,
                evidenceSources: material.sources, catalog: catalog, directory: directory, assumptions: assumptions,
                scope: scope, period: material.period, compareTo: compareTo, generated: generated)
            let report = try ReportBuilder.build(inputs)
            let stem = scope.fileStem + (material.current.isEmpty ? "-public-evidence" : "")
            var options = RenderOptions(
                language: language, formats: formats.filter { $0 != .pdf }, outputDirectory: outputDirectory,
                stem: stem, csv: csv, mapMeasure: mapMeasure)
            var written = try renderer.write(report, options: options)
            // Without LibreOffice the other formats are still written; the first failure is kept.
            if formats.contains(.pdf), outcome.pdfProblem == nil {
                options.formats = [.pdf]
                options.csv = CSVOptions()
                do { written += try renderer.write(report, options: options) } catch let error as ReportError {
                    outcome.pdfProblem = error
                }
            }
            outcome.files += written
            return written
        }
        guard batch else {
            _ = try render(scope)
            return outcome
        }
        let scopes: [ReportScope] =
            [.national] + directory.regions.map { .region($0.code) }
            + directory.all.sorted().map { .organisation($0.code) }
        var entries: [(title: String, files: [String])] = []
        for scope in scopes {
            let files = try render(scope)
            let title: String
            switch scope {
            case .national: title = language == .danish ? "Hele landet" : "National"
            case .region(let code), .organisation(let code): title = directory.authority(code: code)?.name ?? "\(code)"
            }
            entries.append((title, files.map(\.lastPathComponent).filter { !$0.hasSuffix(".csv") }))
        }
        let index = outputDirectory.appendingPathComponent("index.html")
        try renderer.writeIndex(
            entries: entries, language: language,
            synthetic: (material.current + material.earlier).contains { $0.body.synthetic }, to: index)
        outcome.files.append(index)
        outcome.batchReports = scopes.count
        outcome.index = index
        return outcome
    }

    /// The newest year the evidence names: a public-evidence report's period when none is given.
    static func newestEvidenceYear(_ declarations: [UsageDeclaration]) -> String? {
        declarations.compactMap { declaration -> String? in
            let year = declaration.sortableDate.prefix(4)
            return year == "0000" ? nil : String(year)
        }.max()
    }
}
