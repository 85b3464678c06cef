public import Catalog
public import Foundation
public import Geography
public import OverblikModel

/// Which authorities a report covers.
public enum ReportScope: Sendable, Hashable, CustomStringConvertible {
    case national
    case region(Int)
    case organisation(Int)

    /// Parses `national`, `region:CODE` (code or region name) or any name/code/alias of an authority.
    public static func parse(_ text: String, directory: AuthorityDirectory) throws -> ReportScope {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "national" || trimmed.isEmpty { return .national }
        if trimmed.lowercased().hasPrefix("region:") {
            let rest = String(trimmed.dropFirst("region:".count))
            guard let region = try? directory.resolve(rest), region.kind == .region else {
                throw ReportError.unknownScope(input: text, reason: "not one of the 5 regions (1081-1085)")
            }
            return .region(region.code)
        }
        do {
            return .organisation(try directory.resolve(trimmed).code)
        } catch {
            throw ReportError.unknownScope(input: text, reason: error.description)
        }
    }

    public var description: String {
        switch self {
        case .national: "national"
        case .region(let code): "region:\(code)"
        case .organisation(let code): "\(code)"
        }
    }

    /// File-name stem for outputs (`national`, `region-1084`, `org-101`).
    public var fileStem: String {
        switch self {
        case .national: "national"
        case .region(let code): "region-\(code)"
        case .organisation(let code): "org-\(code)"
        }
    }
}

/// Everything a report is computed from; no store needed.
public struct ReportInputs: Sendable {
    /// The newest submission per organisation for `period` (see ``SubmissionSelection``).
    public var submissions: [Submission]
    /// The newest submission per organisation for `compareTo`, for trends.
    public var earlierSubmissions: [Submission]
    /// Extra usage declarations (public evidence, the facilitator's CSV, KITOS).
    public var evidence: [UsageDeclaration]
    /// Names of the files the evidence came from (printed in the method section).
    public var evidenceSources: [String]
    public var catalog: ProductCatalog
    public var directory: AuthorityDirectory
    public var assumptions: Assumptions
    public var scope: ReportScope
    public var period: String
    public var compareTo: String?
    public var generated: Date

    public init(
        submissions: [Submission], earlierSubmissions: [Submission] = [], evidence: [UsageDeclaration] = [],
        evidenceSources: [String] = [], catalog: ProductCatalog, directory: AuthorityDirectory,
        assumptions: Assumptions, scope: ReportScope = .national, period: String, compareTo: String? = nil,
        generated: Date = Date()
    ) {
        self.submissions = submissions
        self.earlierSubmissions = earlierSubmissions
        self.evidence = evidence
        self.evidenceSources = evidenceSources
        self.catalog = catalog
        self.directory = directory
        self.assumptions = assumptions
        self.scope = scope
        self.period = period
        self.compareTo = compareTo
        self.generated = generated
    }
}

/// Picks the submissions a report rests on from a pile of files.
public enum SubmissionSelection {
    /// The newest submission (by `created`, then digest) per organisation for `period`.
    public static func latest(_ submissions: [Submission], period: String) -> [Submission] {
        var best: [Int: Submission] = [:]
        for submission in submissions where submission.body.period == period {
            let code = submission.body.organisation.code
            if let current = best[code],
                (current.body.created, current.digest) >= (submission.body.created, submission.digest)
            {
                continue
            }
            best[code] = submission
        }
        return best.values.sorted { $0.body.organisation.code < $1.body.organisation.code }
    }

    /// The newest period among the submissions (periods compare as text: `2025` < `2025-H2` < `2026`).
    public static func newestPeriod(_ submissions: [Submission]) -> String? {
        submissions.map(\.body.period).max()
    }
}

/// A version line and its support status on one authority's data date.
struct LineStatus: Hashable {
    var line: String
    var supported: Bool?
    var endOfLife: String?
}

