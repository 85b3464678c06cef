import Foundation

/// How many of the scanner's reader threads may read at once.
///
/// Reading a warm local tree is CPU-bound: more readers than cores only add switching. Reading a cold disk or a
/// network share is latency-bound: each reader mostly waits, and more of them in flight keep the device or
/// server busy. Which one a tree is cannot be known before reading it, so without `--jobs` the scanner starts
/// as many readers as there are cores, and climbs (starting a reader thread for each slot the first time the
/// limit allows it, so that a CPU-bound tree never has idle threads about): it doubles the limit while a
/// doubling raises the files read per second by at least a tenth, and goes back when it does not; it tries
/// again now and then, as a tree's cache state changes while it is read. With `--jobs` the limit is fixed.
final class ReaderConcurrency: @unchecked Sendable {
    // Unchecked: every mutable field is only touched under `condition`.
    private let condition = NSCondition()
    private var reading = 0
    private var limit: Int
    private var highest: Int
    private var filesRead = 0
    private var stopped = false
    /// Reader threads started so far: the scanner starts one per slot the limit allows, and more only when the
    /// climb raises it, so a warm local tree is read by as many threads as `--jobs` with the cores would start.
    private var started = 0
    let maximum: Int
    /// The limit the scan starts at: the readers `--jobs` asked for, else the cores.
    let initialLimit: Int
    let adaptive: Bool
    /// A root is on a network file system (the ceiling is higher, and listing in parallel pays).
    let remote: Bool

    /// A fixed number of readers.
    init(fixed readers: Int) {
        limit = max(1, readers)
        highest = limit
        maximum = limit
        initialLimit = limit
        adaptive = false
        remote = false
    }

    /// Starts at `initial` readers and may grow to `maximum`.
    init(initial: Int, maximum: Int, remote: Bool = false) {
        self.remote = remote
        limit = max(1, min(initial, maximum))
        highest = limit
        initialLimit = limit
        self.maximum = max(limit, maximum)
        adaptive = self.maximum > limit
    }

    /// The readers for a scan of `roots`: `jobs` when given; else the cores to start with, and up to four times
    /// as many on local file systems, eight times (at least 32) when a root is on a network file system, whose
    /// every open and read waits on a server.
    static func forScan(jobs: Int?, roots: [String]) -> ReaderConcurrency {
        if let jobs { return ReaderConcurrency(fixed: jobs) }
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let remote = roots.contains { FileSystemKind.of(path: $0).isRemote }
        return ReaderConcurrency(initial: cores, maximum: remote ? max(32, cores * 8) : cores * 4, remote: remote)
    }

    /// How many more reader threads to start now: those the limit allows beyond the ones already started
    /// (all of them the first time; later, the ones a raised limit lets read).
    func readersToStart() -> Int {
        condition.lock()
        defer { condition.unlock() }
        return claimStarts()
    }

    /// On a network file system every thread the climb may use is started at once: a batch there takes a good
    /// part of a second, and a thread started by a reader only after its batch made each step of the climb come
    /// that much later (measured with `bench/remote.sh`: 3.3 s became 4.2 s for 2,000 documents).
    private func claimStarts() -> Int {
        let wanted = remote ? maximum : limit
        guard !stopped, wanted > started else { return 0 }
        let count = wanted - started
        started = wanted
        return count
    }

    /// Waits for a reading slot.
    func acquire() {
        condition.lock()
        while reading >= limit && !stopped { condition.wait() }
        reading += 1
        condition.unlock()
    }

    /// Gives the slot back, with the number of files read while holding it.
    func release(filesRead count: Int) {
        condition.lock()
        reading -= 1
        filesRead += count
        condition.signal()
        condition.unlock()
    }

    /// Counts the files a reader read while it keeps its slot for the next batch. When the limit has come down
    /// below the readers reading, the slot is given up here and this waits for one again. Returns how many
    /// more reader threads to start (``readersToStart()``), which the calling reader starts.
    @discardableResult
    func keep(filesRead count: Int) -> Int {
        condition.lock()
        defer { condition.unlock() }
        filesRead += count
        if reading > limit && !stopped {
            reading -= 1
            condition.signal()
            while reading >= limit && !stopped { condition.wait() }
            reading += 1
        }
        return claimStarts()
    }

    /// The most readers that were allowed to read at once during the scan.
    var peak: Int {
        condition.lock()
        defer { condition.unlock() }
        return highest
    }

