import Catalog
import Foundation
import Geography
import OverblikModel
import Reporting
import Submissions
import TestSupport
import Testing

/// The section "Hvilke kontorpakker skriver gyldig ODF?" against an independent reading of the same submission
/// files (Python's json module sums them): per suite version line, per ODF version, per authority, the
/// authorities that measured and those that did not.
@Suite struct ConformanceReportTests {
    /// What Python makes of the 2026 demo submissions' `documents.conformance`.
    static func oracle() async throws -> [String: Any] {
        let script = """
            import glob, json, sys
            out = {"measured": [], "not_measured": [], "documents": 0, "odf_documents": 0, "verdicts": {},
                   "suites": {}, "odf_versions": {}, "organisations": {}}
            for path in sorted(glob.glob(sys.argv[1] + "/*.json")):
                body = json.load(open(path))["body"]
                code = body["organisation"]["code"]
                conformance = body["documents"].get("conformance")
                if conformance is None:
                    out["not_measured"].append(code)
                    continue
                out["measured"].append(code)
                out["documents"] += conformance["measured"]
                out["odf_documents"] += sum(r["count"] for r in body["documents"]["counts"] if r["family"] == "odf")
                own = {}
                for row in conformance["counts"]:
                    verdict, n = row["verdict"], row["count"]
                    out["verdicts"][verdict] = out["verdicts"].get(verdict, 0) + n
                    own[verdict] = own.get(verdict, 0) + n
                    line = "%s|%s" % (row.get("suite"), row.get("suite_version_line"))
                    suite = out["suites"].setdefault(line, {})
                    suite[verdict] = suite.get(verdict, 0) + n
                    version = out["odf_versions"].setdefault(str(row.get("odf_version")), {})
                    version[verdict] = version.get(verdict, 0) + n
                out["organisations"][str(code)] = own
            print(json.dumps(out))
            """
        let result = try await runProgram("python3", ["-c", script, Fixtures.url("demo/submissions/2026").path])
        try #require(result.status == 0, "python3: \(result.output)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    }

    /// The verdict counts as the submissions name them, leaving out zeros (Python only sees verdicts present).
    static func named(_ counts: Report.VerdictCounts) -> [String: Int] {
        let pairs: [(DocumentConformance, Int)] = [
            (.conforming, counts.conforming), (.extendedConforming, counts.extendedConforming),
            (.notConforming, counts.notConforming), (.unknownVersion, counts.unknownVersion),
            (.notChecked, counts.notChecked), (.unreadable, counts.unreadable),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.filter { $0.1 > 0 }.map { ($0.0.rawValue, $0.1) })
    }

    @Test func theDemoReportsConformanceIsWhatTheSubmissionsSay() async throws {
        let report = try GoldenReportTests.demoReport()
        let oracle = try await Self.oracle()
        let conformance = try #require(report.conformance)
        #expect(conformance.measured.map(\.code) == oracle["measured"] as? [Int])
        #expect(conformance.notMeasured.map(\.code) == oracle["not_measured"] as? [Int])
        #expect(try #require(oracle["not_measured"] as? [Int]).count > 0)
        #expect(conformance.documents == oracle["documents"] as? Int)
        #expect(conformance.odfDocuments == oracle["odf_documents"] as? Int)
        #expect(Self.named(conformance.verdicts) == oracle["verdicts"] as? [String: Int])
        let suites = Dictionary(
            uniqueKeysWithValues: conformance.suites.map {
                ("\($0.suite ?? "None")|\($0.versionLine ?? "None")", Self.named($0.verdicts))
            })
        #expect(suites == oracle["suites"] as? [String: [String: Int]])
        let versions = Dictionary(
            uniqueKeysWithValues: conformance.odfVersions.map { ($0.version ?? "None", Self.named($0.verdicts)) })
        #expect(versions == oracle["odf_versions"] as? [String: [String: Int]])
        let organisations = Dictionary(
            uniqueKeysWithValues: conformance.organisations.map { (String($0.code), Self.named($0.verdicts)) })
        #expect(organisations == oracle["organisations"] as? [String: [String: Int]])
        // Each suite line's ODF versions add up to its documents.
        for suite in conformance.suites {
            #expect(suite.odfVersions.reduce(0) { $0 + $1.documents } == suite.verdicts.total)
        }

        // The JSON output with the section still follows the shipped report schema.
        let schemaURL = Fixtures.repositoryRoot.appendingPathComponent("Sources/Reporting/Resources/report.schema.json")
        let check = JSONSchemaCheck(schema: try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: schemaURL)))
        let directory = try Fixtures.temporaryDirectory("conformance-json")
        let files = try ReportRenderer(geometry: try MunicipalityGeometry.denmark()).write(
            report, options: RenderOptions(formats: [.json], outputDirectory: directory, stem: "national"))
        let json = try JSONDecoder().decode(JSONValue.self, from: try Data(contentsOf: try #require(files.first)))
        #expect(check.problems(in: json) == [])
        guard case .object(let top) = json else {
            Issue.record("the report JSON is not an object")
            return
        }
        #expect(top["conformance"] != nil)
    }

    /// The suite table's CSV (read back by Python's csv module) shows each line's count and share as the model
    /// has them, in Danish by default and in English with `--lang en`.
    @Test func theSuiteTableShowsCountsAndSharesInBothLanguages() async throws {
        let report = try GoldenReportTests.demoReport()
        let conformance = try #require(report.conformance)
        let renderer = ReportRenderer(geometry: try MunicipalityGeometry.denmark())
        for language in [ReportLanguage.danish, .english] {
            let directory = try Fixtures.temporaryDirectory("conformance-csv")
            let files = try renderer.write(
                report,
                options: RenderOptions(language: language, formats: [.csv], outputDirectory: directory, stem: "r"))
            let table = try #require(files.first { $0.lastPathComponent == "r-conformance-suites.csv" })
            let script = """
                import csv, json, sys
                print(json.dumps(list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))))
                """
            let result = try await runProgram("python3", ["-c", script, table.path])
            try #require(result.status == 0, "python3: \(result.output)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String]])
            let header = try #require(rows.first)
            #expect(header.first == (language == .danish ? "Kontorpakke" : "Office suite"))
            #expect(header.contains(language == .danish ? "Gyldig med udvidelser (%)" : "Valid with extensions (%)"))
            // One row per suite line, then the total.
            #expect(rows.count == conformance.suites.count + 2)
            let checkedColumn = try #require(header.firstIndex(of: language == .danish ? "Kontrollerede" : "Checked"))
            let checked = rows.dropFirst().dropLast().map { $0[checkedColumn] }
            let style = language == .danish ? "." : ","
            #expect(
                checked.map { $0.replacingOccurrences(of: style, with: "") }
                    == conformance.suites.map { String($0.verdicts.total) })
        }
    }

