import Foundation
import Geography
import OverblikModel
@testable import Reporting
import TestSupport
import Testing

/// Escaping, languages, CSV dialects and the assumptions file.
@Suite struct RenderingTests {
    let renderer: ReportRenderer

    init() throws {
        renderer = ReportRenderer(geometry: try MunicipalityGeometry.denmark())
    }

    @Test func htmlEscapesInventoryTextAndIsSelfContained() throws {
        let html = renderer.html(try SmallEstate.report(), language: .danish)
        #expect(!html.contains("<script>"))
        #expect(!html.contains("<b>Vi</b>"))
        #expect(html.contains("&lt;b&gt;Vi&lt;/b&gt; &amp; &quot;co&quot;"))
        #expect(html.contains("&lt;script&gt;x&lt;/script&gt;"))
        // Self-contained: no scripts, no external requests.
        #expect(!html.contains("<script"))
        #expect(!html.contains("src=\"http"))
        #expect(!html.contains("href=\"http"))
        #expect(!html.contains("@import"))
        // Accessible: table captions, header cells, titled charts and map.
        #expect(html.contains("<caption>"))
        #expect(html.contains("<th scope=\"col\">"))
        #expect(html.contains("role=\"img\" aria-labelledby=\"map-title\""))
        // The map draws all 98 municipalities, hatches those without data, outlines the 5 regions.
        #expect(html.components(separatedBy: "<path d=").count - 1 == 98 + 5)
        #expect(html.contains("fill=\"url(#nodata)\""))
        #expect(html.contains("@media print"))
    }

    @Test func csvCellsNeverBecomeFormulas() throws {
        let tables = renderer.csvTables(try SmallEstate.report(), language: .english, options: CSVOptions())
        let titles = try #require(tables.first { $0.id == "unknown-titles" })
        let text = String(decoding: titles.data, as: UTF8.self)
        #expect(text.hasPrefix("\u{FEFF}"))
        #expect(text.contains("'=SUM(1+1)"))
        #expect(!text.contains(",=SUM") && !text.contains("\n=SUM"))
        let authorities = String(decoding: try #require(tables.first { $0.id == "authorities" }).data, as: UTF8.self)
        #expect(authorities.contains("\"<b>Vi</b> & \"\"co\"\" <script>alert(1)</script>\""))
        for raw in ["=1+1", "+1", "-2+3", "@SUM(A1)", "\tx", "\u{FF1D}1"] {
            #expect(CSVRenderer.field(raw, CSVOptions()).hasPrefix("'"), "\(raw) must be neutralised")
        }
        #expect(CSVRenderer.field("Aarhus", CSVOptions()) == "Aarhus")
    }

    @Test func danishExcelCSVUsesSemicolonsAndDecimalCommas() throws {
        let tables = renderer.csvTables(try SmallEstate.report(), language: .danish, options: .danishExcel)
        let regions = String(decoding: try #require(tables.first { $0.id == "regions" }).data, as: UTF8.self)
        #expect(regions.hasPrefix("\u{FEFF}Region;Kommuner;Indberettet;"))
        // Region Hovedstaden: 29 municipalities, 3 reported, ODF share 300/1400.
        #expect(regions.contains("Region Hovedstaden;29;3;2;2;0,2143;1450"))
    }

    @Test func markdownEscapesInventoryText() throws {
        let markdown = renderer.markdown(try SmallEstate.report(), language: .english)
        #expect(!markdown.contains("<script>"))
        #expect(markdown.contains("\\<script\\>x\\</script\\>"))
        #expect(markdown.contains("| Code | Name |"))
    }

    @Test func bothLanguagesFromOneTable() throws {
        let report = try SmallEstate.report(compare: true)
        let danish = renderer.html(report, language: .danish)
        let english = renderer.html(report, language: .english)
        #expect(danish.contains("<html lang=\"da\">"))
        #expect(english.contains("<html lang=\"en\">"))
        #expect(danish.contains("Hovedtal") && !danish.contains(">Headline<"))
        #expect(english.contains("Headline") && !english.contains(">Hovedtal<"))
        #expect(danish.contains("Udvikling") && english.contains("Trends"))
        // Authority names stay official Danish in both.
        for html in [danish, english] {
            #expect(html.contains("Københavns Kommune"))
            #expect(html.contains("Region Hovedstaden"))
        }
        #expect(danish.contains("21,4 %"))
        #expect(english.contains("21.4%"))
        for label in Label.allCases {
            #expect(!label.text(.danish).isEmpty && !label.text(.english).isEmpty, "\(label)")
            #expect(Label.texts.filter { $0(label) != nil }.count == 1, "\(label) is in more than one table")
        }
    }

    @Test func syntheticAndPublicEvidenceReportsSaySo() throws {
        var inputs = try SmallEstate.inputs()
        inputs.submissions = try inputs.submissions.map { submission in
            var body = submission.body
            body.synthetic = true
            return try Submission(body: body)
        }
        let synthetic = try ReportBuilder.build(inputs)
        #expect(synthetic.synthetic)
        #expect(renderer.html(synthetic, language: .danish).contains("SYNTETISKE DATA"))
        #expect(renderer.html(synthetic, language: .english).contains("SYNTHETIC DATA"))
        inputs.submissions = []
        let lowerBound = try ReportBuilder.build(inputs)
        #expect(lowerBound.publicEvidenceOnly)
        #expect(renderer.html(lowerBound, language: .english).contains("LOWER BOUND"))
        #expect(lowerBound.headline.os2Any.municipalities == 1)  // only 147's public OS2mo pilot
    }

    @Test func assumptionsDefaultsOverridesAndErrors() throws {
        let defaults = try Assumptions.defaults()
        #expect(defaults.os2MembershipPerYear == 25_000)
        #expect(defaults.experienceGroupFeePerYear == 20_000)
        #expect(defaults.licencePricePerSeatPerYear > 0)
        let override = try Assumptions.parse(
            Data("licence_price_per_seat_per_year: 2500\n".utf8), file: "a.yaml", base: defaults)
        #expect(override.licencePricePerSeatPerYear == 2500)
        #expect(override.os2MembershipPerYear == 25_000)
        let json = try Assumptions.parse(
            Data(#"{"training_cost_per_seat": 10.5}"#.utf8), file: "a.json", base: defaults)
        #expect(json.trainingCostPerSeat == 10.5)
        #expect(throws: ReportError.self) {
            try Assumptions.parse(Data("licence_price: 1\n".utf8), file: "a.yaml", base: defaults)
        }
        #expect(throws: ReportError.self) {
            try Assumptions.parse(Data("migration_cost_per_seat: -1\n".utf8), file: "a.yaml", base: defaults)
        }
        #expect(throws: ReportError.self) {
            try Assumptions.parse(Data("migration_cost_per_seat: lots\n".utf8), file: "a.yaml", base: defaults)
        }
        // Printed in every report.
        let html = renderer.html(try SmallEstate.report(), language: .english)
        #expect(html.contains("OS2 membership per year"))
        #expect(html.contains("25,000 DKK"))
    }

    @Test func filesAreWrittenWhole() throws {
        let directory = try Fixtures.temporaryDirectory("report-files")
        let files = try renderer.write(
            try SmallEstate.report(),
            options: RenderOptions(
                formats: [.html, .md, .csv, .json, .ods, .odt], outputDirectory: directory, stem: "national"))
        #expect(files.contains { $0.lastPathComponent == "national-office-suites.csv" })
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(!names.contains { $0.hasPrefix(".") || $0.hasSuffix(".tmp") })
        #expect(Set(names) == Set(files.map(\.lastPathComponent)))
    }
}
