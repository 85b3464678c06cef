import FileSystemNames
import Foundation
import XMLKit

extension ODFValidator {
    /// Validates flat ODF: one XML file whose root is `office:document`, checked as one part.
    func validateFlat(path: String) throws(ODFValidationError) -> ValidationReport {
        let part = (path as NSString).lastPathComponent
        let bytes: [UInt8]
        do {
            bytes = try FileSystemName.read(path, maximum: partSizeLimit + 1)
        } catch {
            throw .unreadable(path: path, detail: error.description)
        }
        guard bytes.count <= partSizeLimit else {
            throw .notAnODFDocument(path: path, detail: "larger than \(partSizeLimit) bytes")
        }
        if !parsesEveryPartHere, let report = validateFlatWithoutTree(path: path, part: part, bytes: bytes) {
            return report
        }
        var problems: [ValidationProblem] = []
        let tree: XMLTree
        do {
            tree = try XMLTree(bytes: bytes)
        } catch {
            throw .notAnODFDocument(path: path, detail: Self.malformed(part, error).message)
        }
        guard let root = tree.rootName, root == ("document", Self.officeNamespace) else {
            throw .notAnODFDocument(path: path, detail: "the root element is not office:document")
        }
        let mediaType = tree.rootAttribute("mimetype", namespace: Self.officeNamespace)
        if let mediaType {
            checkMediaType(mediaType, part: part, path: path, problems: &problems)
        }
        let declared = tree.rootAttribute("version", namespace: Self.officeNamespace)
        let version = declared.flatMap(ODFVersion.init(rawValue:))
        if declared == nil {
            problems.append(ValidationProblem(code: .versionMissing, part: part, message: "no office:version"))
        } else if version == nil, let declared {
            problems.append(
                ValidationProblem(code: .versionUnknown, part: part, message: "office:version '\(declared)' is unknown")
            )
        }
        var parts: [CheckedPart] = []
        if let version {
            let budget = SchemaBudget(limit: schemaTimeLimit)
            parts.append(
                checkPart(part, bytes: bytes, schema: try schemas.main(version), version: version, budget: budget)
                    .checked)
        }
        let (verdict, reported) = self.verdict(version: version, packageProblems: problems, parts: parts)
        return ValidationReport(
            path: path, verdict: verdict, declaredVersion: declared, mediaType: mediaType,
            generator: Self.generator(bytes), isFlat: true, encryptedParts: [],
            problems: version == nil ? problems : reported, parts: parts.map(\.validation))
    }

    /// The report ``validateFlat(path:)`` gives, without the tree it parses first to read the root element: the
    /// root is read by the streaming reader, and the schema check (which reads the document while parsing it)
    /// shows whether the document is well-formed. `nil` for anything else (no office:document root, no known
    /// version, a malformed document): the caller then goes the way it went before, which says what is wrong.
    private func validateFlatWithoutTree(path: String, part: String, bytes: [UInt8]) -> ValidationReport? {
        guard let root = Self.rootElement(bytes), root.localName == "document",
            root.namespaceURI == Self.officeNamespace,
            let declared = root.attribute("version", namespace: Self.officeNamespace),
            let version = ODFVersion(rawValue: declared), let schema = try? schemas.main(version)
        else { return nil }
        let checked = checkPart(
            part, bytes: bytes, schema: schema, version: version, budget: SchemaBudget(limit: schemaTimeLimit)
        ).checked
        // A malformed document is no ODF document at all (the tree parse refused it).
        let found =
            checked.strictProblems + (checked.extendedProblems ?? []) + [checked.uncheckedProblem].compactMap { $0 }
        guard !found.contains(where: { $0.code == .xmlMalformed }) else { return nil }
        var problems: [ValidationProblem] = []
        let mediaType = root.attribute("mimetype", namespace: Self.officeNamespace)
        if let mediaType {
            checkMediaType(mediaType, part: part, path: path, problems: &problems)
        }
        let (verdict, reported) = self.verdict(version: version, packageProblems: problems, parts: [checked])
        return ValidationReport(
            path: path, verdict: verdict, declaredVersion: declared, mediaType: mediaType,
            generator: Self.generator(bytes), isFlat: true, encryptedParts: [], problems: reported,
            parts: [checked.validation])
    }
}