/// What one authority's data says, before it is summed.
struct AuthorityFacts {
    var authority: Authority
    var submission: Submission?
    /// Product id → evidence kinds supporting use.
    var uses: [String: Set<EvidenceKind>] = [:]
    /// Product id → dates of the evidence supporting use.
    var useDates: [String: [String]] = [:]
    var hostsByProduct: [String: Int] = [:]
    /// Product id → version line (`""` for none) and its support status on this authority's data date → hosts.
    var hostsByLine: [String: [LineStatus: Int]] = [:]
    var unsupportedByProduct: [String: Int] = [:]
    var documents = Report.DocumentTotals.zero
    var documentsBySuite: [String: Int] = [:]
    var hosts = 0
    var dataDate: Date?

    func uses(_ product: String) -> Bool { uses[product] != nil }
}

/// Computes a ``Report`` from ``ReportInputs``. Pure: the same inputs give the same report.
public enum ReportBuilder {
    public static func build(_ inputs: ReportInputs) throws -> Report {
        let catalog = CatalogView(inputs.catalog)
        let directory = inputs.directory
        let facts = authorityFacts(
            inputs.submissions, evidence: inputs.evidence, catalog: catalog, directory: directory)
        let inScope = scopeAuthorities(inputs.scope, directory: directory)
        let scoped = inScope.map { facts[$0.code]! }
        if inputs.submissions.isEmpty && inputs.evidence.isEmpty { throw ReportError.noData(period: inputs.period) }

        let scope: Report.Scope =
            switch inputs.scope {
            case .national: Report.Scope(kind: .national, code: nil, name: nil)
            case .region(let code):
                Report.Scope(kind: .region, code: code, name: directory.authority(code: code)?.name)
            case .organisation(let code):
                Report.Scope(kind: .organisation, code: code, name: directory.authority(code: code)?.name)
            }

        let products = productUses(scoped, catalog: catalog, directory: directory)
        let organisations = scoped.map { profile($0, catalog: catalog, directory: directory) }
        let headline = headline(scoped, catalog: catalog)
        var trends: Report.Trends?
        if let compareTo = inputs.compareTo {
            let before = authorityFacts(
                inputs.earlierSubmissions, evidence: inputs.evidence, catalog: catalog, directory: directory)
            trends = self.trends(
                now: scoped, before: inScope.map { before[$0.code]! }, compareTo: compareTo, catalog: catalog,
                nowSubmissions: inputs.submissions, beforeSubmissions: inputs.earlierSubmissions)
        }
        let all = inputs.submissions + inputs.earlierSubmissions
        let readiness = readiness(scoped, period: inputs.period)
        var businessCase = businessCase(scoped, catalog: catalog, assumptions: inputs.assumptions)
        businessCase.macroRework = macroRework(readiness, assumptions: inputs.assumptions)
        return Report(
            schemaVersion: Report.schemaVersion, scope: scope, period: inputs.period, compareTo: inputs.compareTo,
            generated: inputs.generated, synthetic: all.contains { $0.body.synthetic },
            publicEvidenceOnly: inputs.submissions.isEmpty,
            coverage: coverage(scoped), headline: headline, products: products,
            regions: regionSummaries(scoped, catalog: catalog, directory: directory),
            organisations: organisations, trends: trends,
            comparison: comparison(inputs.scope, facts: facts, catalog: catalog, directory: directory),
            readiness: readiness, conformance: conformance(scoped, catalog: catalog), businessCase: businessCase,
            dataQuality: dataQuality(scoped, evidence: inputs.evidence, catalog: catalog),
            method: Report.Method(
                tool: ToolInfo.name, toolVersion: ToolInfo.version, catalogVersion: catalog.stampVersion,
                catalogDigest: catalog.stampDigest,
                submissions: submissionRefs(inputs.submissions, directory: directory),
                earlierSubmissions: submissionRefs(inputs.earlierSubmissions, directory: directory),
                evidenceSources: inputs.evidenceSources, evidenceDeclarations: inputs.evidence.count))
    }

    // MARK: - Per authority

    static func scopeAuthorities(_ scope: ReportScope, directory: AuthorityDirectory) -> [Authority] {
        switch scope {
        case .national: return directory.all.sorted()
        case .region(let code): return directory.all.filter { $0.regionCode == code }.sorted()
        case .organisation(let code): return directory.authority(code: code).map { [$0] } ?? []
        }
    }

