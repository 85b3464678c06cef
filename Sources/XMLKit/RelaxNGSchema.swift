import CLibXML2
import CRelaxNGWorker

/// One schema-validity problem in a document: where, and libxml2's message.
public struct XMLValidityIssue: Sendable, Hashable {
    /// 1-based line of the problem (0 when none is known).
    public var line: Int
    /// 1-based column just after what is wrong, where Jing places it (``XMLPosition``); 0 when not known (libxml2's
    /// RELAX NG validator gives none).
    public var column: Int
    /// libxml2's message, trimmed; it names the element concerned.
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }
}

/// The outcome of one schema check and the CPU time it took.
public struct RelaxNGCheck: Sendable, Hashable {
    public var verdict: RelaxNGVerdict
    public var cpuTime: Duration

    public init(verdict: RelaxNGVerdict, cpuTime: Duration) {
        self.verdict = verdict
        self.cpuTime = cpuTime
    }
}

/// A schema check's verdict.
public enum RelaxNGVerdict: Sendable, Hashable {
    case valid
    /// Not valid; at most `issueLimit` issues (libxml2 repeats one mistake up the tree).
    case invalid([XMLValidityIssue])
    /// No verdict: the validation did not finish within its CPU-time limit and was stopped.
    case limitExceeded
    /// No verdict: the schema does not compile, or the validator stopped (a libxml2 crash on this input).
    case failed(String)
    /// The document is refused as ``XMLTree`` refuses it (not well-formed, entities declared); only from
    /// ``RelaxNGSchema/validate(bytes:cpuLimit:)``.
    case malformed(XMLError)
}

/// A compiled RELAX NG schema that checks documents: libxml2's (``RelaxNGSchema``) or the native engine (the RelaxNG
/// library). Implementations are shared across threads.
public protocol RelaxNGValidating: Sendable {
    /// A name for messages (the schema file name).
    var name: String { get }
    /// Validates `tree` within `cpuLimit` of CPU time. ID/IDREF cross-references are not checked (`jing -i`).
    func validate(_ tree: XMLTree, cpuLimit: Duration) -> RelaxNGCheck
    /// Parses `bytes` as ``XMLTree`` does (refusing what it refuses) and validates them.
    func validate(bytes: [UInt8], cpuLimit: Duration) -> RelaxNGCheck
    /// Validates `bytes` as ``validate(_:cpuLimit:)`` validates their ``XMLTree`` after
    /// ``XMLTree/removeForeignContent(_:)`` with `rule`.
    func validate(
        bytes: [UInt8], removingForeignContent rule: XMLForeignContentRule, cpuLimit: Duration
    )
        -> RelaxNGCheck
}

extension RelaxNGValidating {
    /// The tree's way: parsed, foreign content removed, validated (the parse is not part of the CPU-time limit).
    public func validate(
        bytes: [UInt8], removingForeignContent rule: XMLForeignContentRule, cpuLimit: Duration
    )
        -> RelaxNGCheck
    {
        let tree: XMLTree
        do {
            tree = try XMLTree(bytes: bytes)
        } catch {
            return RelaxNGCheck(verdict: .malformed(error), cpuTime: .zero)
        }
        tree.removeForeignContent(rule)
        return validate(tree, cpuLimit: cpuLimit)
    }
}

/// A RELAX NG schema file, checked by libxml2's validator in worker processes (``RelaxNGWorkerPool``).
///
/// Why not in this process: libxml2 2.9's RELAX NG validator (Debian 12) can run for hours on real documents
/// (its validation-state sets grow without bound on long, loosely ordered content) and cannot be interrupted,
/// and it reports ID/IDREF errors through process-wide handlers, not the validation context's. A worker is
/// single-threaded, has each schema compiled once (by the zygote it is forked from, ``RelaxNGZygote``), and is
/// killed when a validation overruns its time limit.
public final class RelaxNGSchema: RelaxNGValidating {
    /// The schema file; self-contained (includes and external references are not followed).
    public let path: String
    /// A name for messages (the schema file name).
    public let name: String
    private let pool: RelaxNGWorkerPool

    public convenience init(path: String, name: String) {
        self.init(path: path, name: name, pool: .shared)
    }

    /// A schema checked by the workers of `pool` (tests use a pool of their own).
    init(path: String, name: String, pool: RelaxNGWorkerPool) {
        self.path = path
        self.name = name
        self.pool = pool
    }

