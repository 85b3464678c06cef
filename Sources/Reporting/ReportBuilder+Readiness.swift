import Geography
import OverblikModel

extension ReportBuilder {
    /// The readiness section over the authorities in scope; nil when none of their submissions measured features.
    static func readiness(_ scoped: [AuthorityFacts], period: String) -> Report.Readiness? {
        let periodYear = Int(period.prefix(4))
        var measured: [Report.AuthorityRef] = []
        var notMeasured: [Report.AuthorityRef] = []
        var documents = 0
        var features: [DocumentFeature: Int] = [:]
        var macros: [MacroKey: [Report.AgeBand: Int]] = [:]
        var organisations: [Report.OrganisationReadiness] = []
        for item in scoped {
            guard let submission = item.submission else { continue }
            let ref = Report.AuthorityRef(code: item.authority.code, name: item.authority.name)
            guard let readiness = submission.body.documents.readiness else {
                notMeasured.append(ref)
                continue
            }
            measured.append(ref)
            documents += readiness.measured
            var own: [DocumentFeature: Int] = [:]
            var rework = 0
            for row in readiness.counts {
                own[row.feature, default: 0] += row.count
                guard DocumentFeature.macroKinds.contains(row.feature) else { continue }
                let template = DocumentFeature.templateFormats.contains(row.format)
                let key = MacroKey(feature: row.feature, format: row.format, template: template)
                macros[key, default: [:]][Report.AgeBand(year: row.year, periodYear: periodYear), default: 0] +=
                    row.count
                if template || DocumentFeature.workbookFormats.contains(row.format) { rework += row.count }
            }
            features.merge(own, uniquingKeysWith: +)
            organisations.append(
                Report.OrganisationReadiness(
                    code: ref.code, name: ref.name, documents: readiness.measured, features: own,
                    macroTemplatesAndWorkbooks: rework))
        }
        guard !measured.isEmpty else { return nil }
        let macroRows = macros.map { key, byAge in
            Report.MacroRow(
                feature: key.feature, format: key.format, template: key.template, byAge: byAge,
                documents: byAge.values.reduce(0, +))
        }.sorted { ($0.feature, $0.format) < ($1.feature, $1.format) }
        return Report.Readiness(
            measured: measured, notMeasured: notMeasured, documents: documents,
            features: DocumentFeature.allCases.compactMap { feature in
                features[feature].map { Report.FeatureTotal(feature: feature, documents: $0) }
            },
            macros: macroRows, organisations: organisations)
    }

    private struct MacroKey: Hashable {
        var feature: DocumentFeature
        var format: String
        var template: Bool
    }

    /// Hours and cost of rebuilding the macro-bearing templates and workbooks, from the editable assumptions.
    static func macroRework(_ readiness: Report.Readiness?, assumptions: Assumptions) -> Report.MacroReworkEstimate? {
        guard let readiness else { return nil }
        let hoursEach = assumptions.hoursPerMacroTemplateOrWorkbook
        let organisations = readiness.organisations.filter { $0.macroTemplatesAndWorkbooks > 0 }.map {
            let hours = Double($0.macroTemplatesAndWorkbooks) * hoursEach
            return Report.OrganisationEstimate(
                code: $0.code, name: $0.name, templatesAndWorkbooks: $0.macroTemplatesAndWorkbooks, hours: hours,
                cost: hours * assumptions.hourlyRate)
        }
        let count = readiness.organisations.reduce(0) { $0 + $1.macroTemplatesAndWorkbooks }
        let hours = Double(count) * hoursEach
        return Report.MacroReworkEstimate(
            templatesAndWorkbooks: count, hours: hours, cost: hours * assumptions.hourlyRate,
            organisations: organisations)
    }
}
