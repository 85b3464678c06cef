public import OverblikModel

extension Report {
    /// "Documents that need attention in a move to ODF": the submissions' feature counts (macros, encryption,
    /// signatures, embedded and linked content, templates), per authority and over the report's scope. Counts
    /// only; an authority whose submission carries no readiness section is listed as not measured, never as zero.
    public struct Readiness: Codable, Sendable, Hashable {
        /// Authorities whose submission measured features.
        public var measured: [AuthorityRef]
        /// Authorities that submitted without measuring features (an older Overblik, or a store not rescanned).
        public var notMeasured: [AuthorityRef]
        /// Readable documents measured for features, over the measured authorities.
        public var documents: Int
        /// Documents carrying each feature found (features in declaration order).
        public var features: [FeatureTotal]
        /// Macro-bearing documents by macro kind and format, and by age (years before the report's period).
        public var macros: [MacroRow]
        /// Each measured authority's figures.
        public var organisations: [OrganisationReadiness]

        enum CodingKeys: String, CodingKey {
            case measured, documents, features, macros, organisations
            case notMeasured = "not_measured"
        }
    }

    public struct FeatureTotal: Codable, Sendable, Hashable {
        public var feature: DocumentFeature
        public var documents: Int
    }

    /// How old documents are, by the year they were last modified, counted back from the report's period.
    public enum AgeBand: String, Codable, CodingKeyRepresentable, Sendable, Hashable, CaseIterable {
        case upToTwoYears = "0-2"
        case threeToFiveYears = "3-5"
        case sixToTenYears = "6-10"
        case overTenYears = "11+"
        case unknown

        init(year: Int?, periodYear: Int?) {
            guard let year, let periodYear else {
                self = .unknown
                return
            }
            switch periodYear - year {
            case ...2: self = .upToTwoYears
            case 3...5: self = .threeToFiveYears
            case 6...10: self = .sixToTenYears
            default: self = .overTenYears
            }
        }
    }

    /// Documents with one kind of macro in one format, by age band.
    public struct MacroRow: Codable, Sendable, Hashable {
        public var feature: DocumentFeature
        public var format: String
        /// True for a template format: every document made from it inherits its macros.
        public var template: Bool
        public var byAge: [AgeBand: Int]
        public var documents: Int

        enum CodingKeys: String, CodingKey {
            case feature, format, template, documents
            case byAge = "by_age"
        }
    }

    public struct OrganisationReadiness: Codable, Sendable, Hashable {
        public var code: Int
        public var name: String
        /// Documents measured for features.
        public var documents: Int
        /// Documents by feature (only features found).
        public var features: [DocumentFeature: Int]
        /// Macro-bearing templates and workbooks: what the business case's rework estimate counts.
        public var macroTemplatesAndWorkbooks: Int

        enum CodingKeys: String, CodingKey {
            case code, name, documents, features
            case macroTemplatesAndWorkbooks = "macro_templates_and_workbooks"
        }
    }

    /// The business case's estimate of rebuilding macro-bearing templates and workbooks: an assumption
    /// (hours each, hourly rate) times a measured count. An estimate, never a fact.
    public struct MacroReworkEstimate: Codable, Sendable, Hashable {
        /// Macro-bearing templates and workbooks counted (a file with two kinds of macros counts twice).
        public var templatesAndWorkbooks: Int
        public var hours: Double
        public var cost: Double
        /// Per authority with any, in the report's order.
        public var organisations: [OrganisationEstimate]

        enum CodingKeys: String, CodingKey {
            case hours, cost, organisations
            case templatesAndWorkbooks = "templates_and_workbooks"
        }
    }

    public struct OrganisationEstimate: Codable, Sendable, Hashable {
        public var code: Int
        public var name: String
        public var templatesAndWorkbooks: Int
        public var hours: Double
        public var cost: Double

        enum CodingKeys: String, CodingKey {
            case code, name, hours, cost
            case templatesAndWorkbooks = "templates_and_workbooks"
        }
    }
}

extension DocumentFeature {
    /// Macro kinds: code that runs in the document and has to be rewritten or dropped in a move to ODF.
    static let macroKinds: [DocumentFeature] = [.vba, .basic, .scripts, .xlmMacros]

    /// Template formats (every new document made from one inherits its macros) and workbook formats (where
    /// macros usually carry a business process): the files the rework estimate counts when they carry macros.
    static let templateFormats: Set<String> = [
        "ott", "ots", "otp", "otg", "otm", "stw", "stc", "sti", "std", "dotx", "dotm", "dot", "xltx", "xltm", "xlt",
        "potx", "potm", "pot",
    ]
    static let workbookFormats: Set<String> = ["xlsx", "xlsm", "xlsb", "xls", "xlam", "xla", "ods", "fods", "sxc"]
}
