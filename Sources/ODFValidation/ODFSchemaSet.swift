import Foundation
import Synchronization
import XMLKit

/// The OASIS schemas shipped as resources. Each is compiled by libxml2 once per run, in the RELAX NG zygote (see
/// XMLKit's `RelaxNGSchema`), not in this process.
public final class ODFSchemaSet: Sendable {
    /// The process-wide set.
    public static let shared = ODFSchemaSet()

    private let located = Mutex<[String: RelaxNGSchema]>([:])

    public init() {}

    /// Stops (and reaps) the idle RELAX NG worker processes, and the zygote once no worker is left, so that a
    /// command's resource use includes theirs.
    public static func stopIdleWorkers() { RelaxNGSchema.stopIdleWorkers() }

    /// The main schema of `version` (content, styles, meta, settings, flat documents).
    func main(_ version: ODFVersion) throws(ODFValidationError) -> RelaxNGSchema {
        try schema(version, version.schemaFiles.main)
    }

    /// The manifest schema of `version`.
    func manifest(_ version: ODFVersion) throws(ODFValidationError) -> RelaxNGSchema {
        try schema(version, version.schemaFiles.manifest)
    }

    /// The digital-signature schema of `version` (ODF 1.2+ only).
    func signatures(_ version: ODFVersion) throws(ODFValidationError) -> RelaxNGSchema? {
        guard let file = version.schemaFiles.signatures else { return nil }
        return try schema(version, file)
    }

    private func schema(_ version: ODFVersion, _ file: String) throws(ODFValidationError) -> RelaxNGSchema {
        let key = "\(version.rawValue)/\(file)"
        if let schema = located.withLock({ $0[key] }) { return schema }
        let schema = try Self.locate(key, file: file)
        located.withLock { $0[key] = schema }
        return schema
    }

    private static func locate(_ key: String, file: String) throws(ODFValidationError) -> RelaxNGSchema {
        let resources = Bundle.module.resourceURL ?? Bundle.module.bundleURL
        let candidates = [
            resources.appendingPathComponent("Resources/schemas/\(key)"),
            resources.appendingPathComponent("schemas/\(key)"),
        ]
        guard let url = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw .schemaUnavailable(name: key, detail: "resource not found")
        }
        return RelaxNGSchema(path: url.path, name: file)
    }
}
