import Geography
import OverblikModel

extension ReportBuilder {
    /// The conformance section over the authorities in scope; nil when none of their submissions carries verdicts.
    static func conformance(_ scoped: [AuthorityFacts], catalog: CatalogView) -> Report.Conformance? {
        var measured: [Report.AuthorityRef] = []
        var notMeasured: [Report.AuthorityRef] = []
        var odfDocuments = 0
        var total = Report.VerdictCounts()
        var suites: [SuiteLine: Report.VerdictCounts] = [:]
        var suiteVersions: [SuiteLine: [String?: Int]] = [:]
        var versions: [String?: Report.VerdictCounts] = [:]
        var organisations: [Report.OrganisationConformance] = []
        for item in scoped {
            guard let submission = item.submission else { continue }
            let ref = Report.AuthorityRef(code: item.authority.code, name: item.authority.name)
            guard let conformance = submission.body.documents.conformance else {
                notMeasured.append(ref)
                continue
            }
            measured.append(ref)
            odfDocuments += item.documents.odf
            var own = Report.VerdictCounts()
            for row in conformance.counts {
                let line = SuiteLine(suite: row.suite, versionLine: row.suiteVersionLine)
                own.add(row.verdict, row.count)
                suites[line, default: Report.VerdictCounts()].add(row.verdict, row.count)
                suiteVersions[line, default: [:]][row.odfVersion, default: 0] += row.count
                versions[row.odfVersion, default: Report.VerdictCounts()].add(row.verdict, row.count)
            }
            total.add(own)
            organisations.append(Report.OrganisationConformance(code: ref.code, name: ref.name, verdicts: own))
        }
        guard !measured.isEmpty else { return nil }
        let suiteRows = suites.map { line, verdicts in
            Report.SuiteConformance(
                suite: line.suite, name: line.isKnown ? line.suite.flatMap { catalog.product($0)?.name } : nil,
                versionLine: line.versionLine,
                verdicts: verdicts,
                odfVersions: (suiteVersions[line] ?? [:]).map {
                    Report.VersionCount(version: $0.key, documents: $0.value)
                }
                .sorted { ($0.documents, $1.version ?? "") > ($1.documents, $0.version ?? "") })
        }
        return Report.Conformance(
            measured: measured, notMeasured: notMeasured, documents: total.total, odfDocuments: odfDocuments,
            verdicts: total, suites: suiteRows.sorted(by: suiteOrder),
            odfVersions: versions.map { Report.ODFVersionConformance(version: $0.key, verdicts: $0.value) }
                .sorted { compareVersionLines($0.version, $1.version) },
            organisations: organisations)
    }

    /// A producing suite and version line, the experience group's unit.
    private struct SuiteLine: Hashable {
        var suite: String?
        var versionLine: String?

        /// False for no producer, or one the classifier did not recognise (its `unknown` product).
        var isKnown: Bool { suite != nil && suite != Classification.unknownProduct }
    }

    /// Suites by name (ids the catalog has no name for next, unrecognised producers last), version lines in
    /// numeric order.
    private static func suiteOrder(_ a: Report.SuiteConformance, _ b: Report.SuiteConformance) -> Bool {
        func rank(_ row: Report.SuiteConformance) -> Int {
            if row.name != nil { return 0 }
            return row.suite != nil && row.suite != Classification.unknownProduct ? 1 : 2
        }
        if rank(a) != rank(b) { return rank(a) < rank(b) }
        let left = (a.name ?? a.suite ?? "").lowercased()
        let right = (b.name ?? b.suite ?? "").lowercased()
        if left != right { return left < right }
        if a.suite != b.suite { return (a.suite ?? "") < (b.suite ?? "") }
        return compareVersionLines(a.versionLine, b.versionLine)
    }
}
