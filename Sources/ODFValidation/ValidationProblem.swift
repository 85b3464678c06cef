/// One thing wrong with a document: where it is, what is wrong and a stable code for scripts.
public struct ValidationProblem: Sendable, Hashable, Codable {
    /// The stable code, e.g. `package.mimetype-not-first` or `schema.invalid`.
    public var code: ProblemCode
    /// The part (`content.xml`, `META-INF/manifest.xml`, `mimetype`, or `""` for the whole file).
    public var part: String
    /// 1-based line in the part, 0 when not applicable.
    public var line: Int
    /// 1-based column in the part, 0 when unknown.
    public var column: Int
    /// What is wrong, in words a person can act on.
    public var message: String

    public init(code: ProblemCode, part: String, line: Int = 0, column: Int = 0, message: String) {
        self.code = code
        self.part = part
        self.line = line
        self.column = column
        self.message = message
    }
}

/// The stable problem codes. Their raw values are part of the `--format jsonl` contract.
public enum ProblemCode: String, Sendable, Hashable, Codable, CaseIterable {
    /// No `mimetype` entry (packages).
    case mimetypeMissing = "package.mimetype-missing"
    /// `mimetype` is not the first entry of the ZIP file.
    case mimetypeNotFirst = "package.mimetype-not-first"
    /// `mimetype` is compressed (it must be stored).
    case mimetypeCompressed = "package.mimetype-compressed"
    /// `mimetype`'s local header has an extra field.
    case mimetypeExtraField = "package.mimetype-extra-field"
    /// `mimetype` differs from the manifest's root media type.
    case mimetypeManifestMismatch = "package.mimetype-manifest-mismatch"
    /// The media type does not fit the file's extension.
    case mediaTypeExtensionMismatch = "package.media-type-extension-mismatch"
    /// The media type is not an ODF one.
    case mediaTypeUnknown = "package.media-type-unknown"
    /// No `META-INF/manifest.xml` (required from ODF 1.2).
    case manifestMissing = "package.manifest-missing"
    /// A file in the package is not listed in the manifest.
    case manifestEntryUnlisted = "package.manifest-entry-unlisted"
    /// The manifest lists a file the package does not contain.
    case manifestEntryAbsent = "package.manifest-entry-absent"
    /// The manifest has no entry for the package root (`/`).
    case manifestRootMissing = "package.manifest-root-missing"
    /// `manifest:version` differs from `office:version` (ODF 1.2+).
    case manifestVersionMismatch = "package.manifest-version-mismatch"
    /// The parts of the document declare different `office:version`s.
    case versionInconsistent = "package.version-inconsistent"
    /// An encryption description in the manifest is incomplete or malformed.
    case encryptionMalformed = "package.encryption-malformed"
    /// A signature file is not a `dsig:document-signatures` document.
    case signatureMalformed = "package.signature-malformed"
    /// The same entry name occurs twice in the ZIP directory.
    case duplicateEntry = "package.duplicate-entry"
    /// A part cannot be read from the ZIP (corrupt, too large, unsupported compression).
    case entryUnreadable = "package.entry-unreadable"
    /// A required part is missing (`content.xml` or, for flat files, the root `office:document`).
    case partMissing = "package.part-missing"
    /// An XML part is not well-formed (or uses a refused DTD).
    case xmlMalformed = "xml.malformed"
    /// An XML part does not validate against the schema of the document's version.
    case schemaInvalid = "schema.invalid"
    /// A schema check did not finish within the document's time limit; the part has no schema verdict.
    case schemaLimitExceeded = "schema.limit-exceeded"
    /// The schema validator stopped on this part (or the schema did not compile); no schema verdict.
    case schemaCheckFailed = "schema.check-failed"
    /// The document declares no ODF version.
    case versionMissing = "version.missing"
    /// The document declares a version this validator has no schema for.
    case versionUnknown = "version.unknown"
}
