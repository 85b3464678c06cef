import Geography
import Foundation
import OverblikModel

/// What the map colours municipalities by.
public enum MapMeasure: String, Sendable, CaseIterable {
    case os2Products = "os2-products"
    case odfShare = "odf-share"
    case openSuiteShare = "open-suite-share"
}

/// Lays a ``Report`` out as sections, tables, charts and a map, in one language: one function per section
/// (headline, map, office suites, which office suites write valid ODF, documents that need attention in a move to
/// ODF, OS2 products, ESDH, regions and authorities, trends, business case, data quality), in the order the report
/// shows them.
struct ReportComposer {
    let report: Report
    let language: ReportLanguage
    let directory: AuthorityDirectory
    let mapMeasure: MapMeasure
    let style: NumberStyle
    private let names: [Int: String]

    private init(_ report: Report, language: ReportLanguage, directory: AuthorityDirectory, mapMeasure: MapMeasure) {
        self.report = report
        self.language = language
        self.directory = directory
        self.mapMeasure = mapMeasure
        self.style = NumberStyle(language: language)
        self.names = Dictionary(uniqueKeysWithValues: directory.all.map { ($0.code, $0.name) })
    }

    static func compose(
        _ report: Report, language: ReportLanguage, directory: AuthorityDirectory, mapMeasure: MapMeasure
    ) -> ReportDocument {
        ReportComposer(report, language: language, directory: directory, mapMeasure: mapMeasure).document()
    }

    /// The label in the report's language.
    func t(_ label: Label) -> String { label.text(language) }

    /// An authority's official name, or its code when the directory does not know it.
    func name(_ code: Int) -> String { names[code] ?? String(code) }

    private func document() -> ReportDocument {
        let title: String
        switch report.scope.kind {
        case .national: title = t(.reportTitleNational)
        default: title = t(.reportTitleRegion) + " " + (report.scope.name ?? "")
        }
        var subtitle = t(.period) + " " + report.period
        if let compareTo = report.compareTo { subtitle += ", " + t(.comparedTo) + " " + compareTo }

        var sections = [headlineSection()]
        if report.scope.kind != .organisation { sections.append(mapSection()) }
        sections += [
            officeSuitesSection(), conformanceSection(), readinessSection(), os2ProductsSection(),
            documentManagementSection(), regionsSection(),
        ]
        if let trends = report.trends { sections.append(trendsSection(trends)) }
        sections += [businessCaseSection(), dataQualitySection()]
        return ReportDocument(
            title: title, subtitle: subtitle, language: language, currency: report.businessCase.assumptions.currency,
            generator: "\(ToolInfo.name.capitalized)/\(ToolInfo.version)", generated: report.generated,
            sections: sections)
    }

    // MARK: 1. Headline

    private func headlineSection() -> Section {
        var headline: [Block] = []
        if report.synthetic { headline.append(.notice(t(.syntheticBanner))) }
        if report.publicEvidenceOnly { headline.append(.notice(t(.lowerBoundBanner))) }
        headline.append(.figures(headlineFigures()))
        headline.append(.paragraph(t(.os2AnyNote) + " " + t(.openSuiteNote) + " " + t(.odfShareNote)))
        if report.scope.kind == .organisation, let profile = report.organisations.first {
            var facts = t(.dataDate) + ": " + (profile.dataDate ?? t(.notReported))
            if !profile.os2Products.isEmpty {
                facts +=
                    ". " + t(.os2Products) + ": "
                    + profile.os2Products.map { Self.productName($0, report) }.joined(separator: ", ")
            }
            headline.append(.paragraph(facts))
            if let comment = profile.comment { headline.append(.paragraph(t(.comment) + ": " + comment)) }
        }
        let coverage = report.coverage
        if coverage.municipalities.total + coverage.regions.total > 1 {
            let missing = coverage.municipalities.missing + coverage.regions.missing
            headline.append(
                .paragraph(
                    t(.missing) + " (\(missing.count)): "
                        + (missing.isEmpty ? t(.noneMissing) : missing.map(\.name).joined(separator: ", "))))
        }
        let d = report.headline.documents
        if d.total > 0 {
            headline.append(
                .chart(
                    Chart(
                        title: t(.documentFamilies), kind: .stacked, categories: [t(.documents)],
                        series: [
                            (t(.familyODF), [Double(d.odf)]), (t(.familyStarOffice), [Double(d.starOfficeXML)]),
                            (t(.familyOOXML), [Double(d.ooxml)]), (t(.familyLegacy), [Double(d.legacy)]),
                        ], percent: true)))
        }
        if let comparison = report.comparison { headline.append(comparisonTable(comparison)) }
        return Section(id: "headline", title: t(.headline), blocks: headline)
    }

