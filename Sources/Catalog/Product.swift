public import Foundation

/// What kind of product a catalog entry describes; the raw values are the catalog's `kind:` words.
public enum ProductKind: String, Sendable, Codable, CaseIterable {
    case officeSuite = "office-suite"
    case os2Product = "os2-product"
    case officeComponent = "office-component"
    case documentManagement = "document-management"
    /// A municipal line-of-business system ("fagsystem": KMD Nexus, DUBU, ...), with its vendor.
    case lineOfBusiness = "line-of-business"
    case other
}

/// One release line of a product (`7.6`, `24.2`, `2016`) with its support window and where the dates come from.
public struct VersionLine: Sendable, Codable, Hashable {
    /// The line as the classifier reports it (`24.2`, `2016`, `4.1`); `*` stands for every line.
    public var line: String
    /// First release of the line, `YYYY-MM-DD` (or `YYYY-MM`, `YYYY` where only that is known).
    public var released: String?
    /// Last day of support, same format; `nil` while supported or unknown.
    public var endOfLife: String?
    /// Citation for the dates (URL or document), with any uncertainty stated.
    public var source: String

    public init(line: String, released: String? = nil, endOfLife: String? = nil, source: String) {
        self.line = line
        self.released = released
        self.endOfLife = endOfLife
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case line, released, source
        case endOfLife = "end_of_life"
    }
}

/// Package identifiers that name a product in package managers and installers.
public struct PackageIdentifiers: Sendable, Codable, Hashable {
    /// Debian package names that are an installation of the product (other packages of the family are parts).
    public var debian: [String]
    /// RPM package names that are an installation of the product.
    public var rpm: [String]
    /// winget package ids.
    public var winget: [String]
    /// MSI UpgradeCodes (GUIDs, upper case with braces) where known.
    public var msiUpgradeCodes: [String]

    public init(debian: [String] = [], rpm: [String] = [], winget: [String] = [], msiUpgradeCodes: [String] = []) {
        self.debian = debian
        self.rpm = rpm
        self.winget = winget
        self.msiUpgradeCodes = msiUpgradeCodes
    }

    public var isEmpty: Bool { debian.isEmpty && rpm.isEmpty && winget.isEmpty && msiUpgradeCodes.isEmpty }

    enum CodingKeys: String, CodingKey {
        case debian, rpm, winget
        case msiUpgradeCodes = "msi_upgrade_codes"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        debian = try c.decodeIfPresent([String].self, forKey: .debian) ?? []
        rpm = try c.decodeIfPresent([String].self, forKey: .rpm) ?? []
        winget = try c.decodeIfPresent([String].self, forKey: .winget) ?? []
        msiUpgradeCodes = try c.decodeIfPresent([String].self, forKey: .msiUpgradeCodes) ?? []
    }
}

/// A product the catalog knows: an office suite, an OS2 product, an ESDH system or another program.
public struct Product: Sendable, Codable, Hashable {
    /// Lowercase slug shared by documents and inventories (`libreoffice`, `ms-office`, `os2faktor`, `sbsys`).
    public var id: String
    public var name: String
    public var kind: ProductKind
    /// Vendor or steward (`The Document Foundation`, `Microsoft`, `OS2`).
    public var vendor: String
    /// SPDX licence expression, or `proprietary`.
    public var licence: String
    public var openSource: Bool
    /// The product this one descends from (`libreoffice` → `openoffice.org`), if any.
    public var parent: String?
    /// ODF versions the product writes by default, the current default first.
    public var writesODF: [String]
    /// Release lines with release and end-of-life dates, oldest first.
    public var versionLines: [VersionLine]
    /// OS2 governance level, where public material states it.
    public var governanceLevel: Int?
    /// Category (`identity`, `esdh`, ...), mainly for OS2 products and ESDH systems.
    public var category: String?
    /// Product status (`active`, `project`, `unknown`, `discontinued`).
    public var status: String?
    /// Last day of support of the product as a whole (OpenOffice.org, Lotus Symphony), if it has ended.
    public var endOfLife: String?
    /// Package identifiers (Debian/RPM, winget, MSI upgrade codes) that name the product.
    public var packages: PackageIdentifiers
    /// Free text: caveats, what documents cannot tell apart.
    public var notes: String?

    public init(
        id: String, name: String, kind: ProductKind, vendor: String, licence: String, openSource: Bool,
        parent: String? = nil, writesODF: [String] = [], versionLines: [VersionLine] = [],
        governanceLevel: Int? = nil, category: String? = nil, status: String? = nil, endOfLife: String? = nil,
        packages: PackageIdentifiers = PackageIdentifiers(), notes: String? = nil
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.vendor = vendor
        self.licence = licence
        self.openSource = openSource
        self.parent = parent
        self.writesODF = writesODF
        self.versionLines = versionLines
        self.governanceLevel = governanceLevel
        self.category = category
        self.status = status
        self.endOfLife = endOfLife
        self.packages = packages
        self.notes = notes
    }

    /// True for an office suite with an open-source licence that writes ODF by default (the reports' "open ODF suite").
    public var isOpenODFSuite: Bool { kind == .officeSuite && openSource && !writesODF.isEmpty }

    enum CodingKeys: String, CodingKey {
        case id, name, kind, vendor, licence, parent, category, status, packages, notes
        case openSource = "open_source"
        case writesODF = "writes_odf"
        case versionLines = "version_lines"
        case governanceLevel = "governance_level"
        case endOfLife = "end_of_life"
    }
}

/// Whether a product's version line is still supported by its vendor on a given day.
public enum SupportStatus: Sendable, Equatable {
    case supported
    /// Past its end of life; the associated value is the end-of-life date as the catalog states it.
    case endOfLife(String)
    /// The catalog does not know the line or its dates.
    case unknown
}
