import Foundation

/// Turns the version strings inventories carry into comparable versions and version lines.
///
/// Debian/RPM: `4:7.4.7-1+deb12u14` → `7.4.7` (epoch and revision dropped; `+LibO7.4.7` names the suite's
/// version inside a component's own version), `3.0.5~dfsg-3.2` → `3.0.5`, `5.2.5.1-6.fc25` → `5.2.5.1`.
/// Windows: `14.0.6029.1000` stays; `3.0.1 fp2` → `3.0.1`. Product-specific rewrites (winget's synthetic
/// versions) are applied afterwards by the product's ``VersionPolicy``.
enum VersionNormaliser {
    static func normalise(_ raw: String) -> String? {
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        // A component versioned on its own but built from the suite: `102.12+LibO7.4.7-1`.
        if let libo = text.range(of: "+LibO") {
            text = String(text[libo.upperBound...])
        } else if let colon = text.firstIndex(of: ":"), text[..<colon].allSatisfy(\.isNumber),
            !text[..<colon].isEmpty
        {
            // Debian epoch.
            text = String(text[text.index(after: colon)...])
        }
        // Leading dotted number: stops at `-` (revision), `~`/`+` (Debian suffixes), spaces and letters.
        var end = text.startIndex
        var lastWasDot = false
        while end < text.endIndex {
            let character = text[end]
            if character.isASCII && character.isNumber {
                lastWasDot = false
            } else if character == "." && !lastWasDot && end != text.startIndex {
                lastWasDot = true
            } else {
                break
            }
            end = text.index(after: end)
        }
        var numeric = String(text[..<end])
        while numeric.hasSuffix(".") { numeric.removeLast() }
        if numeric.isEmpty { return text }
        return numeric
    }

    /// Numeric components of a version (`24.2.7.2` → `["24", "2", "7", "2"]`); stops at the first non-number.
    static func components(of version: String) -> [String] {
        var parts: [String] = []
        for piece in version.split(separator: ".", omittingEmptySubsequences: false) {
            let digits = piece.prefix { $0.isASCII && $0.isNumber }
            if digits.isEmpty { break }
            parts.append(String(digits))
            if digits.count != piece.count { break }
        }
        return parts
    }

    /// The version line by scheme: `major-minor` (`7.6`), `major` (`8`), `version` (all of it), `none`.
    static func line(of version: String, scheme: String) -> String? {
        let parts = components(of: version)
        switch scheme {
        case "none": return nil
        case "version": return version
        case "major": return parts.first
        default:
            guard let major = parts.first else { return nil }
            return parts.count > 1 ? "\(major).\(parts[1])" : major
        }
    }
}