    /// The usage rule: an inventory installation, or the newest declaration per product counting as use.
    /// At equal dates a `retired` declaration wins (the conservative reading).
    static func authorityFacts(
        _ submissions: [Submission], evidence: [UsageDeclaration], catalog: CatalogView, directory: AuthorityDirectory
    ) -> [Int: AuthorityFacts] {
        var facts: [Int: AuthorityFacts] = [:]
        for authority in directory.all { facts[authority.code] = AuthorityFacts(authority: authority) }
        var declarations: [Int: [UsageDeclaration]] = [:]
        for declaration in evidence { declarations[declaration.organisation, default: []].append(declaration) }
        for submission in submissions {
            let body = submission.body
            guard var item = facts[body.organisation.code] else { continue }
            item.submission = submission
            let reference = [body.installations.asOf, body.documents.asOf, body.created].compactMap { $0 }.max()
            item.dataDate = reference
            item.hosts = body.installations.hosts
            for count in body.installations.counts where count.hosts > 0 {
                item.hostsByProduct[count.product, default: 0] += count.hosts
                item.uses[count.product, default: []].insert(.inventory)
                if let asOf = body.installations.asOf { item.useDates[count.product, default: []].append(isoDay(asOf)) }
                let status = catalog.support(
                    product: count.product, versionLine: count.versionLine, on: reference ?? body.created)
                let key = LineStatus(
                    line: count.versionLine ?? "", supported: status.supported, endOfLife: status.endOfLife)
                item.hostsByLine[count.product, default: [:]][key, default: 0] += count.hosts
                if status.supported == false { item.unsupportedByProduct[count.product, default: 0] += count.hosts }
            }
            for count in body.documents.counts {
                item.documents.add(count.family.rawValue, count.count)
                if let suite = count.suite { item.documentsBySuite[suite, default: 0] += count.count }
            }
            declarations[body.organisation.code, default: []].append(contentsOf: body.usage)
            facts[body.organisation.code] = item
        }
        for (code, list) in declarations {
            guard var item = facts[code] else { continue }
            let byProduct = Dictionary(grouping: list, by: \.product)
            for (product, group) in byProduct {
                let newestDate = group.map(\.sortableDate).max()!
                let newest = group.filter { $0.sortableDate == newestDate }
                guard !newest.contains(where: { $0.relation == .retired }),
                    newest.contains(where: { $0.relation.countsAsUse })
                else { continue }
                for declaration in newest where declaration.relation.countsAsUse {
                    item.uses[product, default: []].insert(declaration.evidenceKind)
                    if let date = declaration.date, date != "n.d." { item.useDates[product, default: []].append(date) }
                }
            }
            facts[code] = item
        }
        return facts
    }

    static func os2Products(_ item: AuthorityFacts, catalog: CatalogView) -> [String] {
        item.uses.keys.filter { catalog.product($0)?.kind == .os2Product }.sorted()
    }

    static func openSuites(_ item: AuthorityFacts, catalog: CatalogView) -> [String] {
        item.uses.keys.filter { catalog.product($0)?.isOpenODFSuite == true }.sorted()
    }

    static func profile(
        _ item: AuthorityFacts, catalog: CatalogView, directory: AuthorityDirectory
    )
        -> Report.OrganisationProfile
    {
        let suites = item.uses.keys.filter { catalog.product($0)?.kind == .officeSuite }
            .map { id in
                Report.SuiteHosts(
                    id: id, name: catalog.product(id)?.name ?? id, hosts: item.hostsByProduct[id] ?? 0,
                    openSource: catalog.product(id)?.openSource ?? false)
            }
            .sorted { ($0.hosts, $1.id) > ($1.hosts, $0.id) }
        let os2 = os2Products(item, catalog: catalog)
        var os2Evidence = Set<EvidenceKind>()
        for product in os2 { os2Evidence.formUnion(item.uses[product] ?? []) }
        return Report.OrganisationProfile(
            code: item.authority.code, name: item.authority.name, kind: item.authority.kind,
            region: item.authority.regionCode,
            regionName: directory.authority(code: item.authority.regionCode)?.name ?? "",
            reported: item.submission != nil, period: item.submission?.body.period,
            dataDate: item.dataDate.map(isoDay), comment: item.submission?.body.comment,
            os2Products: os2, officeSuites: suites,
            documentManagement: item.uses.keys.filter { catalog.product($0)?.kind == .documentManagement }
                .sorted(),
            documents: item.documents, hosts: item.hosts,
            unsupportedInstallations: item.unsupportedByProduct.filter {
                catalog.product($0.key)?.kind == .officeSuite
            }.values.reduce(0, +),
            os2Evidence: os2Evidence.sorted { $0.rawValue < $1.rawValue })
    }

