import FileSystemNames
import Foundation
import Synchronization
public import OverblikModel

/// Receives scan results in order of completion, from the scanner's threads but one call at a time (a sink needs
/// no locking of its own), all before ``DocumentScanner/run(roots:sink:progress:)`` returns.
///
/// The CLI writes them to a file; the estate store records them. A sink that throws stops the scan.
public protocol DocumentRecordSink: AnyObject {
    func accept(_ record: DocumentRecord) throws
    /// A directory or special file the walker reported instead of reading.
    func walkIssue(_ issue: WalkIssue) throws
}

/// A sink that writes records as bytes (the CLI's jsonl, json and csv): the scanner has each record encoded on
/// the reader thread that read it, in parallel and outside the lock that serialises the sink's calls, and hands
/// the bytes to ``accept(_:encoded:)`` in place of ``DocumentRecordSink/accept(_:)``.
public protocol DocumentRecordEncodingSink: DocumentRecordSink {
    /// Appends the bytes that stand for `record`. Called on reader threads, concurrently with one another and
    /// with the sink's other calls: it may read only what never changes during a scan.
    func encode(_ record: DocumentRecord, into bytes: inout [UInt8])
    /// ``DocumentRecordSink/accept(_:)`` with the bytes ``encode(_:into:)`` made of `record`.
    func accept(_ record: DocumentRecord, encoded: ArraySlice<UInt8>) throws
}

/// What one scan did, for the summary and the progress line.
public struct ScanProgress: Sendable, Hashable {
    public var files = 0
    public var errors = 0
    public var walkIssues = 0
    /// Files not read again because they are unchanged since the last scan (incremental rescans).
    public var unchanged = 0
    public var elapsed: Double = 0
    /// The most reader threads that read at once (the scanner's choice without `--jobs`).
    public var readers = 0

    public var filesPerSecond: Double { elapsed > 0 ? Double(files) / elapsed : 0 }

    public init() {}
}

/// Options for a scan.
public struct ScanOptions: Sendable, Hashable {
    /// Parallel readers asked for (`--jobs`; may exceed the core count); nil lets the scanner choose and adjust
    /// them while it reads (``ReaderConcurrency``).
    public var jobs: Int?
    public var followSymlinks: Bool
    /// Read every regular file, not only those with office-document extensions.
    public var allFiles: Bool
    /// Threads listing directories for this many readers, at most 4 (listing in parallel pays on rescans, where a
    /// file costs only a `stat`, and on network shares, where each listing waits on the server).
    static func walkers(readers: Int) -> Int { min(readers, 4) }

    public init(jobs: Int? = nil, followSymlinks: Bool = false, allFiles: Bool = false) {
        self.jobs = jobs.map { max(1, $0) }
        self.followSymlinks = followSymlinks
        self.allFiles = allFiles
    }
}

/// Walks roots and reads files in parallel with bounded memory.
///
/// Walker threads feed batches of paths into a bounded queue; reader threads turn them into records and hand
/// them to the sink, one batch at a time. The queue holds at most two batches per reader the scan may have,
/// so memory does not grow with the number of files.
public struct DocumentScanner: Sendable {
    /// Made when the first file needs reading: a rescan that finds every file unchanged reads none, and the
    /// catalog behind the reader's classifier need not even be parsed.
    private let reader: ReaderSource
    public let options: ScanOptions
    /// Asked on the walker threads, with the size and time the walker found, before a file is queued for
    /// reading: a file it calls unchanged since the last scan is counted in ``ScanProgress/unchanged`` and not
    /// read. Set by the estate store.
    public var skipUnchanged: (any UnchangedFiles)?

    public init(reader: DocumentReader, options: ScanOptions) {
        self.reader = ReaderSource { reader }
        self.options = options
    }

    /// A scanner whose reader is made by `makeReader` when the first file needs reading, once. When it
    /// throws, the scan stops with ``ScanError/readerUnavailable(_:)``.
    public init(makeReader: @escaping @Sendable () throws -> DocumentReader, options: ScanOptions) {
        self.reader = ReaderSource(makeReader)
        self.options = options
    }

