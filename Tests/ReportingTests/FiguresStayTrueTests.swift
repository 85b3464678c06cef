import Catalog
import Foundation
import Geography
import OverblikModel
@testable import Reporting
import TestSupport
import Testing

/// Issue 12's report defects, each on rendered output: freshness ranges, support judged per authority,
/// method breaks on a catalog digest, codes printed as codes, and the small text defects.
@Suite struct FiguresStayTrueTests {
    let renderer: ReportRenderer

    init() throws {
        renderer = ReportRenderer(geometry: try MunicipalityGeometry.denmark())
    }

    /// One authority's submission with its own data date (scans and inventory both as of `day`).
    static func submission(
        _ code: Int, name: String, day: String, installations: [Submission.InstallationCount],
        documents: [Submission.DocumentCount] = [], catalog: CatalogStamp = SmallEstate.stamp, period: String = "2026"
    ) throws -> Submission {
        let date = SmallEstate.date(day)
        return try Submission(
            body: Submission.Body(
                organisation: .init(code: code, name: name, kind: code > 1000 ? "region" : "municipality"),
                period: period, created: date, catalog: catalog, comment: nil, synthetic: false,
                documents: .init(asOf: documents.isEmpty ? nil : date, counts: documents, errors: []),
                installations: .init(
                    asOf: date, hosts: installations.reduce(0) { $0 + $1.hosts }, counts: installations),
                usage: [], unknownTitles: nil))
    }

    static func inputs(_ submissions: [Submission], earlier: [Submission] = []) throws -> ReportInputs {
        ReportInputs(
            submissions: submissions, earlierSubmissions: earlier, catalog: try ProductCatalog.bundled(),
            directory: .denmark, assumptions: SmallEstate.assumptions, period: "2026",
            compareTo: earlier.isEmpty ? nil : "2025", generated: SmallEstate.date("2026-12-01"))
    }

    /// Rows of a rendered CSV table (no BOM, comma separated, no quoted fields in these tables).
    func csvRows(_ report: Report, _ id: String, language: ReportLanguage = .danish) throws -> [[String]] {
        let table = try #require(
            renderer.csvTables(report, language: language, options: CSVOptions()).first { $0.id == id })
        let text = String(decoding: table.data, as: UTF8.self).replacingOccurrences(of: "\u{FEFF}", with: "")
        return text.split(separator: "\r\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    // MARK: - Freshness

    @Test func theRangeStartsAtTheOldestDataDateASubmissionNames() throws {
        var older = try Self.submission(
            101, name: "Københavns Kommune", day: "2026-08-01",
            installations: [
                .init(
                    product: "libreoffice", versionLine: "7.6", hosts: 3)
            ],
            documents: [SmallEstate.doc(.odf, "odt", "libreoffice", "7.6", 30)])
        // Its share was scanned in parts, the oldest in February; its oldest host inventory is from January.
        older.body.documents.oldest = SmallEstate.date("2026-02-10")
        older.body.installations.oldest = SmallEstate.date("2026-01-20")
        let newer = try Self.submission(
            147, name: "Frederiksberg Kommune", day: "2026-08-15", installations: [],
            documents: [SmallEstate.doc(.ooxml, "docx", "ms-office", "16", 70)])
        let report = try ReportBuilder.build(try Self.inputs([try Submission(body: older.body), newer]))
        #expect(report.headline.documentsFrom == "2026-02-10")
        #expect(report.headline.documentsAsOf == "2026-08-15")
        #expect(report.headline.installationsFrom == "2026-01-20")
    }

    @Test func theODFShareNamesTheRangeOfScanDatesBehindIt() throws {
        let odt = SmallEstate.doc(.odf, "odt", "libreoffice", "7.6", 30)
        let docx = SmallEstate.doc(.ooxml, "docx", "ms-office", "16", 70)
        let report = try ReportBuilder.build(
            try Self.inputs([
                try Self.submission(
                    101, name: "Københavns Kommune", day: "2026-03-01", installations: [], documents: [odt]),
                try Self.submission(
                    147, name: "Frederiksberg Kommune", day: "2026-08-15", installations: [], documents: [docx]),
            ]))
        #expect(report.headline.documentsFrom == "2026-03-01")
        #expect(report.headline.documentsAsOf == "2026-08-15")
        let markdown = renderer.markdown(report, language: .danish)
        let line = try #require(markdown.split(separator: "\n").first { $0.contains("dokumenter scannet") })
        #expect(line.contains("Data fra 2026-03-01 – 2026-08-15"), "\(line)")
        // One date when every scan is from the same day, as the other figures do.
        let single = try SmallEstate.report()
        let note = try #require(
            renderer.markdown(single, language: .english).split(separator: "\n").first {
                $0.contains("documents scanned")
            })
        #expect(note.contains("Data from 2026-06-01.") && !note.contains(" – 2026-06-01"), "\(note)")
    }