    /// Coverage, OS2 use, open suites and the ODF share, each with the evidence and data dates behind it.
    private func headlineFigures() -> [(label: String, value: String, note: String)] {
        let coverage = report.coverage
        let head = report.headline
        var figures: [(label: String, value: String, note: String)] = []
        if coverage.municipalities.total + coverage.regions.total > 1 {
            figures.append(
                (
                    t(.coverage), counts(coverage.municipalities.reported, coverage.regions.reported),
                    t(.submissions) + ": \(coverage.municipalities.reported + coverage.regions.reported)"
                ))
        }
        figures.append(
            (t(.os2Any), counts(head.os2Any.municipalities, head.os2Any.regions), evidenceText(head.os2Any)))
        figures.append(
            (
                t(.openSuite),
                counts(head.openOfficeSuite.municipalities, head.openOfficeSuite.regions) + "; "
                    + style.integer(head.openOfficeSuiteHosts) + " " + t(.hosts),
                evidenceText(head.openOfficeSuite)
            ))
        var odfNote =
            t(.evidenceRestsOn) + ": " + t(.evidenceScan) + ", " + style.integer(head.documents.total) + " "
            + t(.documentsScanned)
        odfNote += freshness(head.documentsFrom ?? head.documentsAsOf, head.documentsAsOf)
        if let spread = head.odfShareSpread {
            odfNote +=
                ". " + t(.spread) + " (\(spread.authorities)): " + style.percent(spread.minimum) + " – "
                + style.percent(spread.median) + " – " + style.percent(spread.maximum)
        }
        figures.append((t(.odfShare), style.percent(head.odfShare), odfNote))
        return figures
    }

    /// "Data fra 2019 – 2026-11-13": every figure names the range of data dates behind it.
    private func freshness(_ oldest: String?, _ newest: String?) -> String {
        guard let oldest, let newest else { return "" }
        return ". " + t(.freshness) + " " + (oldest == newest ? newest : "\(oldest) – \(newest)")
    }

    private func evidenceText(_ count: Report.AuthorityCount) -> String {
        let kinds = count.evidence.sorted { $0.key.rawValue < $1.key.rawValue }.map {
            "\(Self.evidenceLabel($0.key, language)) (\($0.value))"
        }
        let text = t(.evidenceRestsOn) + ": " + (kinds.isEmpty ? t(.noData) : kinds.joined(separator: ", "))
        return text + freshness(count.oldestEvidence, count.newestEvidence)
    }

    /// "3/98 municipalities, 1/5 regions"; a single authority's report says yes or no.
    private func counts(_ municipalities: Int, _ regions: Int) -> String {
        let totals = (report.coverage.municipalities.total, report.coverage.regions.total)
        if totals.0 + totals.1 == 1 { return municipalities + regions > 0 ? t(.yes) : t(.no) }
        var parts: [String] = []
        if totals.0 > 0 { parts.append("\(municipalities)/\(totals.0) " + t(.municipalities).lowercased()) }
        if totals.1 > 0 { parts.append("\(regions)/\(totals.1) " + t(.regions).lowercased()) }
        return parts.joined(separator: ", ")
    }

