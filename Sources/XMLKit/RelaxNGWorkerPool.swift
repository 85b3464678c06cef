import CRelaxNGWorker
import Glibc
import Synchronization

/// Why a worker gave no verdict.
enum RelaxNGWorkerFailure: Error {
    /// The worker used up its CPU-time limit (it ended itself), or the wall-clock backstop passed and it was killed.
    case limitExceeded
    /// The worker could not be started, or stopped without answering (crashed inside libxml2, killed).
    case stopped(String)
}

/// A worker's answer: libxml2's status and the issues it reported, located by element number.
struct RelaxNGWorkerReply {
    struct Issue {
        /// 1-based document-order number of the element the message is about; 0 when none.
        var elementNumber: Int
        var line: Int
        var column: Int
        var message: String
    }

    var status: UInt32
    var issues: [Issue]
    /// CPU time the worker spent parsing and validating.
    var cpuMilliseconds: Int
    /// Line of the document's root element (1 when it has none).
    var rootLine: Int
}

/// One worker process (see CRelaxNGWorker.h), used by one thread at a time.
private final class RelaxNGWorker: @unchecked Sendable {
    let pid: pid_t
    let socket: Int32
    /// Paths of the schemas the worker has compiled (or inherited from the zygote), so that a request goes to
    /// a worker that need not compile its schema.
    var schemas: Set<String>
    /// The zygote that forked it and reaps it, and its generation; nil when this process started it.
    private let zygote: (RelaxNGZygote, generation: Int)?

    /// Starts a worker from this executable; it compiles each schema itself on first use.
    init() throws(RelaxNGWorkerFailure) {
        var pid: pid_t = 0
        let socket = overblik_relaxng_spawn_worker(&pid)
        guard socket >= 0 else { throw .stopped("the RELAX NG worker process could not be started") }
        self.pid = pid
        self.socket = socket
        schemas = []
        zygote = nil
    }

    /// Forks a worker from `zygote` that has `schemaPath` compiled; nil when the zygote is off or broken.
    init?(zygote: RelaxNGZygote, schemaPath: String) {
        guard let forked = zygote.forkWorker(schemaPath: schemaPath) else { return nil }
        pid = forked.pid
        socket = forked.socket
        schemas = forked.schemas
        self.zygote = (zygote, forked.generation)
    }

    /// One request. On any failure the worker is stopped (killed when stuck) and reaped before this throws.
    func exchange(
        schemaPath: String, document: [UInt8], cpuLimit: UInt32, wallLimit: Int64
    )
        throws(RelaxNGWorkerFailure) -> RelaxNGWorkerReply
    {
        let sent = document.withUnsafeBytes {
            overblik_relaxng_send(socket, cpuLimit, schemaPath, $0.baseAddress, UInt64($0.count))
        }
        var buffer: UnsafeMutablePointer<UInt8>?
        var length = 0
        let received = sent == 0 ? overblik_relaxng_receive(socket, wallLimit, &buffer, &length) : -1
        switch received {
        case 0: break
        case 1:
            stop(force: true)
            throw .limitExceeded
        default:
            let status = stop(force: true)
            if overblik_relaxng_ended_by_cpu_limit(status) != 0 { throw .limitExceeded }
            let signal = overblik_relaxng_ending_signal(status)
            throw .stopped("the RELAX NG validator stopped" + (signal != 0 ? " (signal \(signal))" : ""))
        }
        defer { free(buffer) }
        return Self.decode(UnsafeRawBufferPointer(start: buffer, count: length))
    }

    /// Decodes a response the C side has already read whole and checked for size.
    private static func decode(_ bytes: UnsafeRawBufferPointer) -> RelaxNGWorkerReply {
        var offset = 0
        func take<T: FixedWidthInteger>(_: T.Type) -> T {
            defer { offset += MemoryLayout<T>.size }
            return bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        }
        _ = take(UInt32.self)
        let status = take(UInt32.self)
        let count = take(UInt32.self)
        let cpu = Int(take(UInt32.self))
        let rootLine = Int(take(UInt32.self))
        var issues: [RelaxNGWorkerReply.Issue] = []
        for _ in 0..<count {
            let element = Int(take(Int64.self))
            let line = Int(take(Int32.self))
            let column = Int(take(Int32.self))
            let length = Int(take(UInt32.self))
            let message = String(decoding: bytes[offset..<offset + length], as: UTF8.self)
            offset += length
            issues.append(.init(elementNumber: element, line: line, column: column, message: message))
        }
        return RelaxNGWorkerReply(status: status, issues: issues, cpuMilliseconds: cpu, rootLine: rootLine)
    }

