public import Catalog
public import Foundation
public import Geography
public import OverblikModel

/// A computed report: every number the renderers show, and the evidence behind it.
///
/// The JSON form is the `json` output format, described by `Resources/report.schema.json`
/// (`schema_version` changes when a key changes meaning or disappears).
public struct Report: Codable, Sendable, Hashable {
    public static let schemaVersion = 1

    public var schemaVersion: Int
    public var scope: Scope
    public var period: String
    public var compareTo: String?
    /// When the report was computed (not part of any figure).
    public var generated: Date
    /// True when any submission behind the report is synthetic (the demo estate).
    public var synthetic: Bool
    /// True when the report rests only on public evidence: every figure is a lower bound.
    public var publicEvidenceOnly: Bool
    public var coverage: Coverage
    public var headline: Headline
    public var products: [ProductUse]
    public var regions: [RegionSummary]
    public var organisations: [OrganisationProfile]
    public var trends: Trends?
    /// For a region or authority report: the same measures for the region and the nation beside it.
    public var comparison: [Comparison]?
    /// Documents that need attention in a move to ODF; nil when no submission in scope measured features.
    public var readiness: Readiness?
    /// Which office suites write valid ODF; nil when no submission in scope carries conformance verdicts.
    public var conformance: Conformance?
    public var businessCase: BusinessCase
    public var dataQuality: DataQuality
    public var method: Method

    enum CodingKeys: String, CodingKey {
        case scope, period, generated, synthetic, coverage, headline, products, regions, organisations, trends, method
        case comparison, readiness, conformance
        case schemaVersion = "schema_version"
        case compareTo = "compare_to"
        case publicEvidenceOnly = "public_evidence_only"
        case businessCase = "business_case"
        case dataQuality = "data_quality"
    }

    /// Which authorities the report covers.
    public struct Scope: Codable, Sendable, Hashable {
        public enum Kind: String, Codable, Sendable, Hashable {
            case national, region, organisation
        }

        public var kind: Kind
        public var code: Int?
        /// Official Danish name of the region or authority; nil for national.
        public var name: String?
    }

    public struct AuthorityRef: Codable, Sendable, Hashable {
        public var code: Int
        public var name: String
    }

    public struct CoverageCount: Codable, Sendable, Hashable {
        public var total: Int
        public var reported: Int
        public var missing: [AuthorityRef]
    }

    public struct Coverage: Codable, Sendable, Hashable {
        public var municipalities: CoverageCount
        public var regions: CoverageCount
    }

    /// Authorities counted by a measure, with the evidence kinds the count rests on.
    public struct AuthorityCount: Codable, Sendable, Hashable {
        public var municipalities: Int
        public var regions: Int
        /// Evidence kind (`inventory`, `usage-declaration`, `kitos`, `public-evidence`, ...) → authorities
        /// for which that kind of evidence supports the figure (an authority may count under several).
        public var evidence: [EvidenceKind: Int]
        /// Oldest and newest date of the evidence behind the figure (ISO date or year), if known.
        public var oldestEvidence: String?
        public var newestEvidence: String?

        enum CodingKeys: String, CodingKey {
            case municipalities, regions, evidence
            case oldestEvidence = "oldest_evidence"
            case newestEvidence = "newest_evidence"
        }
    }

    public struct Spread: Codable, Sendable, Hashable {
        public var authorities: Int
        public var minimum: Double
        public var lowerQuartile: Double
        public var median: Double
        public var upperQuartile: Double
        public var maximum: Double

        enum CodingKeys: String, CodingKey {
            case authorities, minimum, median, maximum
            case lowerQuartile = "lower_quartile"
            case upperQuartile = "upper_quartile"
        }
    }