    /// Runs the climb on a thread of its own until ``stop()``; nothing when the limit is fixed.
    func startAdjusting(window: TimeInterval = 1.0) {
        guard adaptive else { return }
        let thread = Thread { [self] in adjust(window: window) }
        thread.stackSize = 256 << 10
        thread.start()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func adjust(window: TimeInterval) {
        var climb = Climb(limit: limit, maximum: maximum)
        var windowStart = Date()
        condition.lock()
        defer { condition.unlock() }
        while !stopped {
            _ = condition.wait(until: windowStart.addingTimeInterval(window))
            if stopped { break }
            let now = Date()
            let elapsed = now.timeIntervalSince(windowStart)
            guard elapsed >= window else { continue }
            let rate = Double(filesRead) / elapsed
            filesRead = 0
            windowStart = now
            let next = climb.next(rate: rate, at: now)
            if next != limit {
                limit = next
                highest = max(highest, next)
                condition.broadcast()
            }
        }
    }
}

/// The climbing rule on its own, so it can be tested with made-up rates: each call gives the limit for the next
/// window from the files per second measured in the window that just ended.
struct Climb {
    private(set) var limit: Int
    let maximum: Int
    /// The best limit known so far and its rate.
    private var settled: (limit: Int, rate: Double)?
    /// While settled, when to try a higher limit again.
    private var retryAfter: Date?
    /// How much better a doubled limit must do to be kept.
    static let gain = 1.10
    /// How long to stay at a settled limit before trying higher again.
    static let retryInterval: TimeInterval = 15

    init(limit: Int, maximum: Int) {
        self.limit = limit
        self.maximum = maximum
    }

    mutating func next(rate: Double, at now: Date) -> Int {
        // A window in which nothing was read says nothing about the readers (the walker is still listing, or
        // every file was unchanged): stay.
        guard rate > 0 else { return limit }
        guard let best = settled else {
            settled = (limit, rate)
            return grow()
        }
        if limit > best.limit {
            if rate >= best.rate * Self.gain {
                settled = (limit, rate)
                return grow()
            }
            // Doubling did not pay: back to the settled limit, and try again later.
            limit = best.limit
            retryAfter = now.addingTimeInterval(Self.retryInterval)
            return limit
        }
        settled = (limit, rate)
        if let retryAfter, now < retryAfter { return limit }
        retryAfter = nil
        return grow()
    }

    private mutating func grow() -> Int {
        limit = min(maximum, limit * 2)
        return limit
    }
}

/// The kind of file system a path is on, from the mount table: network file systems make every open and read
/// wait on a server, so a scan there is worth many more readers than cores.
enum FileSystemKind: Equatable {
    case local(String)
    case network(String)
    case unknown

    var isRemote: Bool {
        if case .network = self { return true }
        return false
    }

    /// Types whose files live on another machine. Every FUSE file system (`fuse.<name>`) counts too: most are
    /// front-ends to a server (sshfs, rclone, s3fs, smbnetfs, davfs2, a sync client's mount), and for one that is
    /// not, the higher ceiling only lets the readers grow while they make the reading faster. (`fuseblk`, a
    /// local disk through ntfs-3g, is not `fuse.`.)
    static let networkTypes: Set<String> = [
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "afs", "9p", "coda", "ncpfs", "glusterfs", "lustre",
        "davfs",
    ]

    static func isNetwork(type: String) -> Bool {
        networkTypes.contains(type) || type.hasPrefix("fuse.")
    }

    static func of(path: String) -> FileSystemKind {
        guard let table = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return .unknown }
        let real = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        return of(path: real, mountInfo: table)
    }

    /// The type of the mount with the longest mount point containing `path` (absolute, links resolved), from
    /// the text of `/proc/self/mountinfo` (`man 5 proc`: the mount point is field 5, the type follows ` - `).
    static func of(path: String, mountInfo: String) -> FileSystemKind {
        var best: (point: String, type: String)?
        for line in mountInfo.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count > 4, let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count else { continue }
            let point = unescape(String(fields[4]))
            let contains = point == "/" || path == point || path.hasPrefix(point + "/")
            if contains, point.count >= (best?.point.count ?? -1) { best = (point, String(fields[dash + 1])) }
        }
        guard let type = best?.type else { return .unknown }
        return isNetwork(type: type) ? .network(type) : .local(type)
    }

    /// Mount points write space, tab, newline and backslash as octal escapes (`\040`).
    private static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "\\"), utf8.count >= 3,
                let code = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8)
            {
                bytes.append(code)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
