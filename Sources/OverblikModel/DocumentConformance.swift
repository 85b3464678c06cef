/// An ODF document's conformance verdict, as `overblik validate` gives it (ODFValidation's `Verdict`), kept on
/// a scanned record when the scan was asked to validate (`overblik scan --validate`).
public enum DocumentConformance: String, Codable, Sendable, Hashable, CaseIterable {
    case conforming
    /// Valid once foreign elements and attributes (such as LibreOffice's `loext:`) are removed (ODF 1.2+).
    case extendedConforming = "extended-conforming"
    case notConforming = "not-conforming"
    /// No ODF version, or an unknown one: no schema to check against.
    case unknownVersion = "unknown-version"
    /// A schema check did not finish within its limit: no verdict, never counted as conforming.
    case notChecked = "not-checked"
    /// The validator could not read the file as ODF at all.
    case unreadable
}

/// Gives an ODF document's conformance verdict; the scanner's reader calls it for ODF files when set.
public protocol DocumentConformanceChecking: Sendable {
    func conformance(ofDocumentAt path: String) -> DocumentConformance
}
