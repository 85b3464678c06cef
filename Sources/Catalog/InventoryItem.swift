/// One software line of an inventory, as the classifier sees it.
public struct InventoryItem: Sendable, Hashable, Codable {
    /// The name the inventory shows (Add/Remove Programs DisplayName, package name, app name).
    public var title: String
    public var publisher: String?
    public var version: String?
    /// Package identifier (Debian/RPM name, winget id, MSI product/upgrade code, purl).
    public var package: String?
    /// `windows`, `linux`, `macos`, ... (or a more specific source such as `windows-arp`, `debian-deb`).
    public var platform: String?

    public init(
        title: String, publisher: String? = nil, version: String? = nil, package: String? = nil,
        platform: String? = nil
    ) {
        self.title = title
        self.publisher = publisher
        self.version = version
        self.package = package
        self.platform = platform
    }
}