    /// Whether the scanner reads a file with this name by default.
    public static func isCandidate(path: String) -> Bool {
        DocumentFormats.candidateExtensions.contains(DocumentReader.lowercasedExtension(of: path))
    }

    /// Paths and records travel in batches: one lock hand-off per batch instead of per file keeps the threads
    /// busy reading rather than waking each other.
    public static let batchSize = 32

    /// Validates every root first (throws ``ScanError/unreadableRoot(path:reason:)``), then scans them all.
    /// The sink and `progress` are called from the scanner's threads, one call at a time (never concurrently),
    /// and `run` returns once every call has returned.
    public func run(
        roots: [String], sink: any DocumentRecordSink, progress: ((ScanProgress) -> Void)? = nil
    ) throws -> ScanProgress {
        let walker = TreeWalker(followSymlinks: options.followSymlinks)
        for root in roots { try walker.validate(root: root) }
        let concurrency = ReaderConcurrency.forScan(jobs: options.jobs, roots: roots)
        let jobs = concurrency.maximum
        // At most 2 batches per reader waiting: memory is bounded by readers × batch size.
        let work = BoundedQueue<[WorkItem]?>(capacity: jobs * 2)
        let gate = SinkGate(sink: sink, progress: progress)
        let allFiles = options.allFiles
        let skipUnchanged = self.skipUnchanged
        let finished = DispatchGroup()

        // Listing in parallel pays on rescans (a file costs only a `stat`) and on network shares (each listing
        // waits on the server); a first scan of a local tree lists with as many walkers as readers start with.
        let listsInParallel = skipUnchanged != nil || concurrency.remote
        let walkerThreads = ScanOptions.walkers(readers: listsInParallel ? jobs : concurrency.initialLimit)
        finished.enter()
        let walkerThread = Thread {
            walker.walk(roots: roots, threads: walkerThreads, withStatus: skipUnchanged != nil) {
                ScanWalkVisitor(work: work, gate: gate, allFiles: allFiles, unchangedFiles: skipUnchanged)
            }
            // One end marker: each reader that takes it puts it back for the next, however many were started.
            work.push(nil)
            finished.leave()
        }
        walkerThread.stackSize = 1 << 20
        walkerThread.start()
        let readers = ScanReaders(
            work: work, gate: gate, concurrency: concurrency, source: self.reader, finished: finished)
        readers.start(concurrency.readersToStart())
        concurrency.startAdjusting()
        finished.wait()
        concurrency.stop()
        return try gate.finish(readers: concurrency.peak)
    }
}

/// The scanner's reader threads: as many as the reading limit allows at first, and one more for each slot the
/// climb adds later (started by a reader, which is still running, so the scan cannot end in between).
private final class ScanReaders: @unchecked Sendable {
    // Unchecked: every stored property is immutable and thread-safe itself.
    let work: BoundedQueue<[WorkItem]?>
    let gate: SinkGate
    let concurrency: ReaderConcurrency
    let source: ReaderSource
    let finished: DispatchGroup

    init(
        work: BoundedQueue<[WorkItem]?>, gate: SinkGate, concurrency: ReaderConcurrency, source: ReaderSource,
        finished: DispatchGroup
    ) {
        self.work = work
        self.gate = gate
        self.concurrency = concurrency
        self.source = source
        self.finished = finished
    }

