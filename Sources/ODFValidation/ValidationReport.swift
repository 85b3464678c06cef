/// The conformance verdicts, as the ODF Toolkit's validator gives them.
public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable {
    /// Valid as it stands (package rules, well-formedness and the strict schema of its version).
    case conforming
    /// Valid once foreign elements and attributes are removed as ODF allows (ODF 1.2+; `--level extended`).
    case extendedConforming = "extended-conforming"
    /// Something is wrong at the level asked for.
    case notConforming = "not-conforming"
    /// No ODF version declared, or one without a schema here: no schema verdict is possible.
    case unknownVersion = "unknown-version"
    /// Nothing wrong was found, but a schema check did not finish within the document's time limit (or the
    /// validator stopped): no verdict. Counted apart, never as conforming.
    case notChecked = "not-checked"
}

/// How strict the verdict is.
public enum ConformanceLevel: String, Sendable, Hashable, Codable, CaseIterable {
    /// Only "conforming" passes.
    case strict
    /// "Extended conforming" passes too.
    case extended
}

/// One part's schema outcome, at both levels (what the Jing comparison tests look at).
public struct PartValidation: Sendable, Hashable, Codable {
    /// The part's name in the package (`content.xml`, ...; the file name for flat ODF).
    public var part: String
    /// Valid against the schema as it stands; `nil` when that check gave no verdict (see ``notChecked``).
    public var validAsIs: Bool?
    /// Valid after foreign content is removed; `nil` when not checked (the part was valid as it stands, or the
    /// level was strict).
    public var validWithoutForeignContent: Bool?
    /// The schema the part was checked against (file name).
    public var schema: String
    /// Why a schema check of this part gave no verdict (time limit, validator stopped); `nil` when it did.
    public var notChecked: String? = nil
}

/// Everything the validator found for one document.
public struct ValidationReport: Sendable, Hashable, Codable {
    /// The path as given.
    public var path: String
    public var verdict: Verdict
    /// The ODF version declared (`office:version`, else `manifest:version`), verbatim; `nil` when none.
    public var declaredVersion: String?
    /// The document's media type (`mimetype` or flat `office:mimetype`), if any.
    public var mediaType: String?
    /// `meta:generator`, if any (for the summary by suite).
    public var generator: String?
    /// Whether the document is flat ODF (one XML file).
    public var isFlat: Bool
    /// Parts left unchecked because they are encrypted.
    public var encryptedParts: [String]
    /// Problems at the level asked for, in package order.
    public var problems: [ValidationProblem]
    /// Per-part schema outcomes.
    public var parts: [PartValidation]
}

/// Why a file could not be validated at all (the batch goes on).
public enum ODFValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Neither a ZIP package nor an XML file.
    case notAnODFDocument(path: String, detail: String)
    /// The file could not be read.
    case unreadable(path: String, detail: String)
    /// A shipped schema failed to load or compile (a build problem, not the document's).
    case schemaUnavailable(name: String, detail: String)

    public var description: String {
        switch self {
        case .notAnODFDocument(let path, let detail): return "\(path): not an ODF document: \(detail)"
        case .unreadable(let path, let detail): return "\(path): cannot read: \(detail)"
        case .schemaUnavailable(let name, let detail): return "schema \(name) unavailable: \(detail)"
        }
    }
}
