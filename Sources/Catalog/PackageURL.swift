import Foundation

/// The parts of a package URL (`pkg:deb/ubuntu/onlyoffice-desktopeditors@7.2.1-36?arch=amd64`) the classifier
/// needs: SBOMs put the purl where other inventories put the bare package name, and the catalog's package rules
/// are anchored on the name (github.com/package-url/purl-spec, PURL-SPECIFICATION.rst).
public struct PackageURL: Sendable, Equatable {
    /// The type, lower-cased (`deb`, `rpm`, `npm`, `maven`, `winget`, ...).
    public var type: String
    /// The namespace segments joined by `/`, percent-decoded (`ubuntu`, `org.apache.commons`, `@types`).
    public var namespace: String?
    /// The name, percent-decoded.
    public var name: String
    /// The version, percent-decoded (`1:7.4.7-1` from `1%3A7.4.7-1`).
    public var version: String?

    /// Parses `text` as `pkg:type/namespace/name@version?qualifiers#subpath`; nil when it is not a purl.
    public init?(_ text: String) {
        var rest = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        guard rest.count > 4, rest.prefix(4).lowercased() == "pkg:" else { return nil }
        rest = rest.dropFirst(4)
        // The subpath and qualifiers come after the name and version; they do not name the package.
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        if let query = rest.firstIndex(of: "?") { rest = rest[..<query] }
        // The spec tolerates slashes after `pkg:`.
        while rest.first == "/" { rest = rest.dropFirst() }
        var segments = rest.split(separator: "/", omittingEmptySubsequences: true)
        guard segments.count >= 2 else { return nil }
        let type = segments.removeFirst().lowercased()
        guard type.first?.isLetter == true, type.allSatisfy({ $0.isLetter || $0.isNumber || ".+-".contains($0) })
        else { return nil }
        var last = segments.removeLast()
        // `@` separates the version; a percent-encoded `@` (an npm scope) stays in the name.
        var version: String?
        if let at = last.lastIndex(of: "@") {
            version = Self.decode(last[last.index(after: at)...])
            last = last[..<at]
        }
        let name = Self.decode(last)
        guard !name.isEmpty else { return nil }
        self.type = type
        self.namespace = segments.isEmpty ? nil : segments.map { Self.decode($0) }.joined(separator: "/")
        self.name = name
        self.version = version.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The platform a type implies, in the words inventories use (`linux`, `windows`); nil for language
    /// ecosystems (npm, maven, pypi, ...) that run anywhere.
    public var platform: String? {
        switch type {
        case "deb", "rpm", "apk", "alpm", "opkg", "qpkg": "linux"
        case "winget", "chocolatey", "msi", "msix": "windows"
        case "brew", "mas": "macos"
        default: nil
        }
    }

    /// Whether `text` is a CPE name (`cpe:2.3:a:vendor:product:...` or `cpe:/a:vendor:product`): an identifier for
    /// vulnerability databases, not a package name.
    public static func isCPE(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.count > 4 && trimmed.prefix(4).lowercased() == "cpe:"
    }

    /// Percent-decoding as the spec asks; malformed escapes are kept as written.
    static func decode(_ text: Substring) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == 0x25, index + 2 < utf8.count, let high = hexValue(utf8[index + 1]),
                let low = hexValue(utf8[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
