import ArgumentParser
import Foundation
import OverblikCLI
import Reporting
import TestSupport
import Testing

/// `overblik report` end to end, in process, on the shipped demo estate and public evidence.
@Suite struct ReportCommandTests {
    static let demo = Fixtures.url("demo/submissions").path

    func run(_ arguments: [String]) async throws {
        let command = try #require(try OverblikCommand.parseAsRoot(["report"] + arguments) as? ReportCommand)
        try await command.run()
    }

    @Test func reportFromSubmissionFilesWithTrendsInEnglish() async throws {
        let output = try Fixtures.temporaryDirectory("cli-report")
        try await run([
            "--submissions", Self.demo, "--period", "2026", "--compare-to", "2025", "--format", "html,json,csv,md",
            "--lang", "en", "--csv-excel-da", "--output-dir", output.path,
        ])
        let json = try JSONSerialization.jsonObject(
            with: Data(contentsOf: output.appendingPathComponent("national.json")))
        let report = try #require(json as? [String: Any])
        #expect(report["period"] as? String == "2026")
        #expect(report["compare_to"] as? String == "2025")
        #expect(report["synthetic"] as? Bool == true)
        let html = try String(contentsOf: output.appendingPathComponent("national.html"), encoding: .utf8)
        #expect(html.contains("SYNTHETIC DATA"))
        #expect(html.contains("Trends"))
        let csv = try Data(contentsOf: output.appendingPathComponent("national-regions.csv"))
        #expect(csv.starts(with: [0xEF, 0xBB, 0xBF] + Array("Region;Municipalities;".utf8)))
    }

    @Test func batchWritesEveryAuthorityRegionAndAnIndex() async throws {
        let output = try Fixtures.temporaryDirectory("cli-batch")
        try await run([
            "--submissions", Self.demo + "/2026", "--batch", "--format", "html", "--output-dir", output.path,
        ])
        let names = try FileManager.default.contentsOfDirectory(atPath: output.path)
        let htmlFiles: Int = names.filter { $0.hasSuffix(".html") }.count
        // National, 5 regions, 103 authorities, the index.
        #expect(htmlFiles == 110)
        let index = try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("org-101.html"))
        #expect(index.contains("region-1084.html"))
        #expect(index.contains("Region Hovedstaden"))
    }

    @Test func publicEvidenceOnlyIsMarkedAsALowerBound() async throws {
        let output = try Fixtures.temporaryDirectory("cli-evidence")
        try await run([
            "--evidence", Fixtures.url("usage/os2-usage-evidence.tsv").path, "--format", "html", "--output-dir",
            output.path,
        ])
        let html = try String(
            contentsOf: output.appendingPathComponent("national-public-evidence.html"), encoding: .utf8)
        #expect(html.contains("NEDRE GRÆNSE"))
    }

    @Test func comparingAPeriodWithItselfIsAUsageError() async throws {
        do {
            _ = try OverblikCommand.parseAsRoot([
                "report", "--submissions", Self.demo, "--period", "2026", "--compare-to", "2026",
            ])
            Issue.record("expected a usage error")
        } catch {
            #expect(OverblikCommand.exitCode(for: error) == .validationFailure)
            #expect(OverblikCommand.message(for: error).contains("--compare-to 2026 is the report's own period"))
        }
        // Also when the period is the newest in the data rather than given.
        let output = try Fixtures.temporaryDirectory("cli-same-period")
        await #expect(throws: ReportError.comparedWithItself(period: "2026")) {
            try await run(["--submissions", Self.demo, "--compare-to", "2026", "--output-dir", output.path])
        }
        #expect(CommandExitStatus.exitCode(for: ReportError.comparedWithItself(period: "2026")) == .validationFailure)
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).isEmpty)
    }

    /// A public-evidence report reads no store, even where one would be found by default ($OVERBLIK_STORE or
    /// overblik.sqlite in the working directory): here both are files that are no store at all.
    @Test func evidenceAloneReadsNoStore() async throws {
        let binary = try overblikBinary()
        let directory = try Fixtures.temporaryDirectory("cli-evidence-no-store")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("not a database".utf8).write(to: directory.appendingPathComponent("overblik.sqlite"))
        let elsewhere = directory.appendingPathComponent("configured.sqlite")
        try Data("not a database either".utf8).write(to: elsewhere)
        var environment = ProcessInfo.processInfo.environment
        environment["OVERBLIK_STORE"] = nil
        let arguments = [
            "report", "--evidence", Fixtures.url("usage/os2-usage-evidence.tsv").path, "--format", "json",
            "--output-dir", directory.appendingPathComponent("out").path,
        ]
        for env in [environment, environment.merging(["OVERBLIK_STORE": elsewhere.path]) { $1 }] {
            let result = try await runBinary(binary, arguments, in: directory, environment: env)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("national-public-evidence.json"))
        }
        // Asked for explicitly, the store is read (and this one is refused).
        let explicit = try await runBinary(
            binary, arguments + ["--store", elsewhere.path], in: directory, environment: environment)
        #expect(explicit.status != 0)
    }

    @Test(arguments: [
        (["--format", "docx"], "Unknown format 'docx'"), (["--lang", "fr"], "'fr'"),
        (["--scope", "region:9999"], "not one of the 5 regions"), (["--map-measure", "x"], "'x'"),
    ])
    func usageErrorsAreClear(arguments: [String], named: String) async throws {
        do {
            try await run(["--submissions", Self.demo] + arguments)
            Issue.record("expected a usage error for \(arguments)")
        } catch {
            #expect(CommandExitStatus.exitCode(for: error) == .validationFailure, "\(arguments)")
            #expect(OverblikCommand.message(for: error).contains(named), "\(OverblikCommand.message(for: error))")
        }
    }

    @Test func optionsParseToTheirEnums() throws {
        let command = try #require(
            try OverblikCommand.parseAsRoot([
                "report", "--format", "html,Markdown,ods", "--lang", "EN", "--map-measure", "odf-share", "--scope",
                "region:1084",
            ]) as? ReportCommand)
        #expect(command.format == [.html, .md, .ods])
        #expect(command.lang == .english)
        #expect(command.mapMeasure == .odfShare)
        #expect(command.scope == .region(1084))
        let defaults = try #require(try OverblikCommand.parseAsRoot(["report"]) as? ReportCommand)
        #expect(defaults.format == [.html] && defaults.lang == .danish && defaults.scope == .national)
    }
}
