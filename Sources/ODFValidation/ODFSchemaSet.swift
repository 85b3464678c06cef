import Foundation
import Synchronization
import XMLKit

/// The OASIS schemas shipped as resources, each compiled at most once per process and then shared by all
/// threads (a compiled libxml2 schema is read-only; every validation brings its own context).
public final class ODFSchemaSet: Sendable {
    /// The process-wide set.
    public static let shared = ODFSchemaSet()

    private let compiled = Mutex<[String: RelaxNGSchema]>([:])

    public init() {}

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

    /// Compiles every schema now (a benchmark or server warms up before timing).
    public func compileAll() throws(ODFValidationError) {
        for version in ODFVersion.allCases {
            _ = try main(version)
            _ = try manifest(version)
            _ = try signatures(version)
        }
    }

    private func schema(_ version: ODFVersion, _ file: String) throws(ODFValidationError) -> RelaxNGSchema {
        let key = "\(version.rawValue)/\(file)"
        if let schema = compiled.withLock({ $0[key] }) { return schema }
        // Compiled outside the cache lock (RelaxNGSchema serialises compilation itself); two threads may both
        // compile the same schema once at start-up, and the first stored wins.
        let schema = try Self.load(key, file: file)
        return compiled.withLock { cache in
            if let existing = cache[key] { return existing }
            cache[key] = schema
            return schema
        }
    }

    private static func load(_ key: String, file: String) throws(ODFValidationError) -> RelaxNGSchema {
        let resources = Bundle.module.resourceURL ?? Bundle.module.bundleURL
        let candidates = [
            resources.appendingPathComponent("Resources/schemas/\(key)"),
            resources.appendingPathComponent("schemas/\(key)"),
        ]
        guard let url = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }),
            let data = try? Data(contentsOf: url)
        else { throw .schemaUnavailable(name: key, detail: "resource not found") }
        do {
            return try RelaxNGSchema(bytes: [UInt8](data), name: file)
        } catch {
            throw .schemaUnavailable(name: key, detail: error.description)
        }
    }
}
