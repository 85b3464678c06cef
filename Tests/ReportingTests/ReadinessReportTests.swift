import Catalog
import Foundation
import Geography
import OverblikModel
import Reporting
import Submissions
import TestSupport
import Testing

/// The readiness section and the business case's rework estimate, against an independent reading of the same
/// submission files (Python's json module sums them) and against the assumptions they rest on.
@Suite struct ReadinessReportTests {
    /// What Python makes of the 2026 demo submissions: per feature, the documents with it; the authorities that
    /// measured and those that did not; the documents measured; macro-bearing templates and workbooks.
    static func oracle() async throws -> [String: Any] {
        let script = """
            import glob, json, sys
            MACROS = {"vba", "basic", "scripts", "xlm-macros"}
            TEMPLATES = {"ott", "ots", "otp", "otg", "otm", "stw", "stc", "sti", "std", "dotx", "dotm", "dot",
                         "xltx", "xltm", "xlt", "potx", "potm", "pot"}
            WORKBOOKS = {"xlsx", "xlsm", "xlsb", "xls", "xlam", "xla", "ods", "fods", "sxc"}
            out = {"features": {}, "measured": 0, "not_measured": 0, "documents": 0, "rework": 0, "by_age": {}}
            for path in sorted(glob.glob(sys.argv[1] + "/*.json")):
                readiness = json.load(open(path))["body"]["documents"].get("readiness")
                if readiness is None:
                    out["not_measured"] += 1
                    continue
                out["measured"] += 1
                out["documents"] += readiness["measured"]
                for row in readiness["counts"]:
                    out["features"][row["feature"]] = out["features"].get(row["feature"], 0) + row["count"]
                    if row["feature"] in MACROS:
                        age = 2026 - row["year"]
                        band = "0-2" if age <= 2 else "3-5" if age <= 5 else "6-10" if age <= 10 else "11+"
                        out["by_age"][band] = out["by_age"].get(band, 0) + row["count"]
                        if row["format"] in TEMPLATES or row["format"] in WORKBOOKS:
                            out["rework"] += row["count"]
            print(json.dumps(out))
            """
        let result = try await runProgram("python3", ["-c", script, Fixtures.url("demo/submissions/2026").path])
        try #require(result.status == 0, "python3: \(result.output)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    }

    @Test func theDemoReportsReadinessIsWhatTheSubmissionsSay() async throws {
        let report = try GoldenReportTests.demoReport()
        let oracle = try await Self.oracle()
        let readiness = try #require(report.readiness)
        #expect(readiness.measured.count == oracle["measured"] as? Int)
        #expect(readiness.notMeasured.count == oracle["not_measured"] as? Int)
        #expect(readiness.documents == oracle["documents"] as? Int)
        let features = Dictionary(uniqueKeysWithValues: readiness.features.map { ($0.feature.rawValue, $0.documents) })
        #expect(features == oracle["features"] as? [String: Int])
        var byAge: [String: Int] = [:]
        for row in readiness.macros { for (band, count) in row.byAge { byAge[band.rawValue, default: 0] += count } }
        #expect(byAge == oracle["by_age"] as? [String: Int])
        // The estimate is the measured count times the two assumptions, and nothing else.
        let estimate = try #require(report.businessCase.macroRework)
        let assumptions = try Assumptions.defaults()
        #expect(estimate.templatesAndWorkbooks == oracle["rework"] as? Int)
        #expect(estimate.hours == Double(estimate.templatesAndWorkbooks) * assumptions.hoursPerMacroTemplateOrWorkbook)
        #expect(estimate.cost == estimate.hours * assumptions.hourlyRate)
        #expect(estimate.organisations.reduce(0) { $0 + $1.templatesAndWorkbooks } == estimate.templatesAndWorkbooks)

        // The JSON output with the readiness section and the estimate still follows the shipped report schema.
        let schemaURL = Fixtures.repositoryRoot.appendingPathComponent("Sources/Reporting/Resources/report.schema.json")
        let check = JSONSchemaCheck(schema: try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: schemaURL)))
        let directory = try Fixtures.temporaryDirectory("readiness-json")
        let files = try ReportRenderer(geometry: try MunicipalityGeometry.denmark()).write(
            report, options: RenderOptions(formats: [.json], outputDirectory: directory, stem: "national"))
        let json = try JSONDecoder().decode(JSONValue.self, from: try Data(contentsOf: try #require(files.first)))
        #expect(check.problems(in: json) == [])
        guard case .object(let top) = json, case .object(let business)? = top["business_case"] else {
            Issue.record("no business_case object in the report JSON")
            return
        }
        #expect(top["readiness"] != nil && business["macro_rework"] != nil)
    }

    @Test func editedAssumptionsChangeTheEstimateAndTheReportSaysItIsOne() throws {
        let directory = try Fixtures.temporaryDirectory("readiness-assumptions")
        let file = directory.appendingPathComponent("assumptions.yaml")
        try "hours_per_macro_template_or_workbook: 3\nhourly_rate: 1000\n".write(
            to: file, atomically: true, encoding: .utf8)
        let edited = try Assumptions.load(file)
        #expect(edited.hoursPerMacroTemplateOrWorkbook == 3 && edited.hourlyRate == 1000)
        #expect(edited.licencePricePerSeatPerYear == (try Assumptions.defaults()).licencePricePerSeatPerYear)
        var inputs = try SmallEstate.inputs()
        inputs.submissions = try inputs.submissions.map { try Self.withReadiness($0) }
        inputs.assumptions = edited
        let report = try ReportBuilder.build(inputs)
        let estimate = try #require(report.businessCase.macroRework)
        // Each submission below carries one macro-bearing workbook and one macro-bearing document.
        #expect(estimate.templatesAndWorkbooks == inputs.submissions.count)
        #expect(estimate.cost == Double(inputs.submissions.count) * 3 * 1000)
        let markdown = try Self.markdown(report, .danish)
        #expect(markdown.contains("SKØN UD FRA ANTAGELSER, IKKE ET MÅLT TAL"))
        #expect(markdown.contains("Timer pr. skabelon eller projektmappe med makroer"))
        #expect(try Self.markdown(report, .english).contains("AN ESTIMATE FROM ASSUMPTIONS, NOT A MEASURED FIGURE"))

        // A negative rate is refused, naming the key.
        try "hourly_rate: -5\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(
            throws: ReportError.invalidAssumptions(
                file: "assumptions.yaml", key: "hourly_rate", reason: "must be 0 or more")
        ) {
            try Assumptions.load(file)
        }
    }

