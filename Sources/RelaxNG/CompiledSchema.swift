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

    /// Runs `body` with an engine no other thread uses meanwhile.
    func withEngine<Result>(_ body: (DerivativeEngine) -> Result) -> Result {
        let engine = idleEngines.withLock { $0.popLast() } ?? DerivativeEngine(schema: self)
        let result = body(engine)
        if engine.size < Self.engineSizeLimit {
            idleEngines.withLock { $0.append(engine) }
        }
        return result
    }
}
