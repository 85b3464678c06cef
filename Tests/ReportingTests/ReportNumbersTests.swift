import Catalog
import Foundation
import Geography
import OverblikModel
import Reporting
import Submissions
import TestSupport
import Testing

/// The report's numbers against hand-computed expectations on ``SmallEstate`` (see its comment).
@Suite struct ReportNumbersTests {
    @Test func coverageCountsReportedAndMissingAuthorities() throws {
        let report = try SmallEstate.report()
        #expect(report.coverage.municipalities.total == 98)
        #expect(report.coverage.municipalities.reported == 3)
        #expect(report.coverage.municipalities.missing.count == 95)
        #expect(!report.coverage.municipalities.missing.contains { [101, 147, 151].contains($0.code) })
        #expect(report.coverage.regions.total == 5)
        #expect(report.coverage.regions.reported == 1)
        #expect(report.coverage.regions.missing.map(\.code) == [1081, 1082, 1083, 1085])
        #expect(!report.synthetic)
        #expect(!report.publicEvidenceOnly)
    }

    @Test func headlineAppliesTheUsageRule() throws {
        let headline = try SmallEstate.report().headline
        // 101 by inventory (OS2faktor); 147 by public evidence (OS2mo pilot; its OS2kitos was retired);
        // 151 only `steering` → not a user. The region by KITOS (OS2mo).
        #expect(headline.os2Any.municipalities == 2)
        #expect(headline.os2Any.regions == 1)
        #expect(headline.os2Any.evidence == [.inventory: 1, .publicEvidence: 1, .kitos: 1])
        #expect(headline.os2Any.oldestEvidence == "2024")
        #expect(headline.os2Any.newestEvidence == "2026-06-01")
        // LibreOffice (101) and Apache OpenOffice (147) are open suites writing ODF; MS and M365 are not.
        #expect(headline.openOfficeSuite.municipalities == 2)
        #expect(headline.openOfficeSuite.regions == 0)
        #expect(headline.openOfficeSuiteHosts == 55)
        #expect(headline.proprietaryOfficeSuiteHosts == 1165)
        // ODF 300 of office documents 300 + 100 + 900 + 100; PDFs are not office documents.
        #expect(headline.documents.total == 1450)
        #expect(headline.documents.odf == 300)
        #expect(headline.odfShare == 300.0 / 1400.0)
        let spread = try #require(headline.odfShareSpread)
        #expect(spread.authorities == 2)
        #expect(spread.minimum == 0)
        #expect(spread.median == 0.375)
        #expect(spread.maximum == 0.75)
    }

