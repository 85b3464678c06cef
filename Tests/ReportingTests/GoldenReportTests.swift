import Catalog
import Foundation
import Geography
import OverblikModel
import Reporting
import Submissions
import TestSupport
import Testing

/// The national demo report (2026 against 2025), rendered as Markdown (Danish and English), JSON, every CSV
/// table, and the text of its ODT and ODS, must equal the files in `Golden/` byte for byte: a refactor proves
/// it changed no output. A change that should change the output re-records them with `make golden`
/// (`OVERBLIK_RECORD_GOLDEN=1`), and the diff shows what changed.
@Suite struct GoldenReportTests {
    static let golden = Fixtures.repositoryRoot.appendingPathComponent("Tests/ReportingTests/Golden")
    static var recording: Bool { ProcessInfo.processInfo.environment["OVERBLIK_RECORD_GOLDEN"] == "1" }

    static func demoReport() throws -> Report {
        let verifier = try SubmissionVerifier()
        let folder = Fixtures.url("demo/submissions")
        func load(_ period: String) throws -> [Submission] {
            try FileManager.default.contentsOfDirectory(
                at: folder.appendingPathComponent(period), includingPropertiesForKeys: nil
            ).filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }.map {
                try ReportInputFiles.readSubmission($0, verifier: verifier)
            }
        }
        return try ReportBuilder.build(
            ReportInputs(
                submissions: SubmissionSelection.latest(try load("2026"), period: "2026"),
                earlierSubmissions: SubmissionSelection.latest(try load("2025"), period: "2025"),
                catalog: try ProductCatalog.bundled(), directory: .denmark, assumptions: try Assumptions.defaults(),
                period: "2026", compareTo: "2025",
                generated: ISO8601DateFormatter().date(from: "2026-12-01T12:00:00Z")!))
    }

    /// Every paragraph and table cell of an ODF file's `content.xml`, one a line (Python's zipfile and
    /// ElementTree: an independent reader).
    static func text(ofODF url: URL) async throws -> String {
        let script = """
            import sys, zipfile, xml.etree.ElementTree as ET
            root = ET.fromstring(zipfile.ZipFile(sys.argv[1]).read("content.xml"))
            T = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
            for element in root.iter():
                if element.tag in (T + "p", T + "h"):
                    print("".join(element.itertext()))
            """
        let result = try await runProgram("python3", ["-c", script, url.path])
        try #require(result.status == 0, "python3 could not read \(url.lastPathComponent): \(result.output)")
        return result.output
    }

    @Test func theDemoReportsOutputsAreTheRecordedOnes() async throws {
        let report = try Self.demoReport()
        let renderer = ReportRenderer(geometry: try MunicipalityGeometry.denmark())
        var outputs: [(name: String, data: Data)] = []
        for language in [ReportLanguage.danish, .english] {
            let directory = try Fixtures.temporaryDirectory("golden")
            let formats: [ReportFormat] = language == .danish ? [.md, .json, .csv, .odt, .ods] : [.md]
            let files = try renderer.write(
                report,
                options: RenderOptions(
                    language: language, formats: formats, outputDirectory: directory, stem: "national-\(language)"))
            for file in files {
                switch file.pathExtension {
                case "odt", "ods":
                    outputs.append((file.lastPathComponent + ".txt", Data(try await Self.text(ofODF: file).utf8)))
                default:
                    outputs.append((file.lastPathComponent, try Data(contentsOf: file)))
                }
            }
        }
        #expect(outputs.count > 10)
        if Self.recording {
            try? FileManager.default.removeItem(at: Self.golden)
            try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
            for output in outputs { try output.data.write(to: Self.golden.appendingPathComponent(output.name)) }
            return
        }
        let recorded = try FileManager.default.contentsOfDirectory(atPath: Self.golden.path).sorted()
        #expect(recorded == outputs.map(\.name).sorted(), "outputs other than the recorded ones: run `make golden`")
        for output in outputs {
            let expected = try Data(contentsOf: Self.golden.appendingPathComponent(output.name))
            #expect(
                output.data == expected,
                "\(output.name) differs from Tests/ReportingTests/Golden (if the change is meant, `make golden`)")
        }
    }
}