    // MARK: - Sums

    static func coverage(_ scoped: [AuthorityFacts]) -> Report.Coverage {
        func count(_ kind: AuthorityKind) -> Report.CoverageCount {
            let group = scoped.filter { $0.authority.kind == kind }
            return Report.CoverageCount(
                total: group.count, reported: group.filter { $0.submission != nil }.count,
                missing: group.filter { $0.submission == nil }.map {
                    Report.AuthorityRef(code: $0.authority.code, name: $0.authority.name)
                })
        }
        return Report.Coverage(municipalities: count(.municipality), regions: count(.region))
    }

    static func authorityCount(
        _ scoped: [AuthorityFacts], products: (AuthorityFacts) -> [String]
    )
        -> Report
        .AuthorityCount
    {
        var municipalities = 0
        var regions = 0
        var evidence: [EvidenceKind: Int] = [:]
        var dates: [String] = []
        for item in scoped {
            let used = products(item)
            guard !used.isEmpty else { continue }
            if item.authority.kind == .municipality { municipalities += 1 } else { regions += 1 }
            var kinds = Set<EvidenceKind>()
            for product in used {
                kinds.formUnion(item.uses[product] ?? [])
                dates.append(contentsOf: item.useDates[product] ?? [])
            }
            for kind in kinds { evidence[kind, default: 0] += 1 }
        }
        return Report.AuthorityCount(
            municipalities: municipalities, regions: regions, evidence: evidence, oldestEvidence: dates.min(),
            newestEvidence: dates.max())
    }

    static func headline(_ scoped: [AuthorityFacts], catalog: CatalogView) -> Report.Headline {
        var documents = Report.DocumentTotals.zero
        var openHosts = 0
        var proprietaryHosts = 0
        for item in scoped {
            documents.add(item.documents)
            for (product, hosts) in item.hostsByProduct {
                guard let facts = catalog.product(product), facts.kind == .officeSuite else { continue }
                if facts.isOpenODFSuite { openHosts += hosts } else if !facts.openSource { proprietaryHosts += hosts }
            }
        }
        let shares = scoped.compactMap(\.documents.odfShare)
        let documentDates = scoped.compactMap { $0.submission?.body.documents.asOf }
        let installationDates = scoped.compactMap { $0.submission?.body.installations.asOf }
        // The range starts at the oldest data date any submission names (its oldest scan or inventory), where
        // it says; older submissions give only their newest.
        let documentsFrom = scoped.compactMap {
            $0.submission.flatMap { $0.body.documents.oldest ?? $0.body.documents.asOf }
        }
        let installationsFrom = scoped.compactMap {
            $0.submission.flatMap { $0.body.installations.oldest ?? $0.body.installations.asOf }
        }
        return Report.Headline(
            os2Any: authorityCount(scoped) { os2Products($0, catalog: catalog) },
            openOfficeSuite: authorityCount(scoped) { openSuites($0, catalog: catalog) },
            openOfficeSuiteHosts: openHosts, proprietaryOfficeSuiteHosts: proprietaryHosts,
            odfShare: documents.odfShare, odfShareSpread: spread(shares), documents: documents,
            documentsAsOf: documentDates.max().map(isoDay), documentsFrom: documentsFrom.min().map(isoDay),
            installationsAsOf: installationDates.max().map(isoDay),
            installationsFrom: installationsFrom.min().map(isoDay))
    }

