import Foundation

/// The number of files a scan of the roots will consider, counted by a walk of its own beside the scan, so that
/// a first scan — with no earlier scan of the roots to say how many to expect — can still show "N of M files"
/// and the time left once the count is done. The scan's own walk cannot tell: it waits for the readers (its
/// queue is bounded) and ends with them. Listing is cheap beside reading, even on a share: one directory
/// request returns many names, and no file is opened or stat'ed.
public final class CandidateCount: @unchecked Sendable {
    // Unchecked: `counted` is only touched under `lock`; `stopped` is atomic.
    private let lock = NSLock()
    private var counted: Int?
    private let stopped = AtomicFlag()

    /// Starts counting on a thread of its own.
    public init(roots: [String], options: ScanOptions) {
        let walker = TreeWalker(followSymlinks: options.followSymlinks)
        let tally = Tally(allFiles: options.allFiles, stopped: stopped)
        let thread = Thread { [self] in
            walker.walk(roots: roots, threads: 1, withStatus: false) { CountingVisitor(tally) }
            guard !stopped.isSet else { return }
            lock.lock()
            counted = tally.value
            lock.unlock()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// The total, once the walk is done; nil before (or when stopped).
    public var total: Int? {
        lock.lock()
        defer { lock.unlock() }
        return counted
    }

    /// Ends the walk early (the scan finished first).
    public func stop() { stopped.set() }

    /// The running count, shared by the walk's visitors.
    private final class Tally: @unchecked Sendable {
        // Unchecked: `value` is only touched under `lock`.
        private let lock = NSLock()
        private var count = 0
        let allFiles: Bool
        let stopped: AtomicFlag

        init(allFiles: Bool, stopped: AtomicFlag) {
            self.allFiles = allFiles
            self.stopped = stopped
        }

        var value: Int {
            lock.lock()
            defer { lock.unlock() }
            return count
        }

        func add(_ files: Int) {
            lock.lock()
            count += files
            lock.unlock()
        }
    }

    /// Counts what the scanner's own visitor would queue: candidates by name (every regular file with
    /// `allFiles`), roots that are files included.
    private final class CountingVisitor: WalkVisitor {
        let tally: Tally
        var files = 0

        init(_ tally: Tally) { self.tally = tally }

        func file(_ path: String, status: FileStatus?) -> Bool {
            if tally.allFiles || DocumentScanner.isCandidate(path: path) { files += 1 }
            return !tally.stopped.isSet
        }

        func file(named name: UnsafeBufferPointer<UInt8>, in directory: String, status: FileStatus?) -> Bool {
            if tally.allFiles || DocumentFormats.isCandidate(name: name) { files += 1 }
            return !tally.stopped.isSet
        }

        func issue(_ issue: WalkIssue) {}

        func finish() {
            tally.add(files)
            files = 0
        }
    }
}
