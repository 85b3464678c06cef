public import Foundation
public import OverblikModel
import Crypto

/// Column values of one stored document, shared by both backends so they store the same thing.
public struct DocumentRow: Sendable, Hashable {
    public var pathKey: String
    public var path: String?
    public var topFolder: String?
    public var family: String
    public var container: String
    public var format: String
    public var mimetype: String?
    public var odfVersion: String?
    public var generator: String?
    public var suite: String?
    public var suiteVersion: String?
    public var suiteVersionLine: String?
    public var encrypted: Bool
    public var year: Int?
    public var error: String?
    public var warnings: Int
    public var size: Int64
    public var modified: Double

    /// Reduces a scan record to what the store keeps: no personal metadata, no statistics, and the
    /// path only as a keyed hash plus top-level folder unless `includePaths`.
    public init(record: DocumentRecord, root: String, pseudonymiser: Pseudonymiser, includePaths: Bool) {
        pathKey = pseudonymiser.pathKey(record.path)
        path = includePaths ? record.path : nil
        topFolder = Pseudonymiser.topFolder(path: record.path, root: root)
        family = record.family.rawValue
        container = record.container.rawValue
        format = record.format
        mimetype = record.mimetype
        odfVersion = record.odfVersion
        generator = record.generator
        suite = record.suite
        suiteVersion = record.suiteVersion
        suiteVersionLine = record.suiteVersionLine
        encrypted = record.encrypted
        year = record.year
        error = record.error?.rawValue
        warnings = record.warnings.count
        size = record.size
        modified = record.modified.timeIntervalSince1970
    }
}

extension UsageDeclaration {
    /// Identity of a declaration for de-duplication: everything but where it was read from.
    public var dedupeKey: String {
        let parts = [
            String(organisation), product, relation.rawValue, date ?? "\u{0}", evidence ?? "\u{0}",
            evidenceKind.rawValue,
        ]
        let digest = SHA256.hash(data: Data(parts.joined(separator: "\u{1F}").utf8))
        return hex(digest)
    }
}

/// Scan roots are compared as given, without trailing slashes.
public func normalisedRoot(_ root: String) -> String {
    var text = root
    while text.count > 1 && text.hasSuffix("/") { text.removeLast() }
    return text
}

/// The newest submission wins: later `created`, then the larger digest so the choice is deterministic.
func isNewer(_ lhs: Submission, than rhs: Submission) -> Bool {
    if lhs.body.created != rhs.body.created { return lhs.body.created > rhs.body.created }
    return lhs.digest > rhs.digest
}

/// Encodes a submission for storage and files: the model's encoder, pretty-printed.
public func encodeSubmission(_ submission: Submission, pretty: Bool = true) throws -> Data {
    let encoder = SubmissionDigest.encoder()
    if pretty { encoder.outputFormatting.insert(.prettyPrinted) }
    return try encoder.encode(submission)
}

public func decodeSubmission(_ data: Data) throws -> Submission {
    try SubmissionDigest.decoder().decode(Submission.self, from: data)
}