    public struct Headline: Codable, Sendable, Hashable {
        /// Authorities using at least one OS2 product.
        public var os2Any: AuthorityCount
        /// Authorities with an open office suite that writes ODF by default.
        public var openOfficeSuite: AuthorityCount
        /// Hosts with such a suite installed (inventories only).
        public var openOfficeSuiteHosts: Int
        /// Hosts with a proprietary office suite installed.
        public var proprietaryOfficeSuiteHosts: Int
        /// ODF documents / office documents (ODF + StarOffice XML + OOXML + legacy binary); nil without scans.
        public var odfShare: Double?
        /// ODF share per authority with scanned documents.
        public var odfShareSpread: Spread?
        public var documents: DocumentTotals
        /// Newest scan date behind the document figures.
        public var documentsAsOf: String?
        /// Oldest scan date behind the document figures: with `documentsAsOf`, the range the figures rest on.
        public var documentsFrom: String?
        /// Newest inventory date behind the installation figures.
        public var installationsAsOf: String?
        /// Oldest inventory date behind the installation figures.
        public var installationsFrom: String?

        enum CodingKeys: String, CodingKey {
            case documents
            case os2Any = "os2_any"
            case openOfficeSuite = "open_office_suite"
            case openOfficeSuiteHosts = "open_office_suite_hosts"
            case proprietaryOfficeSuiteHosts = "proprietary_office_suite_hosts"
            case odfShare = "odf_share"
            case odfShareSpread = "odf_share_spread"
            case documentsAsOf = "documents_as_of"
            case documentsFrom = "documents_from"
            case installationsAsOf = "installations_as_of"
            case installationsFrom = "installations_from"
        }
    }

    public struct DocumentTotals: Codable, Sendable, Hashable {
        public var total: Int
        public var odf: Int
        public var starOfficeXML: Int
        public var ooxml: Int
        public var legacy: Int
        public var other: Int
        /// ODF / (ODF + StarOffice XML + OOXML + legacy); nil when there are no office documents.
        public var odfShare: Double?

        enum CodingKeys: String, CodingKey {
            case total, odf, ooxml, legacy, other
            case starOfficeXML = "staroffice_xml"
            case odfShare = "odf_share"
        }

        static let zero = DocumentTotals(
            total: 0, odf: 0, starOfficeXML: 0, ooxml: 0, legacy: 0, other: 0, odfShare: nil)

        mutating func add(_ family: String, _ count: Int) {
            total += count
            switch family {
            case "odf": odf += count
            case "staroffice-xml": starOfficeXML += count
            case "ooxml": ooxml += count
            case "legacy": legacy += count
            default: other += count
            }
            let office = odf + starOfficeXML + ooxml + legacy
            odfShare = office > 0 ? Double(odf) / Double(office) : nil
        }

        mutating func add(_ other: DocumentTotals) {
            add("odf", other.odf)
            add("staroffice-xml", other.starOfficeXML)
            add("ooxml", other.ooxml)
            add("legacy", other.legacy)
            add("other", other.other)
        }
    }

    /// Installations of one version line with one support status. Support is judged on each authority's own
    /// data date, so a line can appear twice: the authorities whose data predates its end of life, and the rest.
    public struct VersionUse: Codable, Sendable, Hashable {
        /// Version line (`7.6`, `2016`), or nil when the inventory gave none.
        public var line: String?
        public var installations: Int
        /// The line's end-of-life date, when the catalog knows it and it has passed on these data dates.
        public var endOfLife: String?
        public var supported: Bool?

        enum CodingKeys: String, CodingKey {
            case line, installations, supported
            case endOfLife = "end_of_life"
        }
    }

    public struct RegionCount: Codable, Sendable, Hashable {
        public var code: Int
        public var name: String
        /// Authorities (municipalities and the region itself) using the product in this region.
        public var authorities: Int
    }

    /// One product's use across the authorities in scope.
    public struct ProductUse: Codable, Sendable, Hashable {
        public var id: String
        public var name: String
        /// Catalog kind: `office-suite`, `os2-product`, `document-management`, ...
        public var kind: ProductKind
        public var vendor: String?
        public var openSource: Bool
        public var writesODF: Bool
        public var governanceLevel: Int?
        /// Codes of municipalities / regions using it.
        public var municipalities: [Int]
        public var regions: [Int]
        public var installations: Int
        public var versions: [VersionUse]
        public var unsupportedInstallations: Int
        /// Documents written by this product (document scans).
        public var documents: Int
        public var byRegion: [RegionCount]
        /// Evidence kind → authorities.
        public var evidence: [EvidenceKind: Int]