    @Test func submissionsWithoutVerdictsAreNotMeasuredNeverZero() throws {
        let report = try SmallEstate.report()
        #expect(report.conformance == nil)
        let markdown = try ReadinessReportTests.markdown(report, .danish)
        #expect(markdown.contains("## Hvilke kontorpakker skriver gyldig ODF?"))
        #expect(markdown.contains("Ikke målt: ingen indberetning i denne rapport har kontrolleret ODF-dokumenterne"))
        #expect(markdown.contains("»Gyldig med udvidelser« er også gyldig ODF"))
        #expect(!markdown.contains("Efter kontorpakke og versionslinje"))

        // One authority measured; the others appear as not measured, in the list and in every cell of their row.
        var inputs = try SmallEstate.inputs()
        inputs.submissions[0] = try Self.withConformance(inputs.submissions[0])
        let mixed = try ReportBuilder.build(inputs)
        let conformance = try #require(mixed.conformance)
        #expect(conformance.measured.map(\.code) == [inputs.submissions[0].body.organisation.code])
        #expect(conformance.notMeasured.count == inputs.submissions.count - 1)
        #expect(conformance.verdicts.total == 10)
        let danish = try ReadinessReportTests.markdown(mixed, .danish)
        #expect(danish.contains("Indberettet uden kontrol (ikke målt, ikke 0 %)"))
        // The classifier's "unknown" product is named in the report's language, and sorts last.
        #expect(danish.contains("| Ukendt producent | (uoplyst) | ingen (1) | 1 |"))
        #expect(conformance.suites.last?.suite == "unknown")
        let english = try ReadinessReportTests.markdown(mixed, .english)
        #expect(english.contains("## Which office suites write valid ODF?"))
        #expect(english.contains("Submitted without the check (not measured, not 0%)"))
        #expect(english.contains("| Unknown producer | (not given) | none (1) | 1 |"))
        for name in conformance.notMeasured.map(\.name) {
            let row = try #require(
                english.split(separator: "\n").first { $0.hasPrefix("| \(name) |") && $0.contains("not measured") })
            #expect(!row.contains("0.0%"))
        }

        // An authority's own report shows its suites, and no table per authority.
        inputs.scope = .organisation(inputs.submissions[0].body.organisation.code)
        let own = try ReadinessReportTests.markdown(try ReportBuilder.build(inputs), .english)
        #expect(own.contains("By office suite and version line"))
        #expect(!own.contains("ODF documents checked, by authority"))
    }

    /// The submission with a conformance section: 6 LibreOffice 7.6 documents (4 extended conforming, 2 not
    /// conforming), 3 conforming Apache OpenOffice 4.1, 1 without version from a producer the catalog did not recognise.
    static func withConformance(_ submission: Submission) throws -> Submission {
        var body = submission.body
        body.documents.conformance = Submission.Conformance(
            measured: 10,
            counts: [
                .init(
                    verdict: .conforming, suite: "apache-openoffice", suiteVersionLine: "4.1", odfVersion: "1.2",
                    count: 3),
                .init(
                    verdict: .extendedConforming, suite: "libreoffice", suiteVersionLine: "7.6", odfVersion: "1.3",
                    count: 4),
                .init(
                    verdict: .notConforming, suite: "libreoffice", suiteVersionLine: "7.6", odfVersion: "1.3", count: 2),
                .init(verdict: .unknownVersion, suite: "unknown", suiteVersionLine: nil, odfVersion: nil, count: 1),
            ])
        return try Submission(body: body)
    }
}
