import OverblikModel

extension ReportComposer {
    // MARK: Documents that need attention in a move to ODF

    /// Features that matter in a move to ODF, with what each means; macros by format and age; per authority.
    func readinessSection() -> Section {
        guard let readiness = report.readiness else {
            return Section(
                id: "readiness", title: t(.readiness),
                blocks: [.paragraph(t(.readinessIntro)), .paragraph(t(.readinessNotMeasured))])
        }
        var blocks: [Block] = [.paragraph(t(.readinessIntro))]
        var coverage =
            t(.readinessMeasuredIn) + " " + style.integer(readiness.measured.count) + " " + t(.authorities).lowercased()
            + ": " + style.integer(readiness.documents) + " " + t(.documents).lowercased() + "."
        if !readiness.notMeasured.isEmpty {
            coverage +=
                " " + t(.readinessNotMeasuredList) + " (\(readiness.notMeasured.count)): "
                + readiness.notMeasured.map(\.name).joined(separator: ", ") + "."
        }
        blocks.append(.paragraph(coverage))
        blocks.append(.table(featureTable(readiness)))
        if !readiness.macros.isEmpty {
            blocks.append(.table(macroTable(readiness)))
            blocks.append(.paragraph(t(.readinessAgeNote)))
        }
        if report.scope.kind != .organisation { blocks.append(.table(readinessByAuthority(readiness))) }
        return Section(id: "readiness", title: t(.readiness), blocks: blocks)
    }

    /// Every feature, found or not (a zero among measured documents is a finding too), with its note.
    private func featureTable(_ readiness: Report.Readiness) -> Table {
        let found = Dictionary(uniqueKeysWithValues: readiness.features.map { ($0.feature, $0.documents) })
        let rows: [[Cell]] = DocumentFeature.allCases.map { feature in
            let text = feature.readinessText(language)
            let count = found[feature] ?? 0
            let share = readiness.documents > 0 ? Double(count) / Double(readiness.documents) : nil
            return [.text(text.name), .integer(count), .percent(share), .text(text.note)]
        }
        return Table(
            id: "readiness-features", title: t(.readinessFeatures),
            columns: [t(.feature), t(.documents), t(.shareOfMeasured), t(.featureMeaning)], rows: rows)
    }

    private func macroTable(_ readiness: Report.Readiness) -> Table {
        let bands = Report.AgeBand.allCases
        let rows: [[Cell]] = readiness.macros.map { row in
            [
                .text(row.feature.readinessText(language).name), .text(row.format),
                .text(row.template ? t(.yes) : t(.no)),
            ] + bands.map { .integer(row.byAge[$0] ?? 0) } + [.integer(row.documents)]
        }
        let footer: [Cell] =
            [.text(t(.total)), .empty, .empty]
            + bands.map { band in .integer(readiness.macros.reduce(0) { $0 + ($1.byAge[band] ?? 0) }) }
            + [.integer(readiness.macros.reduce(0) { $0 + $1.documents })]
        return Table(
            id: "readiness-macros", title: t(.readinessMacros),
            columns: [t(.macroKind), t(.format), t(.template)] + bands.map(ageLabel) + [t(.total)], rows: rows,
            footer: footer)
    }

    private func ageLabel(_ band: Report.AgeBand) -> String {
        switch band {
        case .upToTwoYears: t(.ageUpToTwo)
        case .threeToFiveYears: t(.ageThreeToFive)
        case .sixToTenYears: t(.ageSixToTen)
        case .overTenYears: t(.ageOverTen)
        case .unknown: t(.ageUnknown)
        }
    }

    private func readinessByAuthority(_ readiness: Report.Readiness) -> Table {
        func cells(_ name: String, _ documents: Int, _ features: [DocumentFeature: Int], _ rework: Int) -> [Cell] {
            let other = [DocumentFeature.basic, .scripts, .xlmMacros].reduce(0) { $0 + (features[$1] ?? 0) }
            return [
                .text(name), .integer(documents), .integer(features[.vba] ?? 0), .integer(other),
                .integer(rework), .integer(features[.encrypted] ?? 0), .integer(features[.signed] ?? 0),
                .integer(features[.oleObjects] ?? 0),
            ]
        }
        var total: [DocumentFeature: Int] = [:]
        for organisation in readiness.organisations { total.merge(organisation.features, uniquingKeysWith: +) }
        return Table(
            id: "readiness-authorities", title: t(.readinessByAuthority),
            columns: [
                t(.organisation), t(.measuredDocuments), DocumentFeature.vba.readinessText(language).name,
                t(.otherMacros), t(.macroTemplatesAndWorkbooks), DocumentFeature.encrypted.readinessText(language).name,
                DocumentFeature.signed.readinessText(language).name,
                DocumentFeature.oleObjects.readinessText(language).name,
            ],
            rows: readiness.organisations.map {
                cells($0.name, $0.documents, $0.features, $0.macroTemplatesAndWorkbooks)
            },
            footer: cells(
                report.scope.kind == .national ? t(.nationalTotal) : t(.scopeTotal), readiness.documents, total,
                readiness.organisations.reduce(0) { $0 + $1.macroTemplatesAndWorkbooks }))
    }

    // MARK: The business case's rework estimate

    /// The editable assumptions behind the estimate, as rows of the business case's assumptions table.
    func macroReworkAssumptionRows() -> [[Cell]] {
        let a = report.businessCase.assumptions
        return [
            [.text(t(.hoursPerMacroTemplate)), .decimal(a.hoursPerMacroTemplateOrWorkbook, digits: 1)],
            [.text(t(.hourlyRate)), .money(a.hourlyRate)],
        ]
    }

    /// The estimate, headed by a notice that it follows from assumptions and is not a measured figure.
    func macroReworkBlocks() -> [Block] {
        guard let estimate = report.businessCase.macroRework else { return [.paragraph(t(.macroReworkNotMeasured))] }
        func cells(_ name: String, _ count: Int, _ hours: Double, _ cost: Double) -> [Cell] {
            [.text(name), .integer(count), .decimal(hours, digits: 0), .money(cost)]
        }
        return [
            .notice(t(.macroReworkNotice)),
            .table(
                Table(
                    id: "macro-rework", title: t(.macroRework),
                    columns: [t(.organisation), t(.macroTemplatesAndWorkbooks), t(.estimatedHours), t(.estimatedCost)],
                    rows: estimate.organisations.map {
                        cells($0.name, $0.templatesAndWorkbooks, $0.hours, $0.cost)
                    },
                    footer: cells(
                        report.scope.kind == .national ? t(.nationalTotal) : t(.scopeTotal),
                        estimate.templatesAndWorkbooks, estimate.hours, estimate.cost))),
        ]
    }
}
