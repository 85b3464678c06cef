import Foundation
import XMLKit
import ZipKit

extension ODFValidator {
    static let signatureNamespace = "urn:oasis:names:tc:opendocument:xmlns:digitalsignature:1.0"

    /// Files the manifest need not list: `mimetype`, the manifest itself and signature files (ODF 1.2 Part 3 §3.2).
    static func needsNoManifestEntry(_ name: String) -> Bool {
        name == "mimetype" || name == "META-INF/manifest.xml" || isSignatureFile(name)
    }

    static func isSignatureFile(_ name: String) -> Bool {
        name.hasPrefix("META-INF/") && name.dropFirst("META-INF/".count).contains("signatures")
    }

    /// The manifest lists every file and nothing absent, its root media type is the mimetype's, its version
    /// is the document's, and its encryption descriptions are complete.
    func checkManifest(
        _ manifest: ManifestContents, archive: ZipArchive, mediaType: String?, version: ODFVersion,
        problems: inout [ValidationProblem]
    ) {
        let part = "META-INF/manifest.xml"
        guard manifest.hasODFRoot else { return }  // the schema check reports the wrong root
        let files = Set(archive.entries.filter { !$0.isDirectory }.map(\.name))
        let listed = Dictionary(manifest.entries.map { ($0.fullPath, $0) }, uniquingKeysWith: { first, _ in first })
        for name in files.sorted() where listed[name] == nil && !Self.needsNoManifestEntry(name) {
            problems.append(
                ValidationProblem(
                    code: .manifestEntryUnlisted, part: part,
                    message: "'\(name)' is in the package but not listed in the manifest"))
        }
        for entry in manifest.entries where !entry.fullPath.hasSuffix("/") && !files.contains(entry.fullPath) {
            problems.append(
                ValidationProblem(
                    code: .manifestEntryAbsent, part: part, line: entry.line,
                    message: "the manifest lists '\(entry.fullPath)', which the package does not contain"))
        }
        checkRootEntry(listed["/"], mediaType: mediaType, version: version, problems: &problems)
        // A missing manifest:version is the manifest schema's to report (it is required from 1.2).
        if version >= .v1_2, let declared = manifest.version, declared != version.rawValue {
            problems.append(
                ValidationProblem(
                    code: .manifestVersionMismatch, part: part,
                    message: "manifest:version is '\(declared)' but the document is ODF \(version.rawValue); "
                        + "they must be equal"))
        }
        for entry in manifest.entries { checkEncryption(entry, problems: &problems) }
    }

    private func checkRootEntry(
        _ root: ManifestEntry?, mediaType: String?, version: ODFVersion, problems: inout [ValidationProblem]
    ) {
        let part = "META-INF/manifest.xml"
        guard let root else {
            if version >= .v1_2 {
                problems.append(
                    ValidationProblem(
                        code: .manifestRootMissing, part: part,
                        message: "the manifest has no file-entry for the package root '/'"))
            }
            return
        }
        if let mediaType, let rootType = root.mediaType, rootType != mediaType {
            problems.append(
                ValidationProblem(
                    code: .mimetypeManifestMismatch, part: part, line: root.line,
                    message: "the manifest's root media type '\(rootType)' differs from mimetype '\(mediaType)'"))
        }
    }

    /// An encryption description names its checksum, algorithm with IV, and key derivation with salt and
    /// iteration count (for PBKDF2), all Base64 where binary, and the entry its plain size.
    private func checkEncryption(_ entry: ManifestEntry, problems: inout [ValidationProblem]) {
        guard let encryption = entry.encryption else { return }
        var missing: [String] = []
        if encryption.algorithmName == nil { missing.append("algorithm-name") }
        if encryption.initialisationVector == nil { missing.append("initialisation-vector") }
        if encryption.keyDerivationName == nil { missing.append("key-derivation-name") }
        if encryption.keyDerivationName?.hasSuffix("PBKDF2") ?? false {
            if encryption.salt == nil { missing.append("salt") }
            if Int(encryption.iterationCount ?? "").map({ $0 > 0 }) != true { missing.append("iteration-count") }
        }
        if entry.size == nil { missing.append("manifest:size of the entry") }
        let binary = [encryption.checksum, encryption.initialisationVector, encryption.salt].compactMap { $0 }
        let badBase64 = binary.filter { Data(base64Encoded: $0) == nil }
        guard !missing.isEmpty || !badBase64.isEmpty else { return }
        var message = "encryption description of '\(entry.fullPath)' is incomplete"
        if !missing.isEmpty { message += ": missing \(missing.joined(separator: ", "))" }
        if !badBase64.isEmpty { message += "; not Base64: \(badBase64.joined(separator: ", "))" }
        problems.append(
            ValidationProblem(
                code: .encryptionMalformed, part: "META-INF/manifest.xml", line: encryption.line, message: message))
    }

    /// Every other XML part (sub-documents' parts and the like) must at least be well-formed. An XML part is a
    /// `.xml` entry the manifest types as XML, or any non-empty one: LibreOffice stores an empty
    /// `Configurations2/accelerator/current.xml` with no media type, which is no XML part.
    func checkOtherXMLParts(
        _ archive: ZipArchive, manifest: ManifestContents?, skipping encrypted: Set<String>,
        problems: inout [ValidationProblem]
    ) {
        let xmlTyped = Set(manifest?.entries.filter { $0.mediaType?.contains("xml") ?? false }.map(\.fullPath) ?? [])
        for entry in archive.entries where entry.name.hasSuffix(".xml") && !encrypted.contains(entry.name) {
            guard entry.uncompressedSize > 0 || xmlTyped.contains(entry.name) else { continue }
            guard !Self.schemaParts.contains(entry.name), entry.name != "META-INF/manifest.xml",
                !Self.isSignatureFile(entry.name)
            else { continue }
            guard let bytes = readEntry(archive, entry.name, problems: &problems) else { continue }
            do {
                _ = try XMLTree(bytes: bytes)
            } catch {
                problems.append(Self.malformed(entry.name, error))
            }
        }
    }

    /// Signature files: well-formed, rooted in `dsig:document-signatures`, valid against the dsig schema (1.2+).
    func checkSignatures(
        _ archive: ZipArchive, version: ODFVersion, budget: SchemaBudget
    ) throws(ODFValidationError)
        -> [CheckedPart]
    {
        var checked: [CheckedPart] = []
        for entry in archive.entries where Self.isSignatureFile(entry.name) && !entry.isDirectory {
            var problems: [ValidationProblem] = []
            guard let bytes = readEntry(archive, entry.name, problems: &problems) else { continue }
            guard let schema = try schemas.signatures(version) else { continue }
            let (tree, part) = checkPart(
                entry.name, bytes: bytes, schema: schema, version: version, budget: budget,
                filtersForeignContent: false, needsTree: true)
            var result = part
            if let root = tree?.rootName, root != ("document-signatures", Self.signatureNamespace) {
                result.strictProblems.insert(
                    ValidationProblem(
                        code: .signatureMalformed, part: entry.name, line: tree?.rootLine ?? 0,
                        message: "a signature file's root must be dsig:document-signatures, not \(root.localName)"),
                    at: 0)
            }
            checked.append(result)
        }
        return checked
    }
}
