import Catalog
import Foundation
import Geography
import OverblikModel
import Reporting
import TestSupport
import Testing
import Submissions

/// The shipped demo estate (scripts/make-demo-estate.py) and the public-evidence fixture.
@Suite struct DemoEstateTests {
    static let folder = Fixtures.url("demo/submissions")

    func files(_ period: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(
            at: Self.folder.appendingPathComponent(period), includingPropertiesForKeys: nil
        ).filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
    }

    @Test func everySubmissionVerifiesAndItsDigestIsTheSwiftCanonicalForm() throws {
        let verifier = try SubmissionVerifier()
        let all = try files("2026") + files("2025")
        #expect(try files("2026").count == 103)
        #expect(try files("2025").count == 94)
        for url in all {
            let submission = try ReportInputFiles.readSubmission(url, verifier: verifier)
            #expect(submission.body.synthetic)
            // Python wrote the digest; Swift re-encodes the decoded body and must get the same bytes' hash.
            #expect(try SubmissionDigest.digest(of: submission.body) == submission.digest, "\(url.lastPathComponent)")
        }
    }

    @Test func demoReportIsMarkedSyntheticAndShowsTheSeedFigure() throws {
        let verifier = try SubmissionVerifier()
        let current = try files("2026").map { try ReportInputFiles.readSubmission($0, verifier: verifier) }
        let earlier = try files("2025").map { try ReportInputFiles.readSubmission($0, verifier: verifier) }
        let report = try ReportBuilder.build(
            ReportInputs(
                submissions: SubmissionSelection.latest(current, period: "2026"),
                earlierSubmissions: SubmissionSelection.latest(earlier, period: "2025"),
                catalog: try ProductCatalog.bundled(), directory: .denmark, assumptions: try Assumptions.defaults(),
                period: "2026", compareTo: "2025"))
        #expect(report.synthetic)
        #expect(report.coverage.municipalities.reported == 98)
        #expect(report.headline.os2Any.municipalities == 93)
        #expect(report.headline.os2Any.regions == 5)
        #expect(report.trends?.reportedBefore == 94)
        #expect(report.products.contains { $0.kind == .officeSuite && $0.unsupportedInstallations > 0 })
        let html = ReportRenderer(geometry: try MunicipalityGeometry.denmark()).html(report, language: .danish)
        #expect(html.contains("SYNTETISKE DATA"))
        // The demo's hostile unknown titles arrive escaped.
        #expect(!html.contains("<script>alert"))
    }

    @Test func publicEvidenceReportIsALowerBound() throws {
        let url = Fixtures.url("usage/os2-usage-evidence.tsv")
        let (declarations, diagnostics) = try ReportInputFiles.readEvidence(
            url, directory: .denmark, catalog: try ProductCatalog.bundled())
        #expect(diagnostics.isEmpty)
        #expect(declarations.count == 149)
        let report = try ReportBuilder.build(
            ReportInputs(
                submissions: [], evidence: declarations, evidenceSources: [url.lastPathComponent],
                catalog: try ProductCatalog.bundled(), directory: .denmark, assumptions: try Assumptions.defaults(),
                period: "2025"))
        #expect(report.publicEvidenceOnly)
        #expect(report.coverage.municipalities.reported == 0)
        // Independently counted from the TSV (python3: authorities with a row whose newest relation per product
        // is uses/pilot/agreement/signed-agreement for an os2* product other than the `os2` membership).
        #expect(report.headline.os2Any.municipalities == Self.expectedPublicOS2Municipalities)
        #expect(
            report.headline.os2Any.evidence[.publicEvidence] == report.headline.os2Any.municipalities
                + report.headline.os2Any.regions)
    }

    static let expectedPublicOS2Municipalities = 34
}
