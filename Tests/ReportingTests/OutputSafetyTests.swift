import Catalog
import Foundation
import Geography
import OverblikModel
import TestSupport
import Testing

@testable import Reporting

/// Text from files, inventories and submissions never becomes markup or a formula in any report format.
///
/// A seeded generator (``HostileText``) fills every text source a submission carries with formula triggers,
/// HTML/XML, Markdown, CSV delimiters, line breaks and control characters; the reports are written, and
/// `scripts/check-output-safety.py` reads them back with each format's own parser (Python's csv, html.parser
/// and ElementTree, cmark-gfm, and LibreOffice converting the ODS to CSV) rather than comparing with a
/// hand-written expectation.
@Suite struct OutputSafetyTests {
    /// The text sources of a submission that reach a report.
    enum Source: String, CaseIterable {
        case unknownTitle = "unknown title"
        case publisher
        case organisationName = "organisation name"
        case comment
        case toolVersion = "tool version"
        case catalogVersion = "catalog version"
    }

    /// The hostile strings per source for `seed`: four per submission-level source (one per submission),
    /// twelve unknown titles with their publishers.
    static func hostile(seed: UInt64) -> [Source: [String]] {
        var strings: [Source: [String]] = [:]
        for (offset, source) in Source.allCases.enumerated() {
            let count = source == .unknownTitle || source == .publisher ? 12 : 4
            let tag = source.rawValue.replacingOccurrences(of: " ", with: "")
            strings[source] = HostileText.strings(seed: seed &* 31 &+ UInt64(offset), count: count, tag: tag)
        }
        return strings
    }

    /// SmallEstate's submissions with every text source replaced by hostile text.
    static func inputs(_ strings: [Source: [String]], scope: ReportScope) throws -> ReportInputs {
        var inputs = try SmallEstate.inputs(scope: scope)
        inputs.submissions = try inputs.submissions.enumerated().map { index, submission in
            var body = submission.body
            body.organisation.name = strings[.organisationName]![index]
            body.comment = strings[.comment]![index]
            body.tool = .init(name: "overblik", version: strings[.toolVersion]![index])
            body.catalog = CatalogStamp(version: strings[.catalogVersion]![index], digest: body.catalog.digest)
            if index == 0 {
                body.unknownTitles = zip(strings[.unknownTitle]!, strings[.publisher]!).enumerated().map {
                    Submission.UnknownTitle(title: $1.0, publisher: $1.1, count: 20 - $0)
                }
            }
            return try Submission(body: body)
        }
        return inputs
    }

    /// Where each source is shown, as the report shows it (unknown titles by their stem). Organisation names
    /// (the directory's name is shown) and tool versions (the method section names this build) are not shown,
    /// but their text is in every output checked for markup and formulas all the same.
    static func shown(_ strings: [Source: [String]]) -> [String: [String]] {
        [
            Source.unknownTitle.rawValue: strings[.unknownTitle]!.map(UnknownTitleGroup.stem(of:)),
            Source.publisher.rawValue: strings[.publisher]!,
            Source.comment.rawValue: strings[.comment]!,
            Source.catalogVersion.rawValue: strings[.catalogVersion]!,
        ]
    }

    @Test(arguments: [ReportFormat.csv, .html, .md, .ods, .odt, .json])
    func hostileTextStaysText(format: ReportFormat) async throws {
        #expect(onPath("python3"), "python3 is needed (make test installs it)")
        if format == .md { #expect(onPath("cmark-gfm"), "cmark-gfm is needed (make test installs it)") }
        if format == .ods { #expect(onPath("soffice"), "LibreOffice is needed (make test installs it)") }
        let renderer = ReportRenderer(geometry: try MunicipalityGeometry.denmark())
        for seed in [1, 2] as [UInt64] {
            let strings = Self.hostile(seed: seed)
            let directory = try Fixtures.temporaryDirectory("output-safety-\(format.rawValue)-\(seed)")
            for (scope, stem) in [(ReportScope.national, "national"), (.organisation(101), "org-101")] {
                let report = try ReportBuilder.build(try Self.inputs(strings, scope: scope))
                try renderer.write(
                    report, options: RenderOptions(formats: [format], outputDirectory: directory, stem: stem))
            }
            let expected = directory.appendingPathComponent("expected.json.txt")
            try JSONSerialization.data(withJSONObject: Self.shown(strings)).write(to: expected)
            let check = try await runProgram(
                "python3",
                [
                    Fixtures.repositoryRoot.appendingPathComponent("scripts/check-output-safety.py").path,
                    format.rawValue, directory.path, expected.path,
                ])
            #expect(check.status == 0, "seed \(seed):\n\(check.output)")
        }
    }

    /// Submissions held in memory, as a store would hand them over.
    struct HeldSubmissions: ReportSubmissionSource {
        let submissions: [Submission]
        func periods() -> [String] { Array(Set(submissions.map(\.body.period))).sorted() }
        func latestSubmissions(period: String) -> [Submission] { submissions.filter { $0.body.period == period } }
        func heldDeclarations() -> (declarations: [UsageDeclaration], source: String)? { nil }
    }

    /// A batch run writes every report and table file directly into the output folder, whatever the
    /// submissions' organisation names and period say (`../`, `/`, NUL, ...): file names come from codes.
    @Test func batchFileNamesStayInTheOutputFolder() async throws {
        var strings = Self.hostile(seed: 3)
        strings[.organisationName] = ["../../escaped", "/etc/passwd", "a\u{0}b/../..", ".."]
        let submissions = try Self.inputs(strings, scope: .national).submissions.map { submission in
            var body = submission.body
            body.period = "../../2026"
            return try Submission(body: body)
        }
        let parent = try Fixtures.temporaryDirectory("output-safety-batch")
        let output = parent.appendingPathComponent("reports", isDirectory: true)
        var job = ReportJob(
            scope: .national, formats: [.md, .csv], language: .english, mapMeasure: .os2Products, csv: CSVOptions(),
            outputDirectory: output, assumptions: SmallEstate.assumptions, catalog: try ProductCatalog.bundled())
        job.batch = true
        let outcome = try await job.run(submissions: HeldSubmissions(submissions: submissions), warn: { _ in })

        let directory = AuthorityDirectory.denmark
        #expect(outcome.batchReports == 1 + directory.regions.count + directory.all.count)
        let folder = output.resolvingSymlinksInPath().standardizedFileURL.path
        for file in outcome.files {
            #expect(file.deletingLastPathComponent().resolvingSymlinksInPath().standardizedFileURL.path == folder)
            #expect(!file.lastPathComponent.hasPrefix(".") && !file.lastPathComponent.contains("\0"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["reports"])
        let written = try FileManager.default.contentsOfDirectory(atPath: output.path)
        #expect(Set(written) == Set(outcome.files.map(\.lastPathComponent)))
    }
}
