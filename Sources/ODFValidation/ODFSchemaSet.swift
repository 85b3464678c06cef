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
        /// The compiled schema, or why it could not be (a broken resource stays broken); `nil` until compiled.
        let compiled = Mutex<Result<any RelaxNGValidating, ODFValidationError>?>(nil)
    }

    /// The main schemas a thread compiles while it waits for one another thread is compiling (native engine),
    /// the versions most documents have first: the files still to come are likely to need them, and the wait
    /// would otherwise leave a core idle (at the start of a run every thread waits for the first schema).
    static let compiledWhileWaiting: [ODFVersion] = [.v1_2, .v1_3, .v1_4, .v1_1, .v1_0]

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

    /// A schema's slot key and resource path below `schemas/` ("1.2/OpenDocument-….rng").
    private static func key(_ version: ODFVersion, _ file: String) -> String { "\(version.rawValue)/\(file)" }

    private func schema(_ version: ODFVersion, _ file: String) throws(ODFValidationError) -> any RelaxNGValidating {
        let key = Self.key(version, file)
        let wanted = slot(key)
        // Threads that need the same schema wait for the one compilation, compiling another meanwhile if they can.
        while engine == .native {
            if let found = wanted.compiled.withLockIfAvailable({ compileIfNeeded(&$0, key, file) }) {
                return try found.get()
            }
            guard compileOneNotBegun() else { break }
        }
        return try wanted.compiled.withLock { compileIfNeeded(&$0, key, file) }.get()
    }

    private func slot(_ key: String) -> SchemaSlot {
        slots.withLock { slots in
            if let known = slots[key] { return known }
            let made = SchemaSlot()
            slots[key] = made
            return made
        }
    }

    private func compileIfNeeded(
        _ compiled: inout Result<any RelaxNGValidating, ODFValidationError>?, _ key: String, _ file: String
    ) -> Result<any RelaxNGValidating, ODFValidationError> {
        if let compiled { return compiled }
        let made = Result { () throws(ODFValidationError) in try Self.make(key, file: file, engine: engine) }
        compiled = made
        return made
    }

    /// Compiles the first of ``compiledWhileWaiting`` that no thread has begun; `false` when there is none.
    private func compileOneNotBegun() -> Bool {
        for version in Self.compiledWhileWaiting {
            let file = version.schemaFiles.main
            let key = Self.key(version, file)
            let compiledNow = slot(key).compiled.withLockIfAvailable { compiled in
                guard compiled == nil else { return false }
                _ = compileIfNeeded(&compiled, key, file)
                return true
            }
            if compiledNow == true { return true }
        }
        return false
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
