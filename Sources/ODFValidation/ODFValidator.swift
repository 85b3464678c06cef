import FileSystemNames
import Foundation
import XMLKit
import ZipKit

/// Checks ODF documents for conformance: package rules (ODF Part 2/3), well-formedness and the OASIS RELAX NG
/// schema of the document's own version, at the strict or extended level.
///
/// Stateless apart from the shared compiled schemas: one validator serves every thread.
public struct ODFValidator: Sendable {
    public var level: ConformanceLevel
    let schemas: ODFSchemaSet
    /// Cap on one XML part or flat file (a zip bomb stops here).
    public var partSizeLimit: Int
    /// CPU time all schema checks of one document may take together (on the calling thread for the native engine,
    /// in the RELAX NG workers for libxml2's; load on the machine does not shorten it). libxml2's RELAX NG validator
    /// can run for hours on some real documents (see docs/validation.md); past this the document is "not checked".
    public var schemaTimeLimit: Duration
    /// Parse every part in this process too, before sending it to the RELAX NG worker (the model before parts
    /// were parsed in the worker only); for tests that compare the two.
    var parsesEveryPartHere = false

    public init(
        level: ConformanceLevel = .strict, schemas: ODFSchemaSet = .shared, partSizeLimit: Int = 256 << 20,
        schemaTimeLimit: Duration = .seconds(60)
    ) {
        self.level = level
        self.schemas = schemas
        self.partSizeLimit = partSizeLimit
        self.schemaTimeLimit = schemaTimeLimit
    }

    /// Validates the document at `path`: a package (`.odt`, ...) or flat ODF (`.fodt`, ...), told apart by
    /// content. Throws only when the file is no ODF document at all or cannot be read.
    public func validate(path: String) throws(ODFValidationError) -> ValidationReport {
        let head: [UInt8]
        do {
            head = try Self.readHead(path: path)
        } catch {
            throw .unreadable(path: path, detail: error.description)
        }
        if head.isEmpty { throw .notAnODFDocument(path: path, detail: "empty file") }
        if Self.looksLikeXML(head) { return try validateFlat(path: path) }
        let archive: ZipArchive
        do {
            archive = try ZipArchive(path: path)
        } catch {
            throw .notAnODFDocument(path: path, detail: error.description)
        }
        return try validatePackage(archive, path: path)
    }

    private static func readHead(path: String) throws(FileSystemName.ReadFailure) -> [UInt8] {
        try FileSystemName.read(path, maximum: 64)
    }

    /// XML (flat ODF) starts with `<`, possibly after a byte-order mark or white space.
    static func looksLikeXML(_ head: [UInt8]) -> Bool {
        var bytes = head[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return true }
        return bytes.drop(while: { [0x20, 0x09, 0x0A, 0x0D].contains($0) }).first == 0x3C
    }

    /// The verdict from what was found, at the validator's level.
    func verdict(
        version: ODFVersion?, packageProblems: [ValidationProblem], parts: [CheckedPart]
    ) -> (Verdict, [ValidationProblem]) {
        var seen = Set<ValidationProblem>()
        let packageProblems = packageProblems.filter { seen.insert($0).inserted }
        guard version != nil else { return (.unknownVersion, packageProblems) }
        // A part without a schema verdict makes the document "not checked" unless something else already makes
        // it not conforming; it never passes.
        let unchecked = parts.compactMap(\.uncheckedProblem)
        let strictIssues = parts.flatMap(\.strictProblems)
        if packageProblems.isEmpty && strictIssues.isEmpty {
            return unchecked.isEmpty ? (.conforming, []) : (.notChecked, unchecked)
        }
        guard level == .extended else { return (.notConforming, packageProblems + strictIssues + unchecked) }
        let extendedIssues = parts.flatMap { $0.extendedProblems ?? $0.strictProblems }
        if packageProblems.isEmpty && extendedIssues.isEmpty {
            return unchecked.isEmpty ? (.extendedConforming, []) : (.notChecked, unchecked)
        }
        return (.notConforming, packageProblems + extendedIssues + unchecked)
    }
}

/// The CPU time left for one document's schema checks; once spent, the remaining parts go unchecked.
final class SchemaBudget {
    let limit: Duration
    private(set) var spent: Duration = .zero

    init(limit: Duration) { self.limit = limit }

    var remaining: Duration { limit - spent }

    func spend(_ time: Duration) { spent += time }
}

/// One XML part after the schema check.
struct CheckedPart {
    var validation: PartValidation
    var strictProblems: [ValidationProblem]
    /// `nil` when no extended check was made.
    var extendedProblems: [ValidationProblem]?
    /// Why a schema check of this part gave no verdict, as a problem; `nil` when every check it needed finished.
    var uncheckedProblem: ValidationProblem?
}