    /// Quartiles by linear interpolation between closest ranks.
    static func spread(_ values: [Double]) -> Report.Spread? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        func quantile(_ q: Double) -> Double {
            let position = q * Double(sorted.count - 1)
            let lower = Int(position.rounded(.down))
            let upper = min(lower + 1, sorted.count - 1)
            return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
        }
        return Report.Spread(
            authorities: sorted.count, minimum: sorted[0], lowerQuartile: quantile(0.25), median: quantile(0.5),
            upperQuartile: quantile(0.75), maximum: sorted[sorted.count - 1])
    }

    static func productUses(
        _ scoped: [AuthorityFacts], catalog: CatalogView, directory: AuthorityDirectory
    )
        -> [Report.ProductUse]
    {
        var ids = Set<String>()
        for item in scoped {
            ids.formUnion(item.uses.keys)
            ids.formUnion(item.documentsBySuite.keys)
        }
        var result: [Report.ProductUse] = []
        for id in ids {
            guard let facts = catalog.product(id) else { continue }
            let users = scoped.filter { $0.uses(id) }
            var lines: [LineStatus: Int] = [:]
            var unsupported = 0
            var evidence: [EvidenceKind: Int] = [:]
            var documents = 0
            for item in scoped {
                for (line, hosts) in item.hostsByLine[id] ?? [:] { lines[line, default: 0] += hosts }
                unsupported += item.unsupportedByProduct[id] ?? 0
                documents += item.documentsBySuite[id] ?? 0
                for kind in item.uses[id] ?? [] { evidence[kind, default: 0] += 1 }
            }
            // Each authority's hosts keep the status judged on its own data date (as the totals do).
            let versions = lines.map { key, hosts in
                Report.VersionUse(
                    line: key.line.isEmpty ? nil : key.line, installations: hosts, endOfLife: key.endOfLife,
                    supported: key.supported)
            }
            .sorted {
                $0.line != $1.line
                    ? compareVersionLines($0.line, $1.line) : supportRank($0.supported) < supportRank($1.supported)
            }
            let byRegion = directory.regions.compactMap { region -> Report.RegionCount? in
                let count = users.filter { $0.authority.regionCode == region.code }.count
                return count > 0 ? Report.RegionCount(code: region.code, name: region.name, authorities: count) : nil
            }
            result.append(
                Report.ProductUse(
                    id: id, name: facts.name, kind: facts.kind, vendor: facts.vendor, openSource: facts.openSource,
                    writesODF: facts.writesODF, governanceLevel: facts.governanceLevel,
                    municipalities: users.filter { $0.authority.kind == .municipality }.map(\.authority.code),
                    regions: users.filter { $0.authority.kind == .region }.map(\.authority.code),
                    installations: lines.values.reduce(0, +), versions: versions, unsupportedInstallations: unsupported,
                    documents: documents, byRegion: byRegion, evidence: evidence))
        }
        return result.sorted {
            let left = $0.municipalities.count + $0.regions.count
            let right = $1.municipalities.count + $1.regions.count
            return left != right ? left > right : ($0.installations, $1.id) > ($1.installations, $0.id)
        }
    }

    /// Within one version line: supported, then past end of life, then unknown.
    static func supportRank(_ supported: Bool?) -> Int {
        switch supported {
        case true: 0
        case false: 1
        case nil: 2
        }
    }

    /// Orders version lines numerically where they are numbers (`4.1` < `7.6` < `24.2`), nil last.
    static func compareVersionLines(_ left: String?, _ right: String?) -> Bool {
        guard let left else { return false }
        guard let right else { return true }
        let l = left.split(separator: ".").map { Int($0) ?? 0 }
        let r = right.split(separator: ".").map { Int($0) ?? 0 }
        return l != r ? l.lexicographicallyPrecedes(r) : left < right
    }

    static func regionSummaries(
        _ scoped: [AuthorityFacts], catalog: CatalogView, directory: AuthorityDirectory
    )
        -> [Report.RegionSummary]
    {
        let regionCodes = Set(scoped.map(\.authority.regionCode))
        return directory.regions.filter { regionCodes.contains($0.code) }.map { region in
            let members = scoped.filter { $0.authority.regionCode == region.code && $0.authority.kind == .municipality }
            var documents = Report.DocumentTotals.zero
            for item in members { documents.add(item.documents) }
            let own = scoped.first { $0.authority.code == region.code }
            return Report.RegionSummary(
                code: region.code, name: region.name, municipalities: members.count,
                reported: members.filter { $0.submission != nil }.count,
                os2Any: members.filter { !os2Products($0, catalog: catalog).isEmpty }.count,
                openOfficeSuite: members.filter { !openSuites($0, catalog: catalog).isEmpty }.count,
                documents: documents, regionUsesOS2: own.map { !os2Products($0, catalog: catalog).isEmpty } ?? false)
        }
    }

    static func comparison(
        _ scope: ReportScope, facts: [Int: AuthorityFacts], catalog: CatalogView, directory: AuthorityDirectory
    ) -> [Report.Comparison]? {
        func measure(_ level: Report.Comparison.Level, _ name: String, _ group: [AuthorityFacts]) -> Report.Comparison {
            let count = max(group.count, 1)
            var documents = Report.DocumentTotals.zero
            for item in group { documents.add(item.documents) }
            let os2 = group.map { os2Products($0, catalog: catalog).count }
            return Report.Comparison(
                level: level, name: name, authorities: group.count,
                reported: group.filter { $0.submission != nil }.count,
                os2ProductsPerAuthority: Double(os2.reduce(0, +)) / Double(count),
                os2AnyShare: Double(os2.filter { $0 > 0 }.count) / Double(count),
                openSuiteShare: Double(group.filter { !openSuites($0, catalog: catalog).isEmpty }.count)
                    / Double(count),
                odfShare: documents.odfShare)
        }
        let nation = measure(.nation, "", directory.all.map { facts[$0.code]! })
        func region(_ code: Int) -> Report.Comparison {
            measure(
                .region, directory.authority(code: code)?.name ?? "",
                directory.all.filter { $0.regionCode == code }.map { facts[$0.code]! })
        }
        switch scope {
        case .national: return nil
        case .region(let code): return [region(code), nation]
        case .organisation(let code):
            guard let item = facts[code] else { return nil }
            return [measure(.scope, item.authority.name, [item]), region(item.authority.regionCode), nation]
        }
    }

    static func trends(
        now: [AuthorityFacts], before: [AuthorityFacts], compareTo: String, catalog: CatalogView,
        nowSubmissions: [Submission], beforeSubmissions: [Submission]
    ) -> Report.Trends {
        var changes: [Report.Change] = []
        for (current, earlier) in zip(now, before) where current.submission != nil && earlier.submission != nil {
            let tracked: (AuthorityFacts) -> Set<String> = { item in
                Set(
                    item.uses.keys.filter {
                        guard let kind = catalog.product($0)?.kind else { return false }
                        return kind == .os2Product || kind == .officeSuite
                            || kind == .documentManagement
                    })
            }
            let nowSet = tracked(current)
            let beforeSet = tracked(earlier)
            for product in nowSet.subtracting(beforeSet).sorted() {
                changes.append(
                    .init(
                        organisation: current.authority.code, name: current.authority.name, product: product,
                        change: .started))
            }
            for product in beforeSet.subtracting(nowSet).sorted() {
                changes.append(
                    .init(
                        organisation: current.authority.code, name: current.authority.name, product: product,
                        change: .stopped))
            }
        }
        let headNow = headline(now, catalog: catalog)
        let headBefore = headline(before, catalog: catalog)
        // The digest, not only the label: a catalog edited without a new version label is a new method.
        func method(_ submission: Submission) -> String {
            let body = submission.body
            return body.catalog.version + "|" + body.catalog.digest + "|" + body.tool.version
        }
        let methodsNow = Set(nowSubmissions.map(method))
        let methodsBefore = Set(beforeSubmissions.map(method))
        return Report.Trends(
            compareTo: compareTo, reportedBefore: before.filter { $0.submission != nil }.count,
            reportedNow: now.filter { $0.submission != nil }.count,
            os2AnyBefore: headBefore.os2Any.municipalities + headBefore.os2Any.regions,
            os2AnyNow: headNow.os2Any.municipalities + headNow.os2Any.regions,
            openOfficeSuiteBefore: headBefore.openOfficeSuite.municipalities + headBefore.openOfficeSuite.regions,
            openOfficeSuiteNow: headNow.openOfficeSuite.municipalities + headNow.openOfficeSuite.regions,
            odfShareBefore: headBefore.odfShare, odfShareNow: headNow.odfShare, changes: changes,
            methodChanged: !methodsBefore.isEmpty && !methodsNow.isEmpty && methodsNow != methodsBefore)
    }

    static func businessCase(
        _ scoped: [AuthorityFacts], catalog: CatalogView, assumptions: Assumptions
    )
        -> Report.BusinessCase
    {
        func line(code: Int?, name: String, proprietary: Int, open: Int, authorities: Int) -> Report.CostLine {
            let licence = Double(proprietary) * assumptions.licencePricePerSeatPerYear
            let community =
                Double(authorities) * (assumptions.os2MembershipPerYear + assumptions.experienceGroupFeePerYear)
            let oneTime = Double(proprietary) * (assumptions.migrationCostPerSeat + assumptions.trainingCostPerSeat)
            let saving = licence - community
            return Report.CostLine(
                code: code, name: name, proprietarySeats: proprietary, openSeats: open, licenceCostPerYear: licence,
                openCommunityCostPerYear: community, oneTimeMigrationCost: oneTime, yearlySavingAfterMigration: saving,
                paybackYears: saving > 0 ? oneTime / saving : nil)
        }
        var lines: [Report.CostLine] = []
        var totalProprietary = 0
        var totalOpen = 0
        for item in scoped where item.submission != nil {
            var proprietary = 0
            var open = 0
            for (product, hosts) in item.hostsByProduct {
                guard let facts = catalog.product(product), facts.kind == .officeSuite else { continue }
                if facts.openSource { open += hosts } else { proprietary += hosts }
            }
            totalProprietary += proprietary
            totalOpen += open
            lines.append(
                line(
                    code: item.authority.code, name: item.authority.name, proprietary: proprietary, open: open,
                    authorities: 1))
        }
        return Report.BusinessCase(
            assumptions: assumptions,
            total: line(code: nil, name: "", proprietary: totalProprietary, open: totalOpen, authorities: lines.count),
            organisations: lines, macroRework: nil)
    }

    static func dataQuality(
        _ scoped: [AuthorityFacts], evidence: [UsageDeclaration], catalog: CatalogView
    )
        -> Report.DataQuality
    {
        let newest = scoped.compactMap(\.dataDate).max()
        var stale: [Report.AuthorityRef] = []
        var titles: [String: UnknownTitleGroup] = [:]
        var errors: [String: Int] = [:]
        var unknownProducts: [String: Int] = [:]
        for item in scoped {
            if let newest, let date = item.dataDate, newest.timeIntervalSince(date) > 365 * 86_400 {
                stale.append(.init(code: item.authority.code, name: item.authority.name))
            }
            guard let body = item.submission?.body else { continue }
            var groupsOfThisAuthority: Set<String> = []
            for title in body.unknownTitles ?? [] {
                let stem = UnknownTitleGroup.stem(of: title.title)
                let key = stem.lowercased() + "\u{1F}" + (title.publisher ?? "").lowercased()
                titles[key, default: UnknownTitleGroup(stem: stem, publisher: title.publisher)].add(
                    title.title, count: title.count, newAuthority: groupsOfThisAuthority.insert(key).inserted)
            }
            for error in body.documents.errors { errors[error.kind.rawValue, default: 0] += error.count }
            for declaration in body.usage where catalog.product(declaration.product) == nil {
                unknownProducts[declaration.product, default: 0] += 1
            }
        }
        let codes = Set(scoped.map(\.authority.code))
        for declaration in evidence where codes.contains(declaration.organisation) {
            if catalog.product(declaration.product) == nil { unknownProducts[declaration.product, default: 0] += 1 }
        }
        let topTitles = titles.values.map(\.row)
            .sorted { ($0.count, $1.title, $1.publisher ?? "") > ($1.count, $0.title, $0.publisher ?? "") }
        return Report.DataQuality(
            missing: scoped.filter { $0.submission == nil }.map {
                .init(code: $0.authority.code, name: $0.authority.name)
            },
            stale: stale, unknownTitles: Array(topTitles.prefix(25)),
            readErrors: errors.map { .init(kind: $0.key, count: $0.value) }.sorted {
                ($0.count, $1.kind) > ($1.count, $0.kind)
            },
            unknownProducts: unknownProducts.map { .init(kind: $0.key, count: $0.value) }.sorted {
                ($0.count, $1.kind) > ($1.count, $0.kind)
            })
    }

    static func submissionRefs(_ submissions: [Submission], directory: AuthorityDirectory) -> [Report.SubmissionRef] {
        submissions.map {
            Report.SubmissionRef(
                organisation: $0.body.organisation.code,
                name: directory.authority(code: $0.body.organisation.code)?.name ?? $0.body.organisation.name,
                period: $0.body.period, created: $0.body.created, digest: $0.digest,
                catalogVersion: $0.body.catalog.version, toolVersion: $0.body.tool.version,
                synthetic: $0.body.synthetic)
        }
        .sorted { ($0.organisation, $0.period) < ($1.organisation, $1.period) }
    }

    static func isoDay(_ date: Date) -> String { ISODate.day(date) }
}