        enum CodingKeys: String, CodingKey {
            case id, name, kind, vendor, municipalities, regions, installations, versions, documents, evidence
            case openSource = "open_source"
            case writesODF = "writes_odf"
            case governanceLevel = "governance_level"
            case unsupportedInstallations = "unsupported_installations"
            case byRegion = "by_region"
        }
    }

    public struct RegionSummary: Codable, Sendable, Hashable {
        public var code: Int
        public var name: String
        public var municipalities: Int
        public var reported: Int
        public var os2Any: Int
        public var openOfficeSuite: Int
        public var documents: DocumentTotals
        public var regionUsesOS2: Bool

        enum CodingKeys: String, CodingKey {
            case code, name, municipalities, reported, documents
            case os2Any = "os2_any"
            case openOfficeSuite = "open_office_suite"
            case regionUsesOS2 = "region_uses_os2"
        }
    }

    public struct SuiteHosts: Codable, Sendable, Hashable {
        public var id: String
        public var name: String
        public var hosts: Int
        public var openSource: Bool

        enum CodingKeys: String, CodingKey {
            case id, name, hosts
            case openSource = "open_source"
        }
    }

    /// A compact profile of one authority.
    public struct OrganisationProfile: Codable, Sendable, Hashable {
        public var code: Int
        public var name: String
        public var kind: AuthorityKind
        public var region: Int
        public var regionName: String
        public var reported: Bool
        public var period: String?
        /// Newest date behind its figures (scan, inventory or submission), ISO 8601 date.
        public var dataDate: String?
        public var comment: String?
        public var os2Products: [String]
        public var officeSuites: [SuiteHosts]
        public var documentManagement: [String]
        public var documents: DocumentTotals
        public var hosts: Int
        public var unsupportedInstallations: Int
        /// Evidence kinds behind its OS2 figure.
        public var os2Evidence: [EvidenceKind]

        enum CodingKeys: String, CodingKey {
            case code, name, kind, region, reported, period, comment, documents, hosts
            case regionName = "region_name"
            case dataDate = "data_date"
            case os2Products = "os2_products"
            case officeSuites = "office_suites"
            case documentManagement = "document_management"
            case unsupportedInstallations = "unsupported_installations"
            case os2Evidence = "os2_evidence"
        }
    }

    public struct Change: Codable, Sendable, Hashable {
        public var organisation: Int
        public var name: String
        public var product: String
        public enum Kind: String, Codable, Sendable, Hashable {
            case started, stopped
        }

        public var change: Kind
    }

    public struct Trends: Codable, Sendable, Hashable {
        public var compareTo: String
        public var reportedBefore: Int
        public var reportedNow: Int
        public var os2AnyBefore: Int
        public var os2AnyNow: Int
        public var openOfficeSuiteBefore: Int
        public var openOfficeSuiteNow: Int
        public var odfShareBefore: Double?
        public var odfShareNow: Double?
        public var changes: [Change]
        /// Catalogs (version or digest) or tool versions differ between the periods: differences may be
        /// method, not country.
        public var methodChanged: Bool

        enum CodingKeys: String, CodingKey {
            case changes
            case compareTo = "compare_to"
            case reportedBefore = "reported_before"
            case reportedNow = "reported_now"
            case os2AnyBefore = "os2_any_before"
            case os2AnyNow = "os2_any_now"
            case openOfficeSuiteBefore = "open_office_suite_before"
            case openOfficeSuiteNow = "open_office_suite_now"
            case odfShareBefore = "odf_share_before"
            case odfShareNow = "odf_share_now"
            case methodChanged = "method_changed"
        }
    }

    /// Measures of one group of authorities (the scope, its region, the nation), for side-by-side profiles.
    public struct Comparison: Codable, Sendable, Hashable {
        public enum Level: String, Codable, Sendable, Hashable {
            /// The region or authority the report is about.
            case scope
            case region, nation
        }

        public var level: Level
        public var name: String
        public var authorities: Int
        public var reported: Int
        /// Average number of OS2 products in use per authority.
        public var os2ProductsPerAuthority: Double
        /// Share of authorities using at least one OS2 product.
        public var os2AnyShare: Double
        /// Share of authorities with an open ODF office suite.
        public var openSuiteShare: Double
        public var odfShare: Double?