    /// Validates `tree` within `cpuLimit` of CPU time (parsing and validating in the worker; a loaded machine
    /// does not shorten it). ID/IDREF cross-references are not checked, as with `jing -i`.
    public func validate(_ tree: XMLTree, cpuLimit: Duration) -> RelaxNGCheck {
        guard tree.rootName != nil else {
            // Nothing left to validate (a foreign root removed): invalid, as RELAX NG needs an element.
            let issue = XMLValidityIssue(line: 1, column: 0, message: "the document has no root element left")
            return RelaxNGCheck(verdict: .invalid([issue]), cpuTime: .zero)
        }
        return check(document: tree.currentBytes(), cpuLimit: cpuLimit) { reply in
            // The worker may have parsed a serialisation of the tree: lines come from this tree's own elements.
            let issues = reply.issues.map {
                XMLValidityIssue(
                    line: tree.position(ofElementNumber: $0.elementNumber)?.line ?? $0.line, column: $0.column,
                    message: $0.message)
            }
            let fallback = XMLValidityIssue(line: tree.rootLine, column: 0, message: "not valid against \(name)")
            return issues.isEmpty ? [fallback] : issues
        }
    }

    /// Validates the document `bytes` as ``validate(_:cpuLimit:)`` validates their ``XMLTree``, without
    /// parsing them in this process: the worker parses them as `XMLTree` does and refuses what it refuses
    /// (``RelaxNGVerdict/malformed(_:)``), and the issues' lines are those the tree would give. Parsing is part
    /// of the CPU-time limit here too.
    public func validate(bytes: [UInt8], cpuLimit: Duration) -> RelaxNGCheck {
        guard bytes.count < Int(Int32.max) else {
            return RelaxNGCheck(verdict: .malformed(.inputTooLarge(bytes: bytes.count)), cpuTime: .zero)
        }
        return check(document: bytes, cpuLimit: cpuLimit) { reply in
            let issues = reply.issues.map {
                XMLValidityIssue(line: $0.line, column: $0.column, message: XMLError.oneLine($0.message))
            }
            let fallback = XMLValidityIssue(line: reply.rootLine, column: 0, message: "not valid against \(name)")
            return issues.isEmpty ? [fallback] : issues
        }
    }

    private func check(
        document: [UInt8], cpuLimit: Duration, issues: (RelaxNGWorkerReply) -> [XMLValidityIssue]
    ) -> RelaxNGCheck {
        let milliseconds = max(1, min(cpuLimit.milliseconds, Int64(UInt32.max)))
        let reply: RelaxNGWorkerReply
        do throws(RelaxNGWorkerFailure) {
            reply = try pool.validate(
                schemaPath: path, document: document, cpuLimit: UInt32(milliseconds),
                wallLimit: milliseconds * 10 + 10_000)
        } catch {
            switch error {
            case .limitExceeded: return RelaxNGCheck(verdict: .limitExceeded, cpuTime: cpuLimit)
            case .stopped(let why): return RelaxNGCheck(verdict: .failed(why), cpuTime: .zero)
            }
        }
        let verdict: RelaxNGVerdict
        switch reply.status {
        case UInt32(OVERBLIK_RELAXNG_VALID.rawValue): verdict = .valid
        case UInt32(OVERBLIK_RELAXNG_INVALID.rawValue): verdict = .invalid(issues(reply))
        case UInt32(OVERBLIK_RELAXNG_SCHEMA_FAILED.rawValue):
            verdict = .failed("the RELAX NG schema \(name) does not compile")
        case UInt32(OVERBLIK_RELAXNG_MALFORMED.rawValue):
            let first = reply.issues.first
            verdict = .malformed(
                XMLTree.failure(
                    message: first?.message, line: first?.line ?? 0, column: first?.column ?? 0, bytes: document))
        case UInt32(OVERBLIK_RELAXNG_ENTITIES_DECLARED.rawValue):
            verdict = .malformed(.forbiddenDTD(line: max(reply.issues.first?.line ?? 1, 1)))
        default: verdict = .failed("libxml2 could not read the document back for validation")
        }
        return RelaxNGCheck(verdict: verdict, cpuTime: .milliseconds(reply.cpuMilliseconds))
    }

    /// Stops the idle worker processes of this process (they are started again when needed) and returns their
    /// process ids; each has been reaped.
    @discardableResult
    public static func stopIdleWorkers() -> [Int32] { RelaxNGWorkerPool.shared.stopIdleWorkers() }

    /// Process ids of the idle worker processes (for tests that check none is left behind).
    public static var idleWorkerIDs: [Int32] { RelaxNGWorkerPool.shared.idleWorkerIDs }

    /// Process ids of the worker processes killed at a deadline or after a failure; each has been reaped.
    public static var killedWorkerIDs: [Int32] { RelaxNGWorkerPool.shared.killedWorkerIDs }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
