import Catalog
import Foundation
import Geography
import OverblikModel
import Reporting
import TestSupport
import Testing

/// Our ODT and ODS: valid against the ODF 1.3 RELAX NG schema (Jing), packaged as ODF requires (checked with
/// Python's zipfile, an independent reader), and opened by LibreOffice headless with the numbers read back.
/// Jing and LibreOffice are required: when missing, these tests fail (CI installs them).
@Suite(.tags(.odf)) struct ODFOutputTests {
    static let schemas = Fixtures.url("schemas/odf-1.3")

    func writeReports(_ report: Report, language: ReportLanguage = .danish) throws -> (ods: URL, odt: URL) {
        let directory = try Fixtures.temporaryDirectory("report-odf")
        let renderer = ReportRenderer(geometry: try MunicipalityGeometry.denmark())
        let files = try renderer.write(
            report,
            options: RenderOptions(language: language, formats: [.ods, .odt], outputDirectory: directory, stem: "r"))
        return (files[0], files[1])
    }

    /// Unzips with Python's zipfile and returns the package's parts (name → bytes) and the first entry's layout.
    func unpack(_ url: URL) async throws -> (folder: URL, first: String) {
        let folder = try Fixtures.temporaryDirectory("odf-unpacked")
        let script = """
            import sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            first = z.infolist()[0]
            print(first.filename, first.compress_type, len(first.extra), z.read(first).decode())
            z.extractall(sys.argv[2])
            """
        let result = try await runProgram("python3", ["-c", script, url.path, folder.path])
        try #require(result.status == 0, "python3 zipfile failed: \(result.output)")
        return (folder, result.output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func validate(_ url: URL, mediaType: String) async throws {
        try #require(onPath("jing"), "jing is required (apt-get install jing)")
        let (folder, first) = try await unpack(url)
        // mimetype first, stored (method 0), no extra field, holding the media type.
        #expect(first == "mimetype 0 0 \(mediaType)")
        let main = Self.schemas.appendingPathComponent("OpenDocument-v1.3-schema.rng").path
        let manifest = Self.schemas.appendingPathComponent("OpenDocument-v1.3-manifest-schema.rng").path
        for part in ["content.xml", "styles.xml", "meta.xml"] {
            // -i: the ODF schemas use ID types Jing's compatibility checker rejects; validity is unaffected.
            let result = try await runProgram("jing", ["-i", main, folder.appendingPathComponent(part).path])
            #expect(result.status == 0, "\(url.lastPathComponent)/\(part): \(result.output)")
        }
        let result = try await runProgram(
            "jing", ["-i", manifest, folder.appendingPathComponent("META-INF/manifest.xml").path])
        #expect(result.status == 0, "manifest: \(result.output)")
        let meta = try String(contentsOf: folder.appendingPathComponent("meta.xml"), encoding: .utf8)
        #expect(meta.contains("<meta:generator>Overblik/\(ToolInfo.version)</meta:generator>"))
    }

    @Test func odsAndODTAreValidODF13() async throws {
        let (ods, odt) = try writeReports(try SmallEstate.report(compare: true))
        try await validate(ods, mediaType: "application/vnd.oasis.opendocument.spreadsheet")
        try await validate(odt, mediaType: "application/vnd.oasis.opendocument.text")
    }

    @Test func odsStoresNumbersAsNumbersDatesAsDatesAndTextAsString() async throws {
        let (ods, _) = try writeReports(try SmallEstate.report())
        let (folder, _) = try await unpack(ods)
        let content = try String(contentsOf: folder.appendingPathComponent("content.xml"), encoding: .utf8)
        #expect(content.contains("office:value-type=\"float\" office:value=\"1165\""))
        #expect(content.contains("office:value-type=\"percentage\" office:value=\"0.75\""))
        #expect(content.contains("office:value-type=\"date\" office:date-value=\"2026-06-01\""))
        #expect(content.contains("office:value-type=\"currency\" office:currency=\"DKK\""))
        // The hostile title is an escaped string cell, never a formula.
        #expect(content.contains("<text:p>=SUM(1+1)</text:p>"))
        #expect(!content.contains("table:formula"))
        #expect(content.contains("&lt;script&gt;x&lt;/script&gt;"))
    }

    @Test func libreOfficeReadsTheSpreadsheetAndTheDocument() async throws {
        try #require(onPath("soffice"), "LibreOffice is required (apt-get install libreoffice-calc-nogui)")
        let report = try SmallEstate.report()
        let (ods, odt) = try writeReports(report, language: .english)
        let out = try Fixtures.temporaryDirectory("lo-out")
        let profile = "-env:UserInstallation=file://" + out.appendingPathComponent("profile").path
        var result = try await runProgram(
            "soffice", [profile, "--headless", "--convert-to", "csv", "--outdir", out.path, ods.path])
        #expect(result.status == 0, "\(result.output)")
        // The first sheet is the office-suite table: read the numbers back.
        let csv = try String(contentsOf: out.appendingPathComponent("r.csv"), encoding: .utf8)
        let rows = csv.split(whereSeparator: \.isNewline).map { $0.split(separator: ",").map(String.init) }
        #expect(rows.first?.first == "Office suite")
        for suite in report.products where suite.kind == .officeSuite {
            let row = try #require(rows.first { $0.first == suite.name }, "\(suite.name) in \(csv)")
            #expect(row[2] == String(suite.municipalities.count))
            #expect(row[4] == String(suite.installations))
            #expect(row[5] == String(suite.unsupportedInstallations))
        }
        result = try await runProgram(
            "soffice", [profile, "--headless", "--convert-to", "txt:Text", "--outdir", out.path, odt.path])
        #expect(result.status == 0, "\(result.output)")
        let text = try String(contentsOf: out.appendingPathComponent("r.txt"), encoding: .utf8)
        #expect(text.contains("Headline"))
        #expect(text.contains("Københavns Kommune"))
        #expect(text.contains("2/98 municipalities, 1/5 regions"))
        result = try await runProgram(
            "soffice", [profile, "--headless", "--convert-to", "pdf", "--outdir", out.path, odt.path])
        #expect(result.status == 0, "\(result.output)")
        let pdf = try Data(contentsOf: out.appendingPathComponent("r.pdf"))
        #expect(pdf.starts(with: Data("%PDF".utf8)))
        #expect(pdf.count > 20_000)  // text, tables and the embedded map
    }

    @Test func pdfThroughTheRenderer() throws {
        try #require(onPath("soffice"), "LibreOffice is required (apt-get install libreoffice-writer-nogui)")
        let directory = try Fixtures.temporaryDirectory("report-pdf")
        let renderer = ReportRenderer(geometry: try MunicipalityGeometry.denmark())
        let files = try renderer.write(
            try SmallEstate.report(), options: RenderOptions(formats: [.pdf], outputDirectory: directory, stem: "n"))
        #expect(files.map(\.lastPathComponent) == ["n.pdf"])
        #expect(try Data(contentsOf: files[0]).starts(with: Data("%PDF".utf8)))
        #expect(throws: ReportError.libreOfficeMissing) {
            try renderer.write(
                try SmallEstate.report(),
                options: RenderOptions(
                    formats: [.pdf], outputDirectory: directory, stem: "m", soffice: "/nonexistent/soffice"))
        }
    }
}