    // MARK: - Support on each authority's own data date

    /// LibreOffice 25.8 reached its end of life on 2026-06-12: supported on København's data date, not on
    /// Frederiksberg's. The table splits the line by status and the totals are its unsupported rows.
    @Test func supportIsJudgedOnEachAuthoritysDataDateAndTotalsAgreeWithTheTable() throws {
        let report = try ReportBuilder.build(
            try Self.inputs([
                try Self.submission(
                    101, name: "Københavns Kommune", day: "2026-03-01",
                    installations: [.init(product: "libreoffice", versionLine: "25.8", hosts: 30)]),
                try Self.submission(
                    147, name: "Frederiksberg Kommune", day: "2026-08-15",
                    installations: [
                        .init(product: "libreoffice", versionLine: "25.8", hosts: 12),
                        .init(product: "libreoffice", versionLine: "26.2", hosts: 5),
                    ]),
            ]))
        let libreoffice = try #require(report.products.first { $0.id == "libreoffice" })
        #expect(libreoffice.unsupportedInstallations == 12)
        #expect(libreoffice.versions.map(\.line) == ["25.8", "25.8", "26.2"])
        #expect(libreoffice.versions.map(\.installations) == [30, 12, 5])
        #expect(libreoffice.versions.map(\.supported) == [true, false, true])
        #expect(libreoffice.versions.map(\.endOfLife) == [nil, "2026-06-12", nil])
        #expect(report.organisations.first { $0.code == 147 }?.unsupportedInstallations == 12)
        #expect(report.organisations.first { $0.code == 101 }?.unsupportedInstallations == 0)
        try expectTotalsAgreeWithTheVersionTable(report)
    }

    @Test func totalsAgreeWithTheVersionTableOnTheSmallEstate() throws {
        try expectTotalsAgreeWithTheVersionTable(try SmallEstate.report())
    }