    func start(_ count: Int) {
        for _ in 0..<count {
            finished.enter()
            let thread = Thread { [self] in
                read()
                finished.leave()
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    private func read() {
        var madeReader: DocumentReader?
        // A reader takes its reading slot before it takes work, and keeps it from batch to batch while the
        // limit allows: threads above the limit wait without holding a batch, and the same warm threads go on
        // reading rather than handing the slot (and their caches) to another thread after every batch.
        concurrency.acquire()
        defer { concurrency.release(filesRead: 0) }
        while true {
            guard let items = work.pop() else {
                work.push(nil)  // the end marker, for the next reader
                return
            }
            if gate.cancelled.isSet { continue }
            if madeReader == nil {
                do {
                    madeReader = try source.get()
                } catch {
                    gate.fail(.readerUnavailable("\(error)"))
                    continue
                }
            }
            guard let reader = madeReader else { continue }
            let done: [Result] = items.map { item in
                switch item {
                case .file(let path): return .record(reader.read(path: path))
                case .issue(let issue): return .issue(issue)
                }
            }
            // Walk issues ride in the same batches but were not read: only files count towards files/s.
            start(concurrency.keep(filesRead: items.count { if case .file = $0 { true } else { false } }))
            // Handed over on this thread, and released here too: a record freed on another thread than the one
            // that built it makes glibc's allocator lock this thread's arena, and the readers then wait on each
            // other (measured: 2 readers ran at the speed of one).
            gate.deliver(done)
        }
    }
}

/// Serialises the scanner threads' calls to the sink and keeps the counts; the first sink error cancels the scan.
private final class SinkGate: @unchecked Sendable {
    // Unchecked: `sink`, `progress`, `stats` and `failure` are only touched under `lock`.
    private let lock = NSLock()
    private let sink: any DocumentRecordSink
    private let encodingSink: (any DocumentRecordEncodingSink)?
    private let progress: ((ScanProgress) -> Void)?
    private let started = Date()
    private var stats = ScanProgress()
    private var failure: ScanError?
    let cancelled = AtomicFlag()

    init(sink: any DocumentRecordSink, progress: ((ScanProgress) -> Void)?) {
        self.sink = sink
        self.encodingSink = sink as? any DocumentRecordEncodingSink
        self.progress = progress
    }

    func deliver(_ batch: [Result]) {
        // Encoded before the lock is taken, on the calling reader thread: the other readers need not wait.
        var encoded: [UInt8] = []
        var ends: [Int] = []
        if let encodingSink {
            ends.reserveCapacity(batch.count)
            for case .record(let record) in batch {
                encodingSink.encode(record, into: &encoded)
                ends.append(encoded.count)
            }
        }
        var recordIndex = 0
        lock.lock()
        defer { lock.unlock() }
        guard failure == nil else { return }
        for result in batch {
            do {
                switch result {
                case .record(let record):
                    stats.files += 1
                    if record.error != nil { stats.errors += 1 }
                    if let encodingSink {
                        let start = recordIndex == 0 ? 0 : ends[recordIndex - 1]
                        try encodingSink.accept(record, encoded: encoded[start..<ends[recordIndex]])
                        recordIndex += 1
                    } else {
                        try sink.accept(record)
                    }
                case .unchanged(let count):
                    stats.unchanged += count
                case .issue(let issue):
                    stats.walkIssues += 1
                    try sink.walkIssue(issue)
                }
            } catch {
                failure = .sinkFailed("\(error)")
                cancelled.set()
                return
            }
        }
        stats.elapsed = Date().timeIntervalSince(started)
        progress?(stats)
    }

    /// Stops the scan for a reason other than the sink (the first reason is the one reported).
    func fail(_ error: ScanError) {
        lock.lock()
        defer { lock.unlock() }
        if failure == nil { failure = error }
        cancelled.set()
    }

    func finish(readers: Int) throws -> ScanProgress {
        lock.lock()
        defer { lock.unlock() }
        stats.elapsed = Date().timeIntervalSince(started)
        stats.readers = readers
        if let failure { throw failure }
        return stats
    }
}

/// The scanner's reader, made once by the first reader thread that needs it.
private final class ReaderSource: @unchecked Sendable {
    // Unchecked: `made` is only touched under `lock`; `make` is immutable.
    private let lock = NSLock()
    private let make: @Sendable () throws -> DocumentReader
    private var made: Swift.Result<DocumentReader, any Error>?

    init(_ make: @escaping @Sendable () throws -> DocumentReader) {
        self.make = make
    }

    func get() throws -> DocumentReader {
        lock.lock()
        defer { lock.unlock() }
        if made == nil { made = Swift.Result { try make() } }
        return try made!.get()
    }
}

/// What the walkers hand the readers.
private enum WorkItem: Sendable {
    case file(String)
    case issue(WalkIssue)
}

/// What reaches the sink, in order of completion.
private enum Result: Sendable {
    case record(DocumentRecord)
    /// Files skipped as unchanged since the previous result (counted, never named: no path string is made).
    case unchanged(Int)
    case issue(WalkIssue)
}

/// What a rescan knows about the files already in the store, asked directory by directory on the walker threads.
public protocol UnchangedFiles: Sendable {
    /// The check for the files directly in `directory` (its path with a trailing `/`), or nil when nothing
    /// under it is known.
    func directory(_ directory: String) -> (any UnchangedInDirectory)?
}

/// The check for one directory's files, used by one walker thread while it lists that directory.
public protocol UnchangedInDirectory: AnyObject {
    /// True when the file `name` (its bytes) in this directory has exactly the size and time the last scan
    /// stored: it is not read again, and counts as unchanged.
    func isUnchanged(name: UnsafeBufferPointer<UInt8>, status: FileStatus) -> Bool
    /// ``isUnchanged(name:status:)`` for several files at once, one answer each: `names` holds their names'
    /// bytes back to back, name `i` ending at `ends[i]`. Asking together lets the store's memory reads for
    /// all of them overlap rather than wait one after the other.
    func areUnchanged(names: UnsafeBufferPointer<UInt8>, ends: [Int], statuses: [FileStatus]) -> [Bool]
    /// The directory is listed: hand over whatever was collected.
    func finish()
}

extension UnchangedInDirectory {
    public func areUnchanged(names: UnsafeBufferPointer<UInt8>, ends: [Int], statuses: [FileStatus]) -> [Bool] {
        var start = 0
        return zip(ends, statuses).map { end, status in
            defer { start = end }
            return isUnchanged(name: UnsafeBufferPointer(rebasing: names[start..<end]), status: status)
        }
    }
}

/// One walker thread's side of the scan: files to read go to the readers in batches; files the store already
/// has unchanged are only counted, and no path string is made for them, so a rescan of an unchanged tree costs
/// little more than the walk itself. A directory's files are checked together (up to ``checkBatch`` at a time)
/// once they are listed.
private final class ScanWalkVisitor: WalkVisitor {
    let work: BoundedQueue<[WorkItem]?>
    let gate: SinkGate
    let cancelled: AtomicFlag
    let allFiles: Bool
    let unchangedFiles: (any UnchangedFiles)?
    private var directoryCheck: (any UnchangedInDirectory)?
    /// The directory being listed, and its files waiting for the check: names back to back, where each ends,
    /// and their statuses.
    private var directory = ""
    private var pendingNames: [UInt8] = []
    private var pendingEnds: [Int] = []
    private var pendingStatuses: [FileStatus] = []
    static let checkBatch = 1024
    private var batch: [WorkItem] = []
    private var unchanged = 0

    init(work: BoundedQueue<[WorkItem]?>, gate: SinkGate, allFiles: Bool, unchangedFiles: (any UnchangedFiles)?) {
        self.work = work
        self.gate = gate
        self.cancelled = gate.cancelled
        self.allFiles = allFiles
        self.unchangedFiles = unchangedFiles
        batch.reserveCapacity(DocumentScanner.batchSize)
    }

    func enterDirectory(_ directory: String) {
        self.directory = directory
        directoryCheck = unchangedFiles?.directory(directory)
    }

    func leaveDirectory() {
        checkPending()
        directoryCheck?.finish()
        directoryCheck = nil
        if unchanged >= 1024 { flushUnchanged() }
    }

    func file(named name: UnsafeBufferPointer<UInt8>, in directory: String, status: FileStatus?) -> Bool {
        if cancelled.isSet { return false }
        guard allFiles || DocumentFormats.isCandidate(name: name) else { return true }
        if directoryCheck != nil, let status {
            pendingNames.append(contentsOf: name)
            pendingEnds.append(pendingNames.count)
            pendingStatuses.append(status)
            if pendingEnds.count >= Self.checkBatch { checkPending() }
            return true
        }
        emit(.file(directory + FileSystemName.decode(name)))
        return true
    }

    /// Asks the check about the files waiting: unchanged ones are counted, the others go to the readers.
    private func checkPending() {
        guard let directoryCheck, !pendingEnds.isEmpty else { return }
        let answers = pendingNames.withUnsafeBufferPointer {
            directoryCheck.areUnchanged(names: $0, ends: pendingEnds, statuses: pendingStatuses)
        }
        var start = 0
        for (end, isUnchanged) in zip(pendingEnds, answers) {
            if isUnchanged {
                unchanged += 1
            } else {
                emit(.file(directory + pendingNames[start..<end].withUnsafeBufferPointer { FileSystemName.decode($0) }))
            }
            start = end
        }
        pendingNames.removeAll(keepingCapacity: true)
        pendingEnds.removeAll(keepingCapacity: true)
        pendingStatuses.removeAll(keepingCapacity: true)
    }

    /// A root that is itself a file.
    func file(_ path: String, status: FileStatus?) -> Bool {
        if cancelled.isSet { return false }
        guard allFiles || DocumentScanner.isCandidate(path: path) else { return true }
        if let status, let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")),
            let check = unchangedFiles?.directory(String(path[...slash]))
        {
            var name = Array(path.utf8[path.utf8.index(after: slash)...])
            let isUnchanged = name.withUnsafeMutableBufferPointer {
                check.isUnchanged(name: UnsafeBufferPointer($0), status: status)
            }
            check.finish()
            if isUnchanged {
                unchanged += 1
                return true
            }
        }
        emit(.file(path))
        return true
    }

    func issue(_ issue: WalkIssue) { emit(.issue(issue)) }

    func finish() {
        flushUnchanged()
        if !batch.isEmpty { work.push(batch) }
        batch = []
    }

    private func flushUnchanged() {
        if unchanged > 0 { gate.deliver([.unchanged(unchanged)]) }
        unchanged = 0
    }

    private func emit(_ item: WorkItem) {
        batch.append(item)
        if batch.count == DocumentScanner.batchSize {
            work.push(batch)
            batch.removeAll(keepingCapacity: true)
        }
    }
}

/// A blocking FIFO of fixed capacity: `push` waits while full, `pop` waits while empty.
///
/// Two condition variables on one mutex, each signalled once per change: a push wakes one waiting reader and
/// a pop one waiting walker. (One condition broadcast on every change woke all of a scan's walkers and readers
/// for each batch, and they went back to sleep: thousands of needless context switches per second.)
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    // Unchecked: `storage`, `head` and `count` are only touched with `mutex` held.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let notEmpty = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let notFull = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var storage: [Element?]
    private var head = 0
    private var count = 0

    init(capacity: Int) {
        storage = Array(repeating: nil, count: max(1, capacity))
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(notEmpty, nil)
        pthread_cond_init(notFull, nil)
    }

    deinit {
        pthread_cond_destroy(notFull)
        pthread_cond_destroy(notEmpty)
        pthread_mutex_destroy(mutex)
        notFull.deallocate()
        notEmpty.deallocate()
        mutex.deallocate()
    }

    func push(_ element: Element) {
        pthread_mutex_lock(mutex)
        while count == storage.count { pthread_cond_wait(notFull, mutex) }
        storage[(head + count) % storage.count] = element
        count += 1
        pthread_cond_signal(notEmpty)
        pthread_mutex_unlock(mutex)
    }

    func pop() -> Element {
        pthread_mutex_lock(mutex)
        while count == 0 { pthread_cond_wait(notEmpty, mutex) }
        let element = storage[head]!
        storage[head] = nil
        head = (head + 1) % storage.count
        count -= 1
        pthread_cond_signal(notFull)
        pthread_mutex_unlock(mutex)
        return element
    }
}

/// A set-once flag shared between threads (read for every file, so an atomic rather than a lock).
final class AtomicFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool { value.load(ordering: .relaxed) }

    func set() { value.store(true, ordering: .relaxed) }
}
