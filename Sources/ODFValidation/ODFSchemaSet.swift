import Foundation
import RelaxNG
import Synchronization
import XMLKit

/// Which RELAX NG validator checks the schemas: the native derivative-based one (in process, on the calling
/// thread) or libxml2's (in worker processes). `OVERBLIK_RELAXNG_ENGINE=native|libxml2` chooses for a run.
public enum RelaxNGEngine: String, Sendable, CaseIterable, Hashable {
    case native
    case libxml2

    /// The engine used when none is named: the native one, which agrees with Jing on every fixture and corpus part
    /// (libxml2 has three explained disagreements and two checks it never finishes) and takes less CPU time
    /// (BENCHMARKS.md, "bench/validate.sh").
    public static let standard: RelaxNGEngine = .native

    /// From `OVERBLIK_RELAXNG_ENGINE`, else ``standard``.
    public static var fromEnvironment: RelaxNGEngine {
        ProcessInfo.processInfo.environment["OVERBLIK_RELAXNG_ENGINE"].flatMap(RelaxNGEngine.init) ?? standard
    }
}

/// The OASIS schemas shipped as resources, each compiled once per process: by the native engine here, or by
/// libxml2 in the RELAX NG zygote (see XMLKit's `RelaxNGSchema`).
public final class ODFSchemaSet: Sendable {
    /// The process-wide set, with the engine from the environment.
    public static let shared = ODFSchemaSet()

    public let engine: RelaxNGEngine
    /// One slot per schema file, each with its own lock: a thread compiling one schema does not hold up a thread
    /// that needs another (with a lock over all of them, the second reader waited for every compilation).
    private let slots = Mutex<[String: SchemaSlot]>([:])

    private final class SchemaSlot: Sendable {
        let compiled = Mutex<(any RelaxNGValidating)?>(nil)
    }

    public init(engine: RelaxNGEngine = .fromEnvironment) {
        self.engine = engine
    }

    /// Stops (and reaps) the idle RELAX NG worker processes, and the zygote once no worker is left, so that a
    /// command's resource use includes theirs.
    public static func stopIdleWorkers() { RelaxNGSchema.stopIdleWorkers() }

    /// The main schema of `version` (content, styles, meta, settings, flat documents).
    func main(_ version: ODFVersion) throws(ODFValidationError) -> any RelaxNGValidating {
        try schema(version, version.schemaFiles.main)
    }

    /// The manifest schema of `version`.
    func manifest(_ version: ODFVersion) throws(ODFValidationError) -> any RelaxNGValidating {
        try schema(version, version.schemaFiles.manifest)
    }

    /// The digital-signature schema of `version` (ODF 1.2+ only).
    func signatures(_ version: ODFVersion) throws(ODFValidationError) -> (any RelaxNGValidating)? {
        guard let file = version.schemaFiles.signatures else { return nil }
        return try schema(version, file)
    }

    private func schema(_ version: ODFVersion, _ file: String) throws(ODFValidationError) -> any RelaxNGValidating {
        let key = "\(version.rawValue)/\(file)"
        let slot = slots.withLock { slots in
            if let known = slots[key] { return known }
            let made = SchemaSlot()
            slots[key] = made
            return made
        }
        // Compiled under the slot's lock: threads that need the same schema wait for the one compilation.
        let found: Result<any RelaxNGValidating, ODFValidationError> = slot.compiled.withLock { compiled in
            if let compiled { return .success(compiled) }
            do throws(ODFValidationError) {
                let schema = try Self.make(key, file: file, engine: engine)
                compiled = schema
                return .success(schema)
            } catch {
                return .failure(error)
            }
        }
        return try found.get()
    }

    private static func make(
        _ key: String, file: String, engine: RelaxNGEngine
    ) throws(ODFValidationError) -> any RelaxNGValidating {
        let path = try locate(key)
        switch engine {
        case .libxml2: return RelaxNGSchema(path: path, name: file)
        case .native:
            do {
                return try NativeRelaxNGSchema(path: path, name: file)
            } catch {
                throw .schemaUnavailable(name: key, detail: error.description)
            }
        }
    }

    /// The schema file of `key` ("1.2/OpenDocument-….rng") among the resources.
    static func locate(_ key: String) throws(ODFValidationError) -> String {
        let resources = Bundle.module.resourceURL ?? Bundle.module.bundleURL
        let candidates = [
            resources.appendingPathComponent("Resources/schemas/\(key)"),
            resources.appendingPathComponent("schemas/\(key)"),
        ]
        guard let url = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw .schemaUnavailable(name: key, detail: "resource not found")
        }
        return url.path
    }
}