    /// Kills (when stuck) and reaps the process: no worker outlives its use. Returns its wait status.
    @discardableResult
    func stop(force: Bool) -> Int32 {
        guard let (zygote, generation) = zygote else { return overblik_relaxng_stop_worker(pid, socket, force ? 1 : 0) }
        if force { kill(pid, SIGKILL) }
        close(socket)  // an idle worker reads end-of-file and exits; its parent, the zygote, reaps it
        return zygote.reap(pid, generation: generation)
    }
}

/// The worker processes that run libxml2's RELAX NG validator for this process.
///
/// A worker is taken for one document and given back; concurrent callers get workers of their own (at most as
/// many as there are concurrent callers). Workers are forked from the zygote (``RelaxNGZygote``), which compiles
/// each schema once: a request goes to an idle worker that has its schema, else to a fresh fork that replaces an
/// idle one without it. A worker that overruns its deadline is killed and reaped at once, so a stuck validation
/// costs neither a thread nor a process.
final class RelaxNGWorkerPool: Sendable {
    static let shared = RelaxNGWorkerPool(zygote: RelaxNGZygote(enabled: RelaxNGZygote.enabledByEnvironment))

    private let zygote: RelaxNGZygote

    private let idle = Mutex<[RelaxNGWorker]>([])
    /// Workers kept waiting between documents; more are stopped when given back.
    private let idleLimit: Int
    /// Process ids of workers killed at a deadline or after a failure (for tests: each must be reaped).
    private let killed = Mutex<[Int32]>([])

    init(zygote: RelaxNGZygote, idleLimit: Int = 16) {
        self.zygote = zygote
        self.idleLimit = idleLimit
    }

    /// Validates `document` against the schema file at `schemaPath` in a worker, within `cpuLimit` milliseconds
    /// of the worker's CPU time and, as a backstop for a worker that stops making progress, `wallLimit`
    /// milliseconds of wall-clock time.
    func validate(
        schemaPath: String, document: [UInt8], cpuLimit: UInt32, wallLimit: Int64
    )
        throws(RelaxNGWorkerFailure) -> RelaxNGWorkerReply
    {
        let worker = try take(for: schemaPath)
        do throws(RelaxNGWorkerFailure) {
            let reply = try worker.exchange(
                schemaPath: schemaPath, document: document, cpuLimit: cpuLimit, wallLimit: wallLimit)
            giveBack(worker)
            return reply
        } catch {
            killed.withLock { $0.append(worker.pid) }
            throw error
        }
    }

    /// An idle worker that has the schema, else a fresh fork from the zygote (which replaces an idle worker
    /// without it), else an idle worker or a new one started from this executable that compiles it itself.
    private func take(for schemaPath: String) throws(RelaxNGWorkerFailure) -> RelaxNGWorker {
        let (ready, other) = idle.withLock { workers -> (RelaxNGWorker?, RelaxNGWorker?) in
            if let index = workers.lastIndex(where: { $0.schemas.contains(schemaPath) }) {
                return (workers.remove(at: index), nil)
            }
            return (nil, workers.popLast())
        }
        if let ready { return ready }
        if let forked = RelaxNGWorker(zygote: zygote, schemaPath: schemaPath) {
            other?.stop(force: false)
            return forked
        }
        let worker: RelaxNGWorker
        if let other { worker = other } else { worker = try RelaxNGWorker() }
        worker.schemas.insert(schemaPath)
        return worker
    }

    private func giveBack(_ worker: RelaxNGWorker) {
        let kept = idle.withLock { workers in
            guard workers.count < idleLimit else { return false }
            workers.append(worker)
            return true
        }
        if !kept { worker.stop(force: false) }
    }

    /// Stops every idle worker and returns their process ids (each reaped).
    @discardableResult
    func stopIdleWorkers() -> [Int32] {
        let workers = idle.withLock { workers in
            defer { workers.removeAll() }
            return workers
        }
        for worker in workers { worker.stop(force: false) }
        let zygote = zygote.stopIfUnused()
        return workers.map(\.pid) + (zygote.map { [$0] } ?? [])
    }

    /// Process id of the running zygote, if any.
    var zygoteID: Int32? { zygote.runningID }

    /// Process ids of the idle workers.
    var idleWorkerIDs: [Int32] { idle.withLock { $0.map(\.pid) } }

    /// Process ids of the workers killed so far (already reaped).
    var killedWorkerIDs: [Int32] { killed.withLock { $0 } }
}
