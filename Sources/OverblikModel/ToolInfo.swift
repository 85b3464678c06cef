/// The tool's identity, recorded with every scan, import, submission and report.
public enum ToolInfo {
    public static let name = "overblik"
    /// Semantic version of the tool. Bump with every release; submissions record it.
    public static let version = "0.1.0"
}

/// Identifies the exact catalog a classification was made with, so results can be replayed.
public struct CatalogStamp: Codable, Sendable, Hashable {
    /// The catalog's own version string (the shipped catalog's `version:` field, plus user files).
    public var version: String
    /// `sha256:` + hex digest of the merged catalog's canonical form.
    public var digest: String

    public init(version: String, digest: String) {
        self.version = version
        self.digest = digest
    }
}
