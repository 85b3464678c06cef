import Catalog
import Geography
import OverblikModel

/// Sections 3 to 9 of the report: products, authorities, trends, business case, data quality and method.
extension ReportComposer {
    // MARK: 3. Office suites

    func officeSuitesSection() -> Section {
        let suites = report.products.filter { $0.kind == .officeSuite }
        var blocks: [Block] = [.paragraph(t(.officeSuitesIntro))]
        guard !suites.isEmpty else {
            blocks.append(.paragraph(t(.noneFound)))
            return Section(id: "office-suites", title: t(.officeSuites), blocks: blocks)
        }
        blocks.append(
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
            blocks.append(
                .chart(
                    Chart(
                        title: t(.installationsBySuite), kind: .bars, categories: installed.map(\.name),
                        series: [(t(.installations), installed.map { Double($0.installations) })], percent: false)))
        }
        if let versions = versionLinesTable(suites) { blocks.append(versions) }
        return Section(id: "office-suites", title: t(.officeSuites), blocks: blocks)
    }

    /// Installations per suite and version line, with support and end of life; nil when no line is known.
    private func versionLinesTable(_ suites: [Report.ProductUse]) -> Block? {
        var rows: [[Cell]] = []
        for suite in suites {
            for version in suite.versions {
                rows.append([
                    .text(suite.name), .text(version.line ?? t(.unknownLine)), .integer(version.installations),
                    .text(
                        version.supported == nil
                            ? t(.unknownSupport) : (version.supported == true ? t(.yes) : t(.no))),
                    version.endOfLife.map { .date($0) } ?? .empty,
                ])
            }
        }
        guard !rows.isEmpty else { return nil }
        return .table(
            Table(
                id: "version-lines", title: t(.versionLines),
                columns: [t(.suite), t(.versionLine), t(.installations), t(.supported), t(.endOfLife)],
                rows: rows))
    }

    // MARK: 4. OS2 products

