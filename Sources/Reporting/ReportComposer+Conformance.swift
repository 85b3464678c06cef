import OverblikModel

extension ReportComposer {
    // MARK: Which office suites write valid ODF?

    /// ODF conformance by suite version line (the experience group's view), by ODF version and per authority,
    /// with a plain-language note on what the verdicts mean.
    func conformanceSection() -> Section {
        let intro: [Block] = [.paragraph(t(.conformanceIntro)), .paragraph(t(.conformanceExtendedNote))]
        guard let conformance = report.conformance else {
            return Section(
                id: "conformance", title: t(.conformance), blocks: intro + [.paragraph(t(.conformanceNotMeasured))])
        }
        var blocks = intro
        var coverage =
            t(.conformanceMeasuredIn) + " " + style.integer(conformance.measured.count) + " "
            + t(.authorities).lowercased() + ": " + style.integer(conformance.documents) + " " + t(.conformanceOf) + " "
            + style.integer(conformance.odfDocuments) + " " + t(.conformanceDocumentsChecked) + "."
        if !conformance.notMeasured.isEmpty {
            coverage +=
                " " + t(.conformanceNotMeasuredList) + " (\(conformance.notMeasured.count)): "
                + conformance.notMeasured.map(\.name).joined(separator: ", ") + "."
        }
        blocks.append(.paragraph(coverage))
        let total = conformance.verdicts
        blocks.append(
            .chart(
                Chart(
                    title: t(.conformanceChart), kind: .stacked, categories: [t(.documents)],
                    series: [
                        (t(.verdictConforming), [Double(total.conforming)]),
                        (t(.verdictExtendedConforming), [Double(total.extendedConforming)]),
                        (t(.verdictNotConforming), [Double(total.notConforming)]),
                        (t(.verdictNotChecked), [Double(total.withoutVerdict)]),
                    ], percent: true)))
        blocks.append(.table(conformanceBySuite(conformance)))
        blocks.append(.table(conformanceByVersion(conformance)))
        if report.scope.kind != .organisation { blocks.append(.table(conformanceByAuthority(conformance))) }
        return Section(id: "conformance", title: t(.conformance), blocks: blocks)
    }

    /// Checked documents, then each of the four results as a count and a share of those checked.
    private func verdictCells(_ verdicts: Report.VerdictCounts) -> [Cell] {
        let checked = verdicts.total
        func share(_ count: Int) -> Cell { .percent(checked > 0 ? Double(count) / Double(checked) : nil) }
        return [
            .integer(checked), .integer(verdicts.conforming), share(verdicts.conforming),
            .integer(verdicts.extendedConforming), share(verdicts.extendedConforming),
            .integer(verdicts.notConforming), share(verdicts.notConforming), .integer(verdicts.withoutVerdict),
            share(verdicts.withoutVerdict),
        ]
    }

    private var verdictColumns: [String] {
        [
            t(.checkedDocuments), t(.verdictConforming), t(.verdictConforming) + " (%)", t(.verdictExtendedConforming),
            t(.verdictExtendedConforming) + " (%)", t(.verdictNotConforming), t(.verdictNotConforming) + " (%)",
            t(.verdictNotChecked), t(.verdictNotChecked) + " (%)",
        ]
    }

    private var totalLabel: String { report.scope.kind == .national ? t(.nationalTotal) : t(.scopeTotal) }

    private func odfVersionText(_ version: String?) -> String { version ?? t(.noODFVersion) }

    private func conformanceBySuite(_ conformance: Report.Conformance) -> Table {
        let rows: [[Cell]] = conformance.suites.map { row in
            let versions = row.odfVersions.map { odfVersionText($0.version) + " (" + style.integer($0.documents) + ")" }
            return [
                .text(suiteName(row)), .text(row.versionLine ?? t(.unknownLine)),
                .text(versions.joined(separator: ", ")),
            ] + verdictCells(row.verdicts)
        }
        return Table(
            id: "conformance-suites", title: t(.conformanceBySuite),
            columns: [t(.suite), t(.versionLine), t(.odfVersionsWritten)] + verdictColumns, rows: rows,
            footer: [.text(totalLabel), .empty, .empty] + verdictCells(conformance.verdicts))
    }

    /// The catalog's name, else the product id; "unknown producer" for none or an unrecognised one.
    private func suiteName(_ row: Report.SuiteConformance) -> String {
        if let name = row.name { return name }
        guard let suite = row.suite, suite != Classification.unknownProduct else { return t(.unknownProducer) }
        return suite
    }

    private func conformanceByVersion(_ conformance: Report.Conformance) -> Table {
        Table(
            id: "conformance-odf-versions", title: t(.conformanceByVersion), columns: [t(.odfVersion)] + verdictColumns,
            rows: conformance.odfVersions.map { [.text(odfVersionText($0.version))] + verdictCells($0.verdicts) },
            footer: [.text(totalLabel)] + verdictCells(conformance.verdicts))
    }

    /// Every authority that submitted: the measured ones with their figures, then the others with "not measured" in
    /// every cell (never 0 %).
    private func conformanceByAuthority(_ conformance: Report.Conformance) -> Table {
        let rows: [[Cell]] =
            conformance.organisations.map { [.text($0.name)] + verdictCells($0.verdicts) }
            + conformance.notMeasured.map { authority in
                [.text(authority.name), .text(t(.notMeasured))] + Array(repeating: .percent(nil), count: 8)
            }
        return Table(
            id: "conformance-authorities", title: t(.conformanceByAuthority),
            columns: [t(.organisation)] + verdictColumns, rows: rows,
            footer: [.text(totalLabel)] + verdictCells(conformance.verdicts))
    }
}
