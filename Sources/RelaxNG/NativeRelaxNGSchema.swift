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
        let verdict: RelaxNGVerdict = compiled.withEngine { engine in
            let run = ValidationRun(
                engine: engine, issueLimit: Self.issueLimit, cpuLimitNanoseconds: Self.nanoseconds(cpuLimit))
            tree.walk(TreeValidation(run))
            return self.verdict(run, root: tree.rootPosition)
        }
        let spent = CPUClock.threadNanoseconds() &- started
        return RelaxNGCheck(verdict: verdict, cpuTime: .nanoseconds(Int64(spent)))
    }

    /// Checks the document while it is parsed (``XMLEventParser``), without a tree; a document that parser leaves
    /// to the tree (see there) is parsed into an ``XMLTree`` and checked as before, so the verdict is the same.
    public func validate(bytes: [UInt8], cpuLimit: Duration) -> RelaxNGCheck {
        validate(bytes: bytes, foreign: nil, cpuLimit: cpuLimit)
    }

    /// As ``validate(bytes:cpuLimit:)``, with foreign content taken out while the document is parsed (the tree
    /// way, ``XMLTree/removeForeignContent(_:)``, for a document the parser leaves to the tree or whose root
    /// element is foreign).
    public func validate(
        bytes: [UInt8], removingForeignContent rule: XMLForeignContentRule, cpuLimit: Duration
    ) -> RelaxNGCheck {
        validate(bytes: bytes, foreign: rule, cpuLimit: cpuLimit)
    }

    private func validate(bytes: [UInt8], foreign rule: XMLForeignContentRule?, cpuLimit: Duration) -> RelaxNGCheck {
        let started = CPUClock.threadNanoseconds()
        let streamed: RelaxNGVerdict? = compiled.withEngine { engine in
            let run = ValidationRun(
                engine: engine, issueLimit: Self.issueLimit, cpuLimitNanoseconds: Self.nanoseconds(cpuLimit))
            let events = StreamedValidation(run, foreign: rule.map { ForeignContentFilter(rule: $0, engine: engine) })
            let outcome = engine.parser.parse(bytes, handler: events)
            if events.foreign?.rootIsForeign == true { return nil }
            switch outcome {
            case .unusual: return nil
            case .stopped: return .limitExceeded
            case .complete: return self.verdict(run, root: events.rootPosition ?? XMLPosition(line: 1, column: 0))
            }
        }
        let streamingTime = Duration.nanoseconds(Int64(CPUClock.threadNanoseconds() &- started))
        if let streamed { return RelaxNGCheck(verdict: streamed, cpuTime: streamingTime) }
        let tree: XMLTree
        do {
            tree = try XMLTree(bytes: bytes)
        } catch {
            return RelaxNGCheck(verdict: .malformed(error), cpuTime: .zero)
        }
        if let rule { tree.removeForeignContent(rule) }
        let parsed = Duration.nanoseconds(Int64(CPUClock.threadNanoseconds() &- started))
        guard parsed < cpuLimit else { return RelaxNGCheck(verdict: .limitExceeded, cpuTime: parsed) }
        var check = validate(tree, cpuLimit: cpuLimit - parsed)
        check.cpuTime += parsed
        return check
    }

    func verdict(_ run: ValidationRun, root: XMLPosition) -> RelaxNGVerdict {
        if run.timedOut { return .limitExceeded }
        if run.isValid { return .valid }
        let issues =
            run.issues.isEmpty
            ? [
                XMLValidityIssue(
                    line: root.line, column: root.column, message: "the document is incomplete for \(name)")
            ]
            : run.issues
        return .invalid(issues)
    }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        UInt64(max(0, duration.components.seconds)) * 1_000_000_000
            + UInt64(max(0, duration.components.attoseconds / 1_000_000_000))
    }
}
