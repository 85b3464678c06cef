/// The catalog's answer to "which product is this?", for a generator string or an inventory line.
///
/// Classification is a pure function of the input and the catalog version: the same input and
/// catalog always give the same value.
public struct Classification: Codable, Sendable, Hashable {
    /// Product id from the catalog (`libreoffice`, `ms-office`, `os2faktor`, ...) or `unknown`.
    public var product: String
    /// Normalised version (`7.6.4.1`; Debian epochs and revisions stripped), if known.
    public var version: String?
    /// Version line used for support status and aggregation (`7.6`, `24.2`, `2016`, `4.1`).
    public var versionLine: String?
    /// Edition or component (`help-pack`, `language-pack`, `sdk`, `viewer`, `core`, ...), if any.
    public var component: String?
    /// False for items that belong to a product but are not an installation of it
    /// (help and language packs, SDKs, viewers, updaters, proofing tools, click-to-run parts).
    public var countsAsInstallation: Bool
    /// The rule that matched, e.g. `libreoffice/title#1` or `unknown`; shown by `--explain`.
    public var rule: String

    public static let unknownProduct = "unknown"

    public init(
        product: String, version: String? = nil, versionLine: String? = nil, component: String? = nil,
        countsAsInstallation: Bool, rule: String
    ) {
        self.product = product
        self.version = version
        self.versionLine = versionLine
        self.component = component
        self.countsAsInstallation = countsAsInstallation
        self.rule = rule
    }

    public static let unknown = Classification(product: unknownProduct, countsAsInstallation: false, rule: "unknown")

    public var isUnknown: Bool { product == Self.unknownProduct }

    enum CodingKeys: String, CodingKey {
        case product, version, component, rule
        case versionLine = "version_line"
        case countsAsInstallation = "counts_as_installation"
    }
}