    /// A region's or authority's measures beside its region's and the nation's.
    private func comparisonTable(_ comparison: [Report.Comparison]) -> Block {
        let rows: [[Cell]] = comparison.map { level in
            let label =
                switch level.level {
                case .nation: t(.nation)
                default: level.name
                }
            return [
                .text(label), .integer(level.authorities), .integer(level.reported),
                .decimal(level.os2ProductsPerAuthority, digits: 1), .percent(level.os2AnyShare),
                .percent(level.openSuiteShare), .percent(level.odfShare),
            ]
        }
        return .table(
            Table(
                id: "comparison", title: t(.profile),
                columns: [
                    t(.measure), t(.authorities), t(.reported), t(.os2Count), t(.os2AnyShort),
                    t(.openSuiteShort), t(.odfShare),
                ], rows: rows))
    }

    // MARK: 2. Map (national and regional reports)

    private func mapSection() -> Section {
        Section(
            id: "map", title: t(.map),
            blocks: [.map(Self.mapSpec(report, measure: mapMeasure, language: language))])
    }

    // MARK: Shared

    static func productName(_ id: String, _ report: Report) -> String {
        report.products.first { $0.id == id }?.name ?? id
    }

    static func evidenceLabel(_ kind: EvidenceKind, _ language: ReportLanguage) -> String {
        switch kind {
        case .inventory: Label.evidenceInventory.text(language)
        case .usageDeclaration: Label.evidenceDeclaration.text(language)
        case .kitos: Label.evidenceKitos.text(language)
        case .publicEvidence: Label.evidencePublic.text(language)
        case .documentScan: Label.evidenceScan.text(language)
        }
    }

    static func mapSpec(_ report: Report, measure: MapMeasure, language: ReportLanguage) -> MapSpec {
        let style = NumberStyle(language: language)
        var values: [Int: Double?] = [:]
        for org in report.organisations where org.kind == .municipality {
            switch measure {
            case .os2Products:
                // Public evidence reports have no submissions: a municipality without evidence is then no data.
                let known = org.reported || !org.os2Products.isEmpty
                values[org.code] = known ? Double(org.os2Products.count) : nil
            case .odfShare:
                values[org.code] = org.documents.odfShare
            case .openSuiteShare:
                let total = org.officeSuites.reduce(0) { $0 + $1.hosts }
                let open = org.officeSuites.filter(\.openSource).reduce(0) { $0 + $1.hosts }
                values[org.code] = total > 0 ? Double(open) / Double(total) : nil
            }
        }
        let title: String
        let breaks: [Double]
        let legend: [String]
        switch measure {
        case .os2Products:
            title = Label.mapMeasureOS2.text(language)
            // Classes: 0, then four equal ranges up to the highest count (the last open-ended).
            let top = max(4, Int((values.values.compactMap { $0 }.max() ?? 0).rounded(.up)))
            let step = max(1, Int((Double(top) / 4).rounded(.up)))
            breaks = [0.5] + (1...3).map { Double($0 * step) + 0.5 }
            legend =
                ["0"]
                + (0..<3).map { i in
                    let low = i * step + 1
                    let high = (i + 1) * step
                    return low == high ? "\(low)" : "\(low)–\(high)"
                } + ["≥ \(3 * step + 1)"]
        case .odfShare, .openSuiteShare:
            title = measure == .odfShare ? Label.mapMeasureODF.text(language) : Label.mapMeasureOpenSuite.text(language)
            breaks = [0.1, 0.2, 0.4, 0.6]
            legend = [
                "< " + style.percent(0.1), style.percent(0.1) + " – " + style.percent(0.2),
                style.percent(0.2) + " – " + style.percent(0.4), style.percent(0.4) + " – " + style.percent(0.6),
                "≥ " + style.percent(0.6),
            ]
        }
        return MapSpec(
            title: title, values: values, isShare: measure != .os2Products, breaks: breaks,
            legend: legend, noDataLabel: Label.mapNoData.text(language),
            attribution: Label.mapAttribution.text(language))
    }
}
