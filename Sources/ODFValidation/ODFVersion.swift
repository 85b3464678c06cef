/// An ODF version this validator has schemas for.
public enum ODFVersion: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case v1_0 = "1.0"
    case v1_1 = "1.1"
    case v1_2 = "1.2"
    case v1_3 = "1.3"
    case v1_4 = "1.4"

    public static func < (lhs: ODFVersion, rhs: ODFVersion) -> Bool { lhs.rawValue < rhs.rawValue }

    /// From 1.2 on a package needs a manifest with `manifest:version`, and "extended conforming" exists.
    var hasExtendedConformance: Bool { self >= .v1_2 }

    /// The schema file names (under `Resources/schemas/<version>/`).
    var schemaFiles: (main: String, manifest: String, signatures: String?) {
        switch self {
        case .v1_0: ("OpenDocument-schema-v1.0-os.rng", "OpenDocument-manifest-schema-v1.0-os.rng", nil)
        case .v1_1: ("OpenDocument-schema-v1.1.rng", "OpenDocument-manifest-schema-v1.1.rng", nil)
        case .v1_2:
            (
                "OpenDocument-v1.2-os-schema.rng", "OpenDocument-v1.2-os-manifest-schema.rng",
                "OpenDocument-v1.2-os-dsig-schema.rng"
            )
        case .v1_3:
            (
                "OpenDocument-v1.3-schema.rng", "OpenDocument-v1.3-manifest-schema.rng",
                "OpenDocument-v1.3-dsig-schema.rng"
            )
        case .v1_4:
            (
                "OpenDocument-v1.4-schema.rng", "OpenDocument-v1.4-manifest-schema.rng",
                "OpenDocument-v1.4-dsig-schema.rng"
            )
        }
    }
}