    @Test func submissionsWithoutReadinessAreNotMeasuredNeverZero() throws {
        let report = try SmallEstate.report()
        #expect(report.readiness == nil)
        #expect(report.businessCase.macroRework == nil)
        let markdown = try Self.markdown(report, .danish)
        #expect(markdown.contains("## Dokumenter der kræver opmærksomhed ved overgang til ODF"))
        #expect(markdown.contains("Ikke målt: ingen indberetning i denne rapport har målt dokumenternes egenskaber"))
        #expect(!markdown.contains("VBA-makroer"))

        // One authority measured, the others listed as not measured.
        var inputs = try SmallEstate.inputs()
        inputs.submissions[0] = try Self.withReadiness(inputs.submissions[0])
        let mixed = try ReportBuilder.build(inputs)
        let readiness = try #require(mixed.readiness)
        #expect(readiness.measured.map(\.code) == [inputs.submissions[0].body.organisation.code])
        #expect(readiness.notMeasured.count == inputs.submissions.count - 1)
        #expect(try Self.markdown(mixed, .danish).contains("Indberettet uden målingen (ikke målt, ikke nul)"))
    }

    /// The submission with a readiness section: one macro-bearing workbook (`xls`, VBA, 2012) and one document
    /// (`doc`, VBA, 2025), one signed document, out of its readable documents.
    static func withReadiness(_ submission: Submission) throws -> Submission {
        var body = submission.body
        body.documents.readiness = Submission.Readiness(
            measured: body.documents.counts.reduce(0) { $0 + $1.count },
            counts: [
                .init(feature: .vba, family: .legacy, format: "doc", year: 2025, count: 1),
                .init(feature: .vba, family: .legacy, format: "xls", year: 2012, count: 1),
                .init(feature: .signed, family: .ooxml, format: "docx", year: 2025, count: 1),
            ])
        return try Submission(body: body)
    }

    static func markdown(_ report: Report, _ language: ReportLanguage) throws -> String {
        let directory = try Fixtures.temporaryDirectory("readiness-md")
        let files = try ReportRenderer(geometry: try MunicipalityGeometry.denmark()).write(
            report, options: RenderOptions(language: language, formats: [.md], outputDirectory: directory, stem: "r"))
        return try String(contentsOf: try #require(files.first), encoding: .utf8)
    }
}
