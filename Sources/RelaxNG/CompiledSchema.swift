import Foundation
import Synchronization

/// A schema compiled to interned patterns: immutable and shared by all threads. Derivatives are computed by
/// ``DerivativeEngine``s, each used by one thread at a time and kept warm in a pool between validations (their
/// memo tables are what make a warm validator mostly table lookups).
final class CompiledSchema: Sendable {
    let name: String
    let start: PatternID
    let store: PatternStore
    let nameClasses: [NameClass]
    let elementContents: [PatternID]
    let datatypes: DatatypeTable
    let values: [SchemaValue]
    private let idleEngines = Mutex<[DerivativeEngine]>([])

    /// An engine whose store grew past this many patterns is dropped rather than pooled (memory stays bounded on
    /// hostile input; a fresh engine starts from the compiled patterns again).
    static let engineSizeLimit = 2_000_000

    init(
        name: String, start: PatternID, store: PatternStore, nameClasses: [NameClass], elementContents: [PatternID],
        datatypes: DatatypeTable, values: [SchemaValue]
    ) {
        self.name = name
        self.start = start
        self.store = store
        self.nameClasses = nameClasses
        self.elementContents = elementContents
        self.datatypes = datatypes
        self.values = values
    }

    /// Runs `body` with an engine no other thread uses meanwhile: preferably the one this thread used last, whose
    /// tables are still in this core's caches.
    func withEngine<Result>(_ body: (DerivativeEngine) -> Result) -> Result {
        let thread = UInt(pthread_self())
        let engine =
            idleEngines.withLock { idle in
                guard let mine = idle.lastIndex(where: { $0.lastThread == thread }) else { return idle.popLast() }
                return idle.remove(at: mine)
            } ?? DerivativeEngine(schema: self)
        engine.lastThread = thread
        let result = body(engine)
        if engine.size < Self.engineSizeLimit {
            idleEngines.withLock { $0.append(engine) }
        }
        return result
    }
}
