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
}
