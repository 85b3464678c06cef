import Catalog
import Foundation
import Geography
import OverblikModel
import Reporting

/// A small, hand-checked estate: three municipalities and one region of Region Hovedstaden.
///
/// 101 København: LibreOffice 7.6 (40 hosts, past end of life 2024-06-12) and 26.2 (10), OS2faktor installed
///   (10); documents 300 ODT, 100 DOCX, 50 PDF; 3 truncated files; a hostile comment and unknown title.
/// 147 Frederiksberg: Apache OpenOffice 4.1 (5), MS Office 2021 (15); declared OS2kitos in 2020 and retired it
///   in 2023; public evidence: OS2mo pilot 2024.
/// 151 Ballerup: MS Office 2016 (100, past end of life 2025-10-14) and 2021 (50); OS2forms only as
///   `steering`; SBSYS `uses` and `retired` on the same date (retired wins); Acadre in use; 900 DOCX, 100 DOC.
/// 1084 Region Hovedstaden: Microsoft 365 Apps (1000); OS2mo declared in KITOS.
/// The 2025 period: 101 without OS2faktor, 147 and 1084 as now, 151 did not submit.
enum SmallEstate {
    static let hostileComment = "<b>Vi</b> & \"co\" <script>alert(1)</script>"
    static let hostileTitle = "=SUM(1+1)"
    static let hostilePublisher = "<script>x</script>"

    static func date(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text + "T00:00:00Z")!
    }

    static let stamp = CatalogStamp(version: "test", digest: "sha256:" + String(repeating: "0", count: 64))

    static func submission(
        _ code: Int, name: String, kind: String, period: String, hosts: Int,
        installations: [Submission.InstallationCount], documents: [Submission.DocumentCount] = [],
        errors: [Submission.ErrorCount] = [], usage: [UsageDeclaration] = [], comment: String? = nil,
        unknownTitles: [Submission.UnknownTitle]? = nil
    ) throws -> Submission {
        let created = date(period == "2026" ? "2026-06-01" : "2025-06-01")
        return try Submission(
            body: Submission.Body(
                organisation: .init(code: code, name: name, kind: kind), period: period, created: created,
                catalog: stamp, comment: comment, synthetic: false,
                documents: .init(asOf: documents.isEmpty ? nil : created, counts: documents, errors: errors),
                installations: .init(asOf: created, hosts: hosts, counts: installations), usage: usage,
                unknownTitles: unknownTitles))
    }

    static func doc(
        _ family: DocumentFamily, _ format: String, _ suite: String?, _ line: String?, _ count: Int
    )
        -> Submission.DocumentCount
    {
        .init(
            family: family, format: format, suite: suite, suiteVersionLine: line,
            odfVersion: family == .odf ? "1.3" : nil, year: 2026, count: count)
    }

    static func declaration(
        _ code: Int, _ product: String, _ relation: UsageRelation, _ date: String, _ kind: EvidenceKind
    )
        -> UsageDeclaration
    {
        UsageDeclaration(
            organisation: code, product: product, relation: relation, date: date, evidence: "test", evidenceKind: kind)
    }

    static func copenhagen(_ period: String) throws -> Submission {
        var installations: [Submission.InstallationCount] = [
            .init(product: "libreoffice", versionLine: "7.6", hosts: 40)
        ]
        if period == "2026" {
            installations += [
                .init(product: "libreoffice", versionLine: "26.2", hosts: 10),
                .init(product: "os2faktor", versionLine: nil, hosts: 10),
            ]
        }
        return try submission(
            101, name: "Københavns Kommune", kind: "municipality", period: period, hosts: 60,
            installations: installations,
            documents: [
                doc(.odf, "odt", "libreoffice", "7.6", 300), doc(.ooxml, "docx", "ms-office", "16", 100),
                doc(.other, "pdf", nil, nil, 50),
            ],
            errors: [.init(kind: .truncated, count: 3)], comment: period == "2026" ? hostileComment : nil,
            unknownTitles: [.init(title: hostileTitle, publisher: hostilePublisher, count: 4)])
    }

    static func frederiksberg(_ period: String) throws -> Submission {
        try submission(
            147, name: "Frederiksberg Kommune", kind: "municipality", period: period, hosts: 20,
            installations: [
                .init(product: "apache-openoffice", versionLine: "4.1", hosts: 5),
                .init(product: "ms-office", versionLine: "2021", hosts: 15),
            ],
            usage: [
                declaration(147, "os2kitos", .uses, "2020", .usageDeclaration),
                declaration(147, "os2kitos", .retired, "2023", .usageDeclaration),
            ])
    }

    static func ballerup() throws -> Submission {
        try submission(
            151, name: "Ballerup Kommune", kind: "municipality", period: "2026", hosts: 150,
            installations: [
                .init(product: "ms-office", versionLine: "2016", hosts: 100),
                .init(product: "ms-office", versionLine: "2021", hosts: 50),
            ],
            documents: [doc(.ooxml, "docx", "ms-office", "16", 900), doc(.legacy, "doc", nil, nil, 100)],
            errors: [.init(kind: .badCRC, count: 2)],
            usage: [
                declaration(151, "os2forms", .steering, "2024", .usageDeclaration),
                declaration(151, "sbsys", .uses, "2021", .usageDeclaration),
                declaration(151, "sbsys", .retired, "2021", .usageDeclaration),
                declaration(151, "acadre", .uses, "2022", .usageDeclaration),
            ])
    }

    static func region(_ period: String) throws -> Submission {
        try submission(
            1084, name: "Region Hovedstaden", kind: "region", period: period, hosts: 1000,
            installations: [.init(product: "microsoft-365-apps", versionLine: nil, hosts: 1000)],
            usage: [declaration(1084, "os2mo", .uses, "2025", .kitos)])
    }

    static let evidence = [declaration(147, "os2mo", .pilot, "2024", .publicEvidence)]

    static let assumptions = Assumptions(
        licencePricePerSeatPerYear: 1000, migrationCostPerSeat: 100, trainingCostPerSeat: 50,
        os2MembershipPerYear: 25_000, experienceGroupFeePerYear: 20_000, source: "test")

    static func inputs(scope: ReportScope = .national, compare: Bool = false) throws -> ReportInputs {
        ReportInputs(
            submissions: [try copenhagen("2026"), try frederiksberg("2026"), try ballerup(), try region("2026")],
            earlierSubmissions: compare ? [try copenhagen("2025"), try frederiksberg("2025"), try region("2025")] : [],
            evidence: evidence, evidenceSources: ["test-evidence.tsv"], catalog: try ProductCatalog.bundled(),
            directory: .denmark, assumptions: assumptions, scope: scope, period: "2026",
            compareTo: compare ? "2025" : nil, generated: date("2026-07-01"))
    }

    static func report(scope: ReportScope = .national, compare: Bool = false) throws -> Report {
        try ReportBuilder.build(try inputs(scope: scope, compare: compare))
    }
}
