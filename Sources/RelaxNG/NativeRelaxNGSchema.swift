public import XMLKit

/// A RELAX NG schema checked in this process, on the calling thread, by a derivative-based validator (James
/// Clark's algorithm, as Jing does): compiled once, shared across threads, no worker processes. ID/IDREF
/// cross-references are not checked (as `jing -i`).
public final class NativeRelaxNGSchema: RelaxNGValidating {
    public let name: String
    let compiled: CompiledSchema
    /// At most this many problems per document (later ones are usually consequences of the first).
    public static let issueLimit = 10

    /// Loads and compiles the schema at `path` with its includes; `name` is for messages.
    public init(path: String, name: String) throws(RelaxNGSchemaError) {
        self.name = name
        let loader = SchemaLoader()
        let start = try loader.load(path)
        var compiler = SchemaCompiler(loader: loader, schemaName: path)
        compiled = try compiler.compile(start: start)
    }

    /// Number of patterns after compilation (for tests and measurements).
    public var patternCount: Int { compiled.store.count }

    public func validate(_ tree: XMLTree, cpuLimit: Duration) -> RelaxNGCheck {
        let started = CPUClock.threadNanoseconds()
        let limit =
            UInt64(max(0, cpuLimit.components.seconds)) * 1_000_000_000
            + UInt64(max(0, cpuLimit.components.attoseconds / 1_000_000_000))
        let verdict: RelaxNGVerdict = compiled.withEngine { engine in
            let run = ValidationRun(engine: engine, issueLimit: Self.issueLimit, cpuLimitNanoseconds: limit)
            tree.walk(run)
            if run.timedOut { return .limitExceeded }
            if run.isValid { return .valid }
            let issues =
                run.issues.isEmpty
                ? [XMLValidityIssue(line: tree.rootLine, column: 0, message: "the document is incomplete for \(name)")]
                : run.issues
            return .invalid(issues)
        }
        let spent = CPUClock.threadNanoseconds() &- started
        return RelaxNGCheck(verdict: verdict, cpuTime: .nanoseconds(Int64(spent)))
    }

    public func validate(bytes: [UInt8], cpuLimit: Duration) -> RelaxNGCheck {
        let started = CPUClock.threadNanoseconds()
        let tree: XMLTree
        do {
            tree = try XMLTree(bytes: bytes)
        } catch {
            return RelaxNGCheck(verdict: .malformed(error), cpuTime: .zero)
        }
        let parsed = Duration.nanoseconds(Int64(CPUClock.threadNanoseconds() &- started))
        guard parsed < cpuLimit else { return RelaxNGCheck(verdict: .limitExceeded, cpuTime: parsed) }
        var check = validate(tree, cpuLimit: cpuLimit - parsed)
        check.cpuTime += parsed
        return check
    }
}