/// Unknown titles of one publisher and stem, summed over authorities.
struct UnknownTitleGroup {
    var stem: String
    var publisher: String?
    var count = 0
    var authorities = 0
    var titles: [String: Int] = [:]

    init(stem: String, publisher: String?) {
        self.stem = stem
        self.publisher = publisher
    }

    mutating func add(_ title: String, count: Int, newAuthority: Bool) {
        self.count += count
        if newAuthority { authorities += 1 }
        titles[title, default: 0] += count
    }

    var row: Report.TitleCount {
        let example = titles.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
        return Report.TitleCount(
            title: stem, publisher: publisher, count: count, authorities: authorities, variants: titles.count,
            example: example)
    }

    /// Words that say which build, not which product: architectures and bitness.
    static let buildWords: Set<String> = [
        "x64", "x86", "x86_64", "amd64", "arm64", "win64", "win32", "64-bit",
        "32-bit", "64bit", "32bit", "(x64)", "(x86)",
    ]

    /// The title without parenthesised or bracketed notes, version numbers and build words: "7-Zip 23.01 (x64)"
    /// and "7-Zip 24.09" are both "7-Zip"; "Mozilla Thunderbird (x64 fr)" is "Mozilla Thunderbird". A title
    /// that is nothing but such words is its own stem.
    static func stem(of title: String) -> String {
        var text = title
        for (open, close) in [("(", ")"), ("[", "]")] {
            while let start = text.firstIndex(of: Character(open)),
                let end = text[start...].firstIndex(of: Character(close))
            {
                text.replaceSubrange(start...end, with: " ")
            }
        }
        let words = text.split(whereSeparator: \.isWhitespace).filter { word in
            let lowered = word.lowercased()
            if buildWords.contains(lowered) { return false }
            // A version: digits with dots, dashes or underscores, an optional leading "v" and trailing letter.
            let core = lowered.hasPrefix("v") ? lowered.dropFirst() : Substring(lowered)
            // ("2016", "23.01", "1.54p", "v2_1"; not "3D" or "7-Zip").
            let isVersion =
                core.first?.isNumber == true
                && (core.allSatisfy(\.isNumber) || core.contains(".") || core.contains("_"))
                && core.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" || $0.isLetter }
                && core.filter(\.isLetter).count <= 2
            return !isVersion
        }
        let stem = words.joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: " -–,:"))
        return stem.isEmpty ? title : stem
    }
}