    @Test func productsCarryUsersInstallationsAndEndOfLife() throws {
        let report = try SmallEstate.report()
        func product(_ id: String) throws -> Report.ProductUse { try #require(report.products.first { $0.id == id }) }
        let libreoffice = try product("libreoffice")
        #expect(libreoffice.municipalities == [101])
        #expect(libreoffice.installations == 50)
        #expect(libreoffice.unsupportedInstallations == 40)
        #expect(libreoffice.documents == 300)
        #expect(libreoffice.versions.map(\.line) == ["7.6", "26.2"])
        #expect(libreoffice.versions.map(\.supported) == [false, true])
        #expect(libreoffice.versions.first?.endOfLife == "2024-06-12")
        let office = try product("ms-office")
        #expect(office.municipalities == [147, 151])
        #expect(office.installations == 165)
        #expect(office.unsupportedInstallations == 100)
        #expect(office.documents == 1000)
        let faktor = try product("os2faktor")
        #expect(faktor.kind == .os2Product)
        #expect(faktor.governanceLevel == 1)
        #expect(faktor.municipalities == [101])
        let mo = try product("os2mo")
        #expect(mo.municipalities == [147])
        #expect(mo.regions == [1084])
        #expect(mo.byRegion.map(\.authorities) == [2])
        #expect(report.products.first { $0.id == "os2kitos" } == nil)  // retired
        #expect(report.products.first { $0.id == "os2forms" } == nil)  // steering only
        #expect(report.products.first { $0.id == "sbsys" } == nil)  // retired on the same date wins
        #expect(try product("acadre").municipalities == [151])
    }

    @Test func organisationProfiles() throws {
        let report = try SmallEstate.report()
        #expect(report.organisations.count == 103)
        let copenhagen = try #require(report.organisations.first { $0.code == 101 })
        #expect(copenhagen.reported)
        #expect(copenhagen.os2Products == ["os2faktor"])
        #expect(copenhagen.officeSuites.map(\.id) == ["libreoffice"])
        #expect(copenhagen.unsupportedInstallations == 40)
        #expect(copenhagen.documents.odfShare == 0.75)
        #expect(copenhagen.comment == SmallEstate.hostileComment)
        #expect(copenhagen.dataDate == "2026-06-01")
        #expect(copenhagen.regionName == "Region Hovedstaden")
        let ballerup = try #require(report.organisations.first { $0.code == 151 })
        #expect(ballerup.unsupportedInstallations == 100)
        #expect(ballerup.documentManagement == ["acadre"])
        let aarhus = try #require(report.organisations.first { $0.code == 751 })
        #expect(!aarhus.reported)
        #expect(aarhus.dataDate == nil)
    }

    @Test func businessCaseFollowsTheAssumptions() throws {
        let business = try SmallEstate.report().businessCase
        #expect(business.organisations.count == 4)
        #expect(business.total.proprietarySeats == 1165)
        #expect(business.total.openSeats == 55)
        #expect(business.total.licenceCostPerYear == 1_165_000)
        #expect(business.total.openCommunityCostPerYear == 180_000)
        #expect(business.total.oneTimeMigrationCost == 174_750)
        #expect(business.total.yearlySavingAfterMigration == 985_000)
        #expect(business.total.paybackYears == 174_750.0 / 985_000.0)
        let copenhagen = try #require(business.organisations.first { $0.code == 101 })
        #expect(copenhagen.proprietarySeats == 0)
        #expect(copenhagen.yearlySavingAfterMigration == -45_000)
        #expect(copenhagen.paybackYears == nil)
    }

    @Test func trendsShowWhoStartedAndTheCounts() throws {
        let trends = try #require(try SmallEstate.report(compare: true).trends)
        #expect(trends.reportedBefore == 3)
        #expect(trends.reportedNow == 4)
        #expect(trends.os2AnyBefore == 2)
        #expect(trends.os2AnyNow == 3)
        #expect(trends.changes.map(\.organisation) == [101])
        #expect(trends.changes.map(\.product) == ["os2faktor"])
        #expect(trends.changes.map(\.change.rawValue) == ["started"])
        #expect(!trends.methodChanged)
        #expect(trends.odfShareBefore == 0.75)
    }

    @Test func dataQualityAndMethod() throws {
        let report = try SmallEstate.report()
        #expect(report.dataQuality.readErrors.map(\.kind) == ["truncated", "bad-crc"])
        #expect(report.dataQuality.readErrors.map(\.count) == [3, 2])
        // Grouped by stem ("=SUM"), the title as inventories show it kept as the example.
        #expect(report.dataQuality.unknownTitles.map(\.title) == ["=SUM"])
        #expect(report.dataQuality.unknownTitles.map(\.example) == [SmallEstate.hostileTitle])
        #expect(report.dataQuality.missing.count == 99)
        #expect(report.method.submissions.count == 4)
        #expect(report.method.submissions.allSatisfy { $0.digest.hasPrefix("sha256:") })
        #expect(report.method.evidenceSources == ["test-evidence.tsv"])
        #expect(report.method.catalogVersion == (try ProductCatalog.bundled()).stamp.version)
    }

    @Test func regionAndOrganisationScopes() throws {
        let region = try SmallEstate.report(scope: .region(1084))
        #expect(region.coverage.municipalities.total == 29)
        #expect(region.coverage.municipalities.reported == 3)
        #expect(region.coverage.regions.total == 1)
        #expect(region.organisations.count == 30)
        #expect(region.comparison?.map(\.level.rawValue) == ["region", "nation"])
        let single = try SmallEstate.report(scope: try ReportScope.parse("København", directory: .denmark))
        #expect(single.scope.code == 101)
        #expect(single.organisations.map(\.code) == [101])
        let comparison = try #require(single.comparison)
        #expect(comparison.map(\.level.rawValue) == ["scope", "region", "nation"])
        #expect(comparison[0].os2AnyShare == 1)
        #expect(comparison[2].authorities == 103)
        #expect(comparison[2].os2AnyShare == 3.0 / 103.0)
        #expect(throws: ReportError.self) { try ReportScope.parse("region:Narnia", directory: .denmark) }
        #expect(throws: ReportError.self) { try ReportScope.parse("Atlantis Kommune", directory: .denmark) }
    }

    @Test func jsonHoldsTheDocumentedKeysAndMatchesTheSchema() throws {
        let report = try SmallEstate.report(compare: true)
        let directory = try Fixtures.temporaryDirectory("report-json")
        let renderer = ReportRenderer(geometry: try MunicipalityGeometry.denmark())
        let files = try renderer.write(
            report, options: RenderOptions(formats: [.json], outputDirectory: directory, stem: "national"))
        let data = try Data(contentsOf: try #require(files.first))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let coverage = try #require(object["coverage"] as? [String: Any])
        let municipalities = try #require(coverage["municipalities"] as? [String: Any])
        #expect(municipalities["total"] as? Int == 98)
        #expect(municipalities["reported"] as? Int == 3)
        #expect((municipalities["missing"] as? [Any])?.count == 95)
        let headline = try #require(object["headline"] as? [String: Any])
        #expect((headline["os2_any"] as? [String: Any])?["municipalities"] as? Int == 2)
        #expect((headline["open_office_suite"] as? [String: Any])?["regions"] as? Int == 0)
        #expect(headline["odf_share"] as? Double == 300.0 / 1400.0)
        let products = try #require(object["products"] as? [[String: Any]])
        for key in ["id", "name", "kind", "municipalities", "regions", "installations", "versions"] {
            #expect(products.allSatisfy { $0[key] != nil }, "products[].\(key)")
        }
        let organisations = try #require(object["organisations"] as? [[String: Any]])
        for key in [
            "code", "name", "region", "os2_products", "office_suites", "documents", "unsupported_installations",
        ] {
            #expect(organisations.allSatisfy { $0[key] != nil }, "organisations[].\(key)")
        }
        #expect(object["business_case"] != nil)
        // The shipped schema accepts it, and rejects a broken copy.
        let schemaURL = Fixtures.repositoryRoot.appendingPathComponent("Sources/Reporting/Resources/report.schema.json")
        let schema = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: schemaURL))
        let check = JSONSchemaCheck(schema: schema)
        #expect(check.problems(in: try JSONDecoder().decode(JSONValue.self, from: data)) == [])
        var broken = object
        broken["coverage"] = ["municipalities": ["total": "many"]]
        let brokenData = try JSONSerialization.data(withJSONObject: broken)
        #expect(!check.problems(in: try JSONDecoder().decode(JSONValue.self, from: brokenData)).isEmpty)
    }
}