    /// "Uden support" per suite equals the sum of that suite's version-line rows marked unsupported.
    func expectTotalsAgreeWithTheVersionTable(_ report: Report) throws {
        let suites = try csvRows(report, "office-suites")
        let lines = try csvRows(report, "version-lines")
        #expect(
            suites.first == [
                "Kontorpakke", "Open source", "Kommuner", "Regioner", "Installationer", "Uden support", "Dokumenter",
            ])
        #expect(lines.first == ["Kontorpakke", "Version", "Installationer", "Understøttet", "Support ophørt"])
        for suite in suites.dropFirst() {
            let unsupported = lines.dropFirst().filter { $0[0] == suite[0] && $0[3] == "nej" }
                .reduce(0) { $0 + Int($1[2])! }
            #expect(Int(suite[5]) == unsupported, "\(suite[0])")
        }
        for product in report.products {
            let rows = product.versions.filter { $0.supported == false }.reduce(0) { $0 + $1.installations }
            #expect(rows == product.unsupportedInstallations, "\(product.id)")
        }
    }

    // MARK: - Method break

    @Test func aNewCatalogDigestUnderTheSameLabelIsAMethodBreak() throws {
        let edited = CatalogStamp(
            version: SmallEstate.stamp.version, digest: "sha256:" + String(repeating: "1", count: 64))
        let now = [
            try Self.submission(
                101, name: "Københavns Kommune", day: "2026-06-01",
                installations: [.init(product: "libreoffice", versionLine: "26.2", hosts: 3)])
        ]
        func before(_ stamp: CatalogStamp) throws -> [Submission] {
            [
                try Self.submission(
                    101, name: "Københavns Kommune", day: "2025-06-01",
                    installations: [.init(product: "libreoffice", versionLine: "24.8", hosts: 3)], catalog: stamp,
                    period: "2025")
            ]
        }
        let same = try ReportBuilder.build(try Self.inputs(now, earlier: try before(SmallEstate.stamp)))
        #expect(same.trends?.methodChanged == false)
        let changed = try ReportBuilder.build(try Self.inputs(now, earlier: try before(edited)))
        #expect(changed.trends?.methodChanged == true)
        #expect(renderer.html(changed, language: .danish).contains("BRUD I METODE"))
        #expect(!renderer.html(same, language: .danish).contains("BRUD I METODE"))
    }

    // MARK: - Codes

    /// Region and municipality codes are codes: `1084`, never the quantity `1.084` (or `1,084`).
    @Test func codesPrintAsCodesInEveryFormat() async throws {
        let report = try SmallEstate.report(scope: .region(1084), compare: true)
        for language in ReportLanguage.allCases {
            let grouped = language == .danish ? "1.084" : "1,084"
            let html = renderer.html(report, language: language)
            #expect(html.contains(">1084<") && !html.contains(">\(grouped)<"), "html \(language)")
            let markdown = renderer.markdown(report, language: language)
            #expect(markdown.contains("| 1084 |") && !markdown.contains(grouped), "md \(language)")
            let authorities = try csvRows(report, "authorities", language: language)
            #expect(authorities.contains { $0.first == "1084" })
            let directory = try Fixtures.temporaryDirectory("codes")
            let files = try renderer.write(
                report,
                options: RenderOptions(
                    language: language, formats: [.ods, .odt], outputDirectory: directory, stem: "r"))
            for file in files {
                let content = try await unzipEntry(file, "content.xml")
                #expect(
                    content.contains(
                        "table:style-name=\"ce_code\" office:value-type=\"float\" office:value=\"1084\">"),
                    "\(file.lastPathComponent) \(language)")
                #expect(!content.contains(">\(grouped)</text:p>"), "\(file.lastPathComponent) \(language)")
            }
        }
    }

    func unzipEntry(_ url: URL, _ entry: String) async throws -> String {
        let result = try await runProgram("unzip", ["-p", url.path, entry])
        try #require(result.status == 0, "unzip: \(result.output)")
        return result.output
    }

    // MARK: - Text defects

    @Test func noTableRepeatsAColumnName() throws {
        let report = try SmallEstate.report(compare: true)
        for language in ReportLanguage.allCases {
            for (id, data) in renderer.csvTables(report, language: language, options: CSVOptions()) {
                let header =
                    String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\u{FEFF}", with: "")
                    .split(separator: "\r\n").first.map { $0.split(separator: ",").map(String.init) } ?? []
                #expect(Set(header).count == header.count, "\(id) (\(language)): \(header)")
            }
        }
        let authorities = try csvRows(report, "authorities")
        #expect(authorities.first?.contains("Antal OS2-produkter") == true)
        #expect(authorities.first?.contains("OS2-produkter") == true)
    }

    @Test func theOpenSuiteRuleIsNamedOnce() throws {
        let report = try SmallEstate.report()
        let danish = renderer.markdown(report, language: .danish)
        #expect(!danish.contains("Åben kontorpakke: Åben ODF-kontorpakke:"))
        #expect(danish.contains("Brug: En myndighed bruger et produkt"))
        #expect(danish.contains(" Åben ODF-kontorpakke: en kontorpakke i kataloget"))
        let english = renderer.markdown(report, language: .english)
        #expect(!english.contains("Open office suite: Open ODF office suite:"))
    }

    @Test func otherEvidenceSaysNoneInsteadOfAnEmptyCount() throws {
        var inputs = try SmallEstate.inputs()
        inputs.evidence = []
        inputs.evidenceSources = []
        let method = try csvRows(try ReportBuilder.build(inputs), "method")
        #expect(method.contains(["Øvrige kilder", "ingen"]), "\(method)")
        #expect(!method.contains { $0.last == " (0)" })
        let withEvidence = try csvRows(try SmallEstate.report(), "method")
        #expect(withEvidence.contains { $0.first == "Øvrige kilder" && $0.last == "test-evidence.tsv (1)" })
    }
}