    func os2ProductsSection() -> Section {
        let os2 = report.products.filter { $0.kind == .os2Product }
        let regionColumns = directory.regions.filter { region in report.regions.contains { $0.code == region.code } }
        var blocks: [Block] = [.paragraph(t(.os2ProductsIntro))]
        if os2.isEmpty {
            blocks.append(.paragraph(t(.noneFound)))
        } else {
            blocks.append(
                .chart(
                    Chart(
                        title: t(.os2Chart), kind: .bars, categories: os2.map(\.name),
                        series: [(t(.authorities), os2.map { Double($0.municipalities.count + $0.regions.count) })],
                        percent: false)))
            blocks.append(
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
        return Section(id: "os2-products", title: t(.os2Products), blocks: blocks)
    }

    // MARK: 5. ESDH

    func documentManagementSection() -> Section {
        let esdh = report.products.filter { $0.kind == .documentManagement }
        guard !esdh.isEmpty else {
            return Section(
                id: "esdh", title: t(.documentManagement),
                blocks: [.paragraph(t(.documentManagementIntro)), .paragraph(t(.noneFound))])
        }
        let table = Table(
            id: "esdh", title: t(.documentManagement),
            columns: [t(.system), t(.vendor), t(.authoritiesUsing), t(.name)],
            rows: esdh.map {
                [
                    .text($0.name), .text($0.vendor ?? ""),
                    .integer($0.municipalities.count + $0.regions.count),
                    .text(($0.municipalities + $0.regions).map(name).joined(separator: ", ")),
                ]
            })
        return Section(
            id: "esdh", title: t(.documentManagement),
            blocks: [.paragraph(t(.documentManagementIntro)), .table(table)])
    }

    // MARK: 6. Regions and authority profiles

    func regionsSection() -> Section {
        var blocks: [Block] = []
        if report.scope.kind != .organisation {
            blocks.append(
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
        blocks.append(.table(profilesTable()))
        return Section(id: "regions", title: t(.regionsAndAuthorities), blocks: blocks)
    }

    private func profilesTable() -> Table {
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
                    .text(org.os2Products.map { Self.productName($0, report) }.joined(separator: ", ")),
                    .text(org.officeSuites.map { "\($0.name) (\(style.integer($0.hosts)))" }.joined(separator: ", ")),
                    .text(org.documentManagement.map { Self.productName($0, report) }.joined(separator: ", ")),
                    .integer(org.documents.total), .percent(org.documents.odfShare),
                    .integer(org.unsupportedInstallations), .text(org.comment ?? ""),
                ]
            })
    }

    // MARK: 7. Trends

    func trendsSection(_ trends: Report.Trends) -> Section {
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
                            [trends.reportedBefore, trends.os2AnyBefore, trends.openOfficeSuiteBefore].map(Double.init)
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
                                .code($0.organisation), .text($0.name), .text(Self.productName($0.product, report)),
                                .text($0.change == .started ? t(.started) : t(.stopped)),
                            ]
                        })))
        }
        return Section(id: "trends", title: t(.trends), blocks: blocks)
    }

    // MARK: 8. Business case

    func businessCaseSection() -> Section {
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
        let assumptions = Table(
            id: "assumptions", title: t(.assumptions), columns: [t(.assumption), t(.value)],
            rows: [
                [.text(t(.licencePrice)), .money(a.licencePricePerSeatPerYear)],
                [.text(t(.migrationCost)), .money(a.migrationCostPerSeat)],
                [.text(t(.trainingCost)), .money(a.trainingCostPerSeat)],
                [.text(t(.os2Membership)), .money(a.os2MembershipPerYear)],
                [.text(t(.experienceGroupFee)), .money(a.experienceGroupFeePerYear)],
            ] + macroReworkAssumptionRows() + [[.text(t(.assumptionSource)), .text(a.source)]])
        let costs = Table(
            id: "business-case", title: t(.businessCase),
            columns: [
                t(.organisation), t(.proprietarySeats), t(.openSeats), t(.licenceCostPerYear),
                t(.communityCostPerYear), t(.oneTimeCost), t(.yearlySaving), t(.paybackYears),
            ],
            rows: business.organisations.map { costRow($0, label: $0.name) },
            footer: costRow(
                business.total, label: report.scope.kind == .national ? t(.nationalTotal) : t(.scopeTotal)))
        return Section(
            id: "business-case", title: t(.businessCase),
            blocks: [.paragraph(t(.businessCaseIntro)), .table(assumptions), .table(costs)] + macroReworkBlocks())
    }

    // MARK: 9. Data quality and method

    func dataQualitySection() -> Section {
        let quality = report.dataQuality
        var blocks: [Block] = []
        if !quality.stale.isEmpty {
            blocks.append(.paragraph(t(.staleSubmissions) + ": " + quality.stale.map(\.name).joined(separator: ", ")))
        }
        if !quality.unknownTitles.isEmpty {
            blocks.append(
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
            blocks.append(
                .table(
                    Table(
                        id: "read-errors", title: t(.readErrors), columns: [t(.reason), t(.count)],
                        rows: quality.readErrors.map { [.text($0.kind), .integer($0.count)] })))
        }
        if !quality.unknownProducts.isEmpty {
            blocks.append(
                .paragraph(
                    t(.unknownProducts) + ": "
                        + quality.unknownProducts.map { "\($0.kind) (\($0.count))" }.joined(separator: ", ")))
        }
        blocks.append(.paragraph(t(.methodText)))
        blocks.append(
            .paragraph(
                t(.ruleUse) + ": " + t(.os2AnyNote) + " " + t(.openSuiteNote) + " "
                    + t(.ruleODFShare) + ": " + t(.odfShareNote) + " " + t(.ruleEOL)))
        blocks += methodTables()
        return Section(id: "data-quality", title: t(.dataQuality), blocks: blocks)
    }

    /// The tool, catalog and evidence behind the figures, and every submission used.
    private func methodTables() -> [Block] {
        let method = report.method
        var blocks: [Block] = [
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
                    ]))
        ]
        let submissionRows = (method.submissions + method.earlierSubmissions).map { ref -> [Cell] in
            [
                .code(ref.organisation), .text(ref.name), .text(ref.period),
                .date(ReportBuilder.isoDay(ref.created)), .text(ref.catalogVersion), .text(ref.digest),
            ]
        }
        if !submissionRows.isEmpty {
            blocks.append(
                .table(
                    Table(
                        id: "submissions", title: t(.submissions),
                        columns: [t(.code), t(.organisation), t(.period), t(.created), t(.catalogVersion), t(.digest)],
                        rows: submissionRows)))
        }
        return blocks
    }
}