        enum CodingKeys: String, CodingKey {
            case level, name, authorities, reported
            case os2ProductsPerAuthority = "os2_products_per_authority"
            case os2AnyShare = "os2_any_share"
            case openSuiteShare = "open_suite_share"
            case odfShare = "odf_share"
        }
    }

    public struct CostLine: Codable, Sendable, Hashable {
        public var code: Int?
        public var name: String
        public var proprietarySeats: Int
        public var openSeats: Int
        /// Proprietary licences per year at the assumed price.
        public var licenceCostPerYear: Double
        /// OS2 membership + experience-group fee per year.
        public var openCommunityCostPerYear: Double
        /// One-time migration + training for the proprietary seats.
        public var oneTimeMigrationCost: Double
        /// Licence cost saved per year minus community fees, if every proprietary seat moved.
        public var yearlySavingAfterMigration: Double
        /// Years until the one-time cost is repaid; nil when there is no saving.
        public var paybackYears: Double?

        enum CodingKeys: String, CodingKey {
            case code, name
            case proprietarySeats = "proprietary_seats"
            case openSeats = "open_seats"
            case licenceCostPerYear = "licence_cost_per_year"
            case openCommunityCostPerYear = "open_community_cost_per_year"
            case oneTimeMigrationCost = "one_time_migration_cost"
            case yearlySavingAfterMigration = "yearly_saving_after_migration"
            case paybackYears = "payback_years"
        }
    }

    public struct BusinessCase: Codable, Sendable, Hashable {
        public var assumptions: Assumptions
        public var total: CostLine
        public var organisations: [CostLine]
        /// Rebuilding macro-bearing templates and workbooks, from the assumptions; nil when not measured.
        public var macroRework: MacroReworkEstimate?

        enum CodingKeys: String, CodingKey {
            case assumptions, total, organisations
            case macroRework = "macro_rework"
        }
    }

    /// Unknown software titles grouped by publisher and stem (the title without versions, architectures and
    /// parenthesised notes), so the top of the list names products a facilitator can add to the catalog.
    public struct TitleCount: Codable, Sendable, Hashable {
        /// The stem the row groups.
        public var title: String
        public var publisher: String?
        public var count: Int
        public var authorities: Int
        /// Distinct titles grouped, and the most frequent of them.
        public var variants: Int?
        public var example: String?
    }

    public struct KindCount: Codable, Sendable, Hashable {
        public var kind: String
        public var count: Int
    }

    public struct DataQuality: Codable, Sendable, Hashable {
        public var missing: [AuthorityRef]
        /// Authorities whose newest data is more than a year older than the newest in the report.
        public var stale: [AuthorityRef]
        public var unknownTitles: [TitleCount]
        public var readErrors: [KindCount]
        /// Declared products the catalog does not know (id → declarations).
        public var unknownProducts: [KindCount]

        enum CodingKeys: String, CodingKey {
            case missing, stale
            case unknownTitles = "unknown_titles"
            case readErrors = "read_errors"
            case unknownProducts = "unknown_products"
        }
    }

    public struct SubmissionRef: Codable, Sendable, Hashable {
        public var organisation: Int
        public var name: String
        public var period: String
        public var created: Date
        public var digest: String
        public var catalogVersion: String
        public var toolVersion: String
        public var synthetic: Bool

        enum CodingKeys: String, CodingKey {
            case organisation, name, period, created, digest, synthetic
            case catalogVersion = "catalog_version"
            case toolVersion = "tool_version"
        }
    }

    public struct Method: Codable, Sendable, Hashable {
        public var tool: String
        public var toolVersion: String
        public var catalogVersion: String
        public var catalogDigest: String
        public var submissions: [SubmissionRef]
        public var earlierSubmissions: [SubmissionRef]
        /// Public or declared evidence files read besides the submissions.
        public var evidenceSources: [String]
        public var evidenceDeclarations: Int

        enum CodingKeys: String, CodingKey {
            case tool, submissions
            case toolVersion = "tool_version"
            case catalogVersion = "catalog_version"
            case catalogDigest = "catalog_digest"
            case earlierSubmissions = "earlier_submissions"
            case evidenceSources = "evidence_sources"
            case evidenceDeclarations = "evidence_declarations"
        }
    }
}
