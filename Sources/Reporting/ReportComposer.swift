import Geography
import Foundation
import OverblikModel

/// What the map colours municipalities by.
public enum MapMeasure: String, Sendable, CaseIterable {
    case os2Products = "os2-products"
    case odfShare = "odf-share"
    case openSuiteShare = "open-suite-share"
}

/// Lays a ``Report`` out as sections, tables, charts and a map, in one language.
enum ReportComposer {
    static func compose(
        _ report: Report, language: ReportLanguage, directory: AuthorityDirectory, mapMeasure: MapMeasure
    ) -> ReportDocument {
        let t: (Label) -> String = { $0.text(language) }
        let style = NumberStyle(language: language)
        let names = Dictionary(uniqueKeysWithValues: directory.all.map { ($0.code, $0.name) })
        func name(_ code: Int) -> String { names[code] ?? String(code) }

        let title: String
        switch report.scope.kind {
        case "national": title = t(.reportTitleNational)
        default: title = t(.reportTitleRegion) + " " + (report.scope.name ?? "")
        }
        var subtitle = t(.period) + " " + report.period
        if let compareTo = report.compareTo { subtitle += ", " + t(.comparedTo) + " " + compareTo }

        var sections: [Section] = []

        // 1. Headline.
        var headline: [Block] = []
        if report.synthetic { headline.append(.notice(t(.syntheticBanner))) }
        if report.publicEvidenceOnly { headline.append(.notice(t(.lowerBoundBanner))) }
        let coverage = report.coverage
        // "Data fra 2019 – 2026-11-13": every figure names the range of data dates behind it.
        func freshness(_ oldest: String?, _ newest: String?) -> String {
            guard let oldest, let newest else { return "" }
            return ". " + t(.freshness) + " " + (oldest == newest ? newest : "\(oldest) – \(newest)")
        }
        func evidenceText(_ count: Report.AuthorityCount) -> String {
            let kinds = count.evidence.sorted { $0.key < $1.key }.map {
                "\(evidenceLabel($0.key, language)) (\($0.value))"
            }
            let text = t(.evidenceRestsOn) + ": " + (kinds.isEmpty ? t(.noData) : kinds.joined(separator: ", "))
            return text + freshness(count.oldestEvidence, count.newestEvidence)
        }
        let head = report.headline
        var figures: [(label: String, value: String, note: String)] = []
        // "3/98 municipalities, 1/5 regions"; a single authority's report says yes or no.
        func counts(_ municipalities: Int, _ regions: Int) -> String {
            let totals = (coverage.municipalities.total, coverage.regions.total)
            if totals.0 + totals.1 == 1 { return municipalities + regions > 0 ? t(.yes) : t(.no) }
            var parts: [String] = []
            if totals.0 > 0 { parts.append("\(municipalities)/\(totals.0) " + t(.municipalities).lowercased()) }
            if totals.1 > 0 { parts.append("\(regions)/\(totals.1) " + t(.regions).lowercased()) }
            return parts.joined(separator: ", ")
        }
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
        headline.append(.figures(figures))
        headline.append(.paragraph(t(.os2AnyNote) + " " + t(.openSuiteNote) + " " + t(.odfShareNote)))
        if report.scope.kind == "organisation", let profile = report.organisations.first {
            var facts = t(.dataDate) + ": " + (profile.dataDate ?? t(.notReported))
            if !profile.os2Products.isEmpty {
                facts +=
                    ". " + t(.os2Products) + ": "
                    + profile.os2Products.map { productName($0, report) }.joined(separator: ", ")
            }
            headline.append(.paragraph(facts))
            if let comment = profile.comment { headline.append(.paragraph(t(.comment) + ": " + comment)) }
        }
        if coverage.municipalities.total + coverage.regions.total > 1 {
            let missing = coverage.municipalities.missing + coverage.regions.missing
            headline.append(
                .paragraph(
                    t(.missing) + " (\(missing.count)): "
                        + (missing.isEmpty ? t(.noneMissing) : missing.map(\.name).joined(separator: ", "))))
        }
        if head.documents.total > 0 {
            let d = head.documents
            headline.append(
                .chart(
                    Chart(
                        title: t(.documentFamilies), kind: .stacked, categories: [t(.documents)],
                        series: [
                            (t(.familyODF), [Double(d.odf)]), (t(.familyStarOffice), [Double(d.starOfficeXML)]),
                            (t(.familyOOXML), [Double(d.ooxml)]), (t(.familyLegacy), [Double(d.legacy)]),
                        ], percent: true)))
        }
        if let comparison = report.comparison {
            let rows: [[Cell]] = comparison.map { level in
                let label =
                    switch level.level {
                    case "nation": t(.nation)
                    default: level.name
                    }
                return [
                    .text(label), .integer(level.authorities), .integer(level.reported),
                    .decimal(level.os2ProductsPerAuthority, digits: 1), .percent(level.os2AnyShare),
                    .percent(level.openSuiteShare), .percent(level.odfShare),
                ]
            }
            headline.append(
                .table(
                    Table(
                        id: "comparison", title: t(.profile),
                        columns: [
                            t(.measure), t(.authorities), t(.reported), t(.os2Count), t(.os2AnyShort),
                            t(.openSuiteShort), t(.odfShare),
                        ], rows: rows)))
        }
        sections.append(Section(id: "headline", title: t(.headline), blocks: headline))

        // 2. Map (national and regional reports).
        if report.scope.kind != "organisation" {
            sections.append(
                Section(
                    id: "map", title: t(.map),
                    blocks: [.map(mapSpec(report, measure: mapMeasure, language: language))]))
        }

        // 3. Office suites.
        let suites = report.products.filter { $0.kind == ProductFacts.officeSuite }
        var suiteBlocks: [Block] = [.paragraph(t(.officeSuitesIntro))]
        if suites.isEmpty {
            suiteBlocks.append(.paragraph(t(.noneFound)))
        } else {
            suiteBlocks.append(
                .table(
                    Table(
                        id: "office-suites", title: t(.officeSuites),
                        columns: [
                            t(.suite), t(.openSource), t(.municipalities), t(.regions), t(.installations),
                            t(.unsupported), t(.documents),
                        ],
                        rows: suites.map {
                            [
                                .text($0.name), .text($0.openSource ? t(.yes) : t(.no)),
                                .integer($0.municipalities.count), .integer($0.regions.count),
                                .integer($0.installations), .integer($0.unsupportedInstallations),
                                .integer($0.documents),
                            ]
                        })))
            let installed = suites.filter { $0.installations > 0 }
            if !installed.isEmpty {
                suiteBlocks.append(
                    .chart(
                        Chart(
                            title: t(.installationsBySuite), kind: .bars, categories: installed.map(\.name),
                            series: [(t(.installations), installed.map { Double($0.installations) })], percent: false)))
            }
            var versionRows: [[Cell]] = []
            for suite in suites {
                for version in suite.versions {
                    versionRows.append([
                        .text(suite.name), .text(version.line ?? t(.unknownLine)), .integer(version.installations),
                        .text(
                            version.supported == nil
                                ? t(.unknownSupport) : (version.supported == true ? t(.yes) : t(.no))),
                        version.endOfLife.map { .date($0) } ?? .empty,
                    ])
                }
            }
            if !versionRows.isEmpty {
                suiteBlocks.append(
                    .table(
                        Table(
                            id: "version-lines", title: t(.versionLines),
                            columns: [t(.suite), t(.versionLine), t(.installations), t(.supported), t(.endOfLife)],
                            rows: versionRows)))
            }
        }
        sections.append(Section(id: "office-suites", title: t(.officeSuites), blocks: suiteBlocks))

        // 4. OS2 products.
        let os2 = report.products.filter { $0.kind == ProductFacts.os2Product }
        let regionColumns = directory.regions.filter { region in report.regions.contains { $0.code == region.code } }
        var os2Blocks: [Block] = [.paragraph(t(.os2ProductsIntro))]
        if os2.isEmpty {
            os2Blocks.append(.paragraph(t(.noneFound)))
        } else {
            os2Blocks.append(
                .chart(
                    Chart(
                        title: t(.os2Chart), kind: .bars, categories: os2.map(\.name),
                        series: [(t(.authorities), os2.map { Double($0.municipalities.count + $0.regions.count) })],
                        percent: false)))
            os2Blocks.append(
                .table(
                    Table(
                        id: "os2-products", title: t(.os2Products),
                        columns: [t(.product), t(.governanceLevel), t(.municipalities), t(.regions)]
                            + regionColumns.map(\.shortName) + [t(.installations)],
                        rows: os2.map { product in
                            [
                                .text(product.name), product.governanceLevel.map { .integer($0) } ?? .empty,
                                .integer(product.municipalities.count), .integer(product.regions.count),
                            ]
                                + regionColumns.map { region in
                                    .integer(product.byRegion.first { $0.code == region.code }?.authorities ?? 0)
                                } + [.integer(product.installations)]
                        })))
        }
        sections.append(Section(id: "os2-products", title: t(.os2Products), blocks: os2Blocks))

        // 5. ESDH.
        let esdh = report.products.filter { $0.kind == ProductFacts.documentManagement }
        sections.append(
            Section(
                id: "esdh", title: t(.documentManagement),
                blocks: [.paragraph(t(.documentManagementIntro))]
                    + (esdh.isEmpty
                        ? [.paragraph(t(.noneFound))]
                        : [
                            .table(
                                Table(
                                    id: "esdh", title: t(.documentManagement),
                                    columns: [t(.system), t(.vendor), t(.authoritiesUsing), t(.name)],
                                    rows: esdh.map {
                                        [
                                            .text($0.name), .text($0.vendor ?? ""),
                                            .integer($0.municipalities.count + $0.regions.count),
                                            .text(($0.municipalities + $0.regions).map(name).joined(separator: ", ")),
                                        ]
                                    }))
                        ])))

        // 6. Regions and authority profiles.
        var regionBlocks: [Block] = []
        if report.scope.kind != "organisation" {
            regionBlocks.append(
                .table(
                    Table(
                        id: "regions", title: t(.regionTable),
                        columns: [
                            t(.region), t(.municipalities), t(.reported), t(.os2AnyShort), t(.openSuiteShort),
                            t(.odfShare), t(.documents),
                        ],
                        rows: report.regions.map {
                            [
                                .text($0.name), .integer($0.municipalities), .integer($0.reported), .integer($0.os2Any),
                                .integer($0.openOfficeSuite), .percent($0.documents.odfShare),
                                .integer($0.documents.total),
                            ]
                        })))
        }
        regionBlocks.append(
            .table(
                Table(
                    id: "authorities", title: t(.profiles),
                    columns: [
                        t(.code), t(.name), t(.region), t(.dataDate), t(.os2Count), t(.os2Products), t(.officeSuites),
                        t(.documentManagement), t(.documents), t(.odfShare), t(.unsupported), t(.comment),
                    ],
                    rows: report.organisations.map { org in
                        [
                            .code(org.code), .text(org.name), .text(org.regionName),
                            org.dataDate.map { .date($0) } ?? .text(org.reported ? "" : t(.notReported)),
                            .integer(org.os2Products.count),
                            .text(org.os2Products.map { productName($0, report) }.joined(separator: ", ")),
                            .text(
                                org.officeSuites.map { "\($0.name) (\(style.integer($0.hosts)))" }.joined(
                                    separator: ", ")),
                            .text(org.documentManagement.map { productName($0, report) }.joined(separator: ", ")),
                            .integer(org.documents.total), .percent(org.documents.odfShare),
                            .integer(org.unsupportedInstallations), .text(org.comment ?? ""),
                        ]
                    })))
        sections.append(Section(id: "regions", title: t(.regionsAndAuthorities), blocks: regionBlocks))

        // 7. Trends.
        if let trends = report.trends {
            var blocks: [Block] = [.paragraph(t(.trendsIntro))]
            if trends.methodChanged { blocks.append(.notice(t(.methodChanged))) }
            blocks.append(
                .table(
                    Table(
                        id: "trends", title: t(.trends), columns: [t(.measure), t(.before), t(.now), t(.change)],
                        rows: [
                            [
                                .text(t(.reported)), .integer(trends.reportedBefore), .integer(trends.reportedNow),
                                .integer(trends.reportedNow - trends.reportedBefore),
                            ],
                            [
                                .text(t(.os2Any)), .integer(trends.os2AnyBefore), .integer(trends.os2AnyNow),
                                .integer(trends.os2AnyNow - trends.os2AnyBefore),
                            ],
                            [
                                .text(t(.openSuite)), .integer(trends.openOfficeSuiteBefore),
                                .integer(trends.openOfficeSuiteNow),
                                .integer(trends.openOfficeSuiteNow - trends.openOfficeSuiteBefore),
                            ],
                            [
                                .text(t(.odfShare)), .percent(trends.odfShareBefore), .percent(trends.odfShareNow),
                                trends.odfShareBefore != nil && trends.odfShareNow != nil
                                    ? .percent(trends.odfShareNow! - trends.odfShareBefore!) : .empty,
                            ],
                        ])))
            blocks.append(
                .chart(
                    Chart(
                        title: t(.trendChart), kind: .paired,
                        categories: [t(.reported), t(.os2AnyShort), t(.openSuiteShort)],
                        series: [
                            (
                                trends.compareTo,
                                [trends.reportedBefore, trends.os2AnyBefore, trends.openOfficeSuiteBefore].map(
                                    Double.init)
                            ),
                            (
                                report.period,
                                [trends.reportedNow, trends.os2AnyNow, trends.openOfficeSuiteNow].map(Double.init)
                            ),
                        ], percent: false)))
            if trends.changes.isEmpty {
                blocks.append(.paragraph(t(.noChanges)))
            } else {
                blocks.append(
                    .table(
                        Table(
                            id: "changes", title: t(.change),
                            columns: [t(.code), t(.organisation), t(.product), t(.change)],
                            rows: trends.changes.map {
                                [
                                    .code($0.organisation), .text($0.name), .text(productName($0.product, report)),
                                    .text($0.change == "started" ? t(.started) : t(.stopped)),
                                ]
                            })))
            }
            sections.append(Section(id: "trends", title: t(.trends), blocks: blocks))
        }

        // 8. Business case.
        let business = report.businessCase
        let a = business.assumptions
        func costRow(_ line: Report.CostLine, label: String) -> [Cell] {
            [
                .text(label), .integer(line.proprietarySeats), .integer(line.openSeats),
                .money(line.licenceCostPerYear), .money(line.openCommunityCostPerYear),
                .money(line.oneTimeMigrationCost), .money(line.yearlySavingAfterMigration),
                line.paybackYears.map { .decimal($0, digits: 1) } ?? .empty,
            ]
        }
        sections.append(
            Section(
                id: "business-case", title: t(.businessCase),
                blocks: [
                    .paragraph(t(.businessCaseIntro)),
                    .table(
                        Table(
                            id: "assumptions", title: t(.assumptions), columns: [t(.assumption), t(.value)],
                            rows: [
                                [.text(t(.licencePrice)), .money(a.licencePricePerSeatPerYear)],
                                [.text(t(.migrationCost)), .money(a.migrationCostPerSeat)],
                                [.text(t(.trainingCost)), .money(a.trainingCostPerSeat)],
                                [.text(t(.os2Membership)), .money(a.os2MembershipPerYear)],
                                [.text(t(.experienceGroupFee)), .money(a.experienceGroupFeePerYear)],
                                [.text(t(.assumptionSource)), .text(a.source)],
                            ])),
                    .table(
                        Table(
                            id: "business-case", title: t(.businessCase),
                            columns: [
                                t(.organisation), t(.proprietarySeats), t(.openSeats), t(.licenceCostPerYear),
                                t(.communityCostPerYear), t(.oneTimeCost), t(.yearlySaving), t(.paybackYears),
                            ],
                            rows: business.organisations.map { costRow($0, label: $0.name) },
                            footer: costRow(
                                business.total,
                                label: report.scope.kind == "national" ? t(.nationalTotal) : t(.scopeTotal)))),
                ]))

        // 9. Data quality and method.
        let quality = report.dataQuality
        var qualityBlocks: [Block] = []
        if !quality.stale.isEmpty {
            qualityBlocks.append(
                .paragraph(t(.staleSubmissions) + ": " + quality.stale.map(\.name).joined(separator: ", ")))
        }
        if !quality.unknownTitles.isEmpty {
            qualityBlocks.append(
                .table(
                    Table(
                        id: "unknown-titles", title: t(.unknownTitles),
                        columns: [
                            t(.titleStem), t(.publisher), t(.count), t(.authorities), t(.variants), t(.example),
                        ],
                        rows: quality.unknownTitles.map {
                            [
                                .text($0.title), .text($0.publisher ?? ""), .integer($0.count),
                                .integer($0.authorities), .integer($0.variants ?? 1), .text($0.example ?? $0.title),
                            ]
                        })))
        }
        if !quality.readErrors.isEmpty {
            qualityBlocks.append(
                .table(
                    Table(
                        id: "read-errors", title: t(.readErrors), columns: [t(.reason), t(.count)],
                        rows: quality.readErrors.map { [.text($0.kind), .integer($0.count)] })))
        }
        if !quality.unknownProducts.isEmpty {
            qualityBlocks.append(
                .paragraph(
                    t(.unknownProducts) + ": "
                        + quality.unknownProducts.map { "\($0.kind) (\($0.count))" }.joined(separator: ", ")))
        }
        let method = report.method
        qualityBlocks.append(.paragraph(t(.methodText)))
        qualityBlocks.append(
            .paragraph(
                t(.ruleUse) + ": " + t(.os2AnyNote) + " " + t(.openSuiteNote) + " "
                    + t(.ruleODFShare) + ": " + t(.odfShareNote) + " " + t(.ruleEOL)))
        qualityBlocks.append(
            .table(
                Table(
                    id: "method", title: t(.method), columns: [t(.measure), t(.value)],
                    rows: [
                        [.text(t(.tool)), .text("\(method.tool) \(method.toolVersion)")],
                        [.text(t(.catalogVersion)), .text(method.catalogVersion)],
                        [.text(t(.catalogDigest)), .text(method.catalogDigest)],
                        [.text(t(.submissions)), .integer(method.submissions.count)],
                        [
                            .text(t(.evidenceFiles)),
                            .text(
                                method.evidenceSources.isEmpty
                                    ? t(.noneMissing)
                                    : method.evidenceSources.joined(separator: ", ")
                                        + " (\(style.integer(method.evidenceDeclarations)))"),
                        ],
                    ])))
        let submissionRows = (method.submissions + method.earlierSubmissions).map { ref -> [Cell] in
            [
                .code(ref.organisation), .text(ref.name), .text(ref.period),
                .date(ReportBuilder.isoDay(ref.created)), .text(ref.catalogVersion), .text(ref.digest),
            ]
        }
        if !submissionRows.isEmpty {
            qualityBlocks.append(
                .table(
                    Table(
                        id: "submissions", title: t(.submissions),
                        columns: [t(.code), t(.organisation), t(.period), t(.created), t(.catalogVersion), t(.digest)],
                        rows: submissionRows)))
        }
        sections.append(Section(id: "data-quality", title: t(.dataQuality), blocks: qualityBlocks))

        return ReportDocument(
            title: title, subtitle: subtitle, language: language, currency: a.currency,
            generator: "\(ToolInfo.name.capitalized)/\(ToolInfo.version)", generated: report.generated,
            sections: sections)
    }

    static func productName(_ id: String, _ report: Report) -> String {
        report.products.first { $0.id == id }?.name ?? id
    }

    static func evidenceLabel(_ kind: String, _ language: ReportLanguage) -> String {
        switch kind {
        case EvidenceKind.inventory.rawValue: Label.evidenceInventory.text(language)
        case EvidenceKind.usageDeclaration.rawValue: Label.evidenceDeclaration.text(language)
        case EvidenceKind.kitos.rawValue: Label.evidenceKitos.text(language)
        case EvidenceKind.publicEvidence.rawValue: Label.evidencePublic.text(language)
        case EvidenceKind.documentScan.rawValue: Label.evidenceScan.text(language)
        default: kind
        }
    }

    static func mapSpec(_ report: Report, measure: MapMeasure, language: ReportLanguage) -> MapSpec {
        let style = NumberStyle(language: language)
        var values: [Int: Double?] = [:]
        for org in report.organisations where org.kind == "municipality" {
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
