public import Foundation

/// One software line of an inventory export, normalised and classified.
///
/// The JSON form is the `--dry-run --format jsonl` output of `overblik import` and is stable.
public struct SoftwareRecord: Codable, Sendable, Hashable {
    /// Municipality or region code (`101`, `1084`), from `--organisation` or a column.
    public var organisation: Int?
    /// Source file name (not its full path) and 1-based line (or record number for XML/JSON).
    public var source: String
    public var line: Int
    /// Host name, pseudonymised by default (`h:` + keyed hash); `nil` for aggregate exports.
    public var host: String?
    public var title: String
    public var publisher: String?
    public var version: String?
    /// Package identifier: Debian/RPM package name, winget id, MSI product code, purl.
    public var package: String?
    /// `windows`, `linux`, `macos`, `android`, ... when known.
    public var platform: String?
    /// 1 per host line; aggregate exports (Intune `DeviceCount`) keep their count.
    public var installCount: Int
    public var installDate: Date?
    /// The catalog's answer.
    public var classification: Classification
    /// The title the catalog was asked about when it is not `title` (Defender's name and vendor, joined):
    /// stored so a changed catalog can classify the line again exactly as an import would. Not in the JSON form.
    public var classificationTitle: String?

    public init(
        organisation: Int?, source: String, line: Int, host: String?, title: String, publisher: String?,
        version: String?, package: String?, platform: String?, installCount: Int, installDate: Date?,
        classification: Classification
    ) {
        self.organisation = organisation
        self.source = source
        self.line = line
        self.host = host
        self.title = title
        self.publisher = publisher
        self.version = version
        self.package = package
        self.platform = platform
        self.installCount = installCount
        self.installDate = installDate
        self.classification = classification
    }

    enum CodingKeys: String, CodingKey {
        case organisation, source, line, host, title, publisher, version, package, platform
        case installCount = "install_count"
        case installDate = "install_date"
        case product
        case productVersion = "product_version"
        case versionLine = "version_line"
        case component, rule
        case countsAsInstallation = "counts_as_installation"
    }

    // The classification is flattened into the record so a jsonl line reads as one flat object.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        organisation = try c.decodeIfPresent(Int.self, forKey: .organisation)
        source = try c.decode(String.self, forKey: .source)
        line = try c.decode(Int.self, forKey: .line)
        host = try c.decodeIfPresent(String.self, forKey: .host)
        title = try c.decode(String.self, forKey: .title)
        publisher = try c.decodeIfPresent(String.self, forKey: .publisher)
        version = try c.decodeIfPresent(String.self, forKey: .version)
        package = try c.decodeIfPresent(String.self, forKey: .package)
        platform = try c.decodeIfPresent(String.self, forKey: .platform)
        installCount = try c.decode(Int.self, forKey: .installCount)
        installDate = try c.decodeIfPresent(Date.self, forKey: .installDate)
        classification = Classification(
            product: try c.decode(String.self, forKey: .product),
            version: try c.decodeIfPresent(String.self, forKey: .productVersion),
            versionLine: try c.decodeIfPresent(String.self, forKey: .versionLine),
            component: try c.decodeIfPresent(String.self, forKey: .component),
            countsAsInstallation: try c.decode(Bool.self, forKey: .countsAsInstallation),
            rule: try c.decodeIfPresent(String.self, forKey: .rule) ?? "unknown"
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(organisation, forKey: .organisation)
        try c.encode(source, forKey: .source)
        try c.encode(line, forKey: .line)
        try c.encode(host, forKey: .host)
        try c.encode(title, forKey: .title)
        try c.encode(publisher, forKey: .publisher)
        try c.encode(version, forKey: .version)
        try c.encode(package, forKey: .package)
        try c.encode(platform, forKey: .platform)
        try c.encode(installCount, forKey: .installCount)
        try c.encodeIfPresent(installDate, forKey: .installDate)
        try c.encode(classification.product, forKey: .product)
        try c.encode(classification.version, forKey: .productVersion)
        try c.encode(classification.versionLine, forKey: .versionLine)
        try c.encode(classification.component, forKey: .component)
        try c.encode(classification.countsAsInstallation, forKey: .countsAsInstallation)
        try c.encode(classification.rule, forKey: .rule)
    }
}
