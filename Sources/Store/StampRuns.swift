import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The stamps one scan session staged, gathered as it stages them, so that a first scan's finish writes the root's
/// snapshot (``FileIndexSnapshot``) from them instead of reading every row back from `documents` (at 100,000
/// files that read took 88 ms of the finish, on one core, after every file was read).
///
/// Memory stays flat with the number of files: the stamps gather in one run of at most ``capacity`` entries
/// (2 MB at the default); a full run is sorted and spilled to a temporary file, and the finish merges the sorted
/// runs. A scan that fills no run never touches disk. A digest staged twice keeps its last stamp, as the stage's
/// `INSERT OR REPLACE` keeps the last row.
struct StampRuns {
    /// Entries in one run (32 bytes each).
    static let defaultCapacity = 65_536

    /// The run length of the sessions begun in this task: tests give a few entries, so that small scans spill.
    @TaskLocal static var capacity = defaultCapacity

    private let capacity: Int
    /// Where the spill file is made (the store's folder, or the temporary folder for a store in memory).
    private let directory: String
    private var run: [StampTable.Entry] = []
    private var spill: SpillFile?
    /// The spilled runs, sorted and each digest once, in the order they were staged.
    private var spilled: [(offset: Int, count: Int)] = []
    private var spilledBytes = 0

    init(capacity: Int = Self.capacity, directory: String) {
        precondition(capacity > 0, "a run holds at least one entry")
        self.capacity = capacity
        self.directory = directory
    }

    /// The folder spill files go to for a store at `location`: beside it (the temporary folder may be memory),
    /// else `TMPDIR`.
    static func directory(forStoreAt location: String) -> String {
        guard location != ":memory:", !location.isEmpty else { return FileManager.default.temporaryDirectory.path }
        return URL(fileURLWithPath: location).deletingLastPathComponent().path
    }

    /// Gathers the stamp of a row staged with path key `key`; false when the runs cannot stand for the rows any
    /// more (a key that is not a digest, a spill that failed): the caller then drops them.
    mutating func add(key: String, size: Int64, modified: Double) -> Bool {
        guard
            let digest = key.utf8.withContiguousStorageIfAvailable({ PathDigest(keyBytes: $0) }) ?? PathDigest(key: key)
        else { return false }
        // SQLite keeps a REAL that is a whole number as an integer and reads it back as +0.0 for -0.0: the
        // stamp the rows give back.
        let stamp = FileStamp(size: size, modifiedSeconds: modified == 0 ? 0 : modified)
        run.append(StampTable.Entry(digest: digest, stamp: stamp))
        return run.count < capacity || spillRun()
    }

    /// Sorts the run (keeping the last stamp of a digest) and appends it to the spill file.
    private mutating func spillRun() -> Bool {
        Self.sortKeepingLast(&run)
        if spill == nil { spill = SpillFile(directory: directory) }
        let written = spill.map { file in run.withUnsafeBytes { file.write($0, at: spilledBytes) } } ?? false
        guard written else {
            // Nothing to merge without the run: the caller drops the runs (the snapshot is read from the rows).
            spill = nil
            run = []
            return false
        }
        spilled.append((spilledBytes, run.count))
        spilledBytes += run.count * MemoryLayout<StampTable.Entry>.stride
        run.removeAll(keepingCapacity: true)
        return true
    }

    /// Sorts `entries` by digest, leaving each digest once with the stamp given last.
    static func sortKeepingLast(_ entries: inout [StampTable.Entry]) {
        if entries.count > 1 { entries = bucketSorted(entries) }
        var kept = 0
        for index in entries.indices {
            if kept > 0, entries[kept - 1].digest == entries[index].digest {
                entries[kept - 1] = entries[index]
            } else {
                entries[kept] = entries[index]
                kept += 1
            }
        }
        entries.removeLast(entries.count - kept)
    }

    /// `entries` in digest order, stable (of two entries for a digest the later stays later). Digests are keyed
    /// hashes, spread evenly: one counting pass on their first bits puts them in buckets of a few entries each,
    /// which are then sorted on their own (the finish's last run of 20,000 entries: 0.9 ms, against 1.9 ms
    /// with the standard library's sort).
    private static func bucketSorted(_ entries: [StampTable.Entry]) -> [StampTable.Entry] {
        let count = entries.count
        // About four entries a bucket, at most 2^16 buckets.
        let bits = min(16, max(1, Int.bitWidth - (count / 4).leadingZeroBitCount))
        let shift = UInt64(64 - bits)
        var starts = [Int](repeating: 0, count: (1 << bits) + 1)
        for entry in entries { starts[Int(entry.digest.high >> shift) + 1] += 1 }
        for bucket in 1..<starts.count { starts[bucket] += starts[bucket - 1] }
        var sorted = [StampTable.Entry](unsafeUninitializedCapacity: count) { buffer, initialized in
            var next = starts
            for entry in entries {
                let bucket = Int(entry.digest.high >> shift)
                (buffer.baseAddress! + next[bucket]).initialize(to: entry)
                next[bucket] += 1
            }
            initialized = count
        }
        sorted.withUnsafeMutableBufferPointer { sorted in
            for bucket in 0..<(starts.count - 1) where starts[bucket + 1] - starts[bucket] > 1 {
                let range = starts[bucket]..<starts[bucket + 1]
                guard range.count <= 16 else {
                    // A crowded bucket (digests not spread, as in tests): the standard library's stable sort.
                    sorted[range].sort { $0.digest < $1.digest }
                    continue
                }
                // Insertion sort, moving an entry only past greater digests: stable.
                for index in range.dropFirst() {
                    let entry = sorted[index]
                    var hole = index
                    while hole > range.lowerBound, entry.digest < sorted[hole - 1].digest {
                        sorted[hole] = sorted[hole - 1]
                        hole -= 1
                    }
                    sorted[hole] = entry
                }
            }
        }
        return sorted
    }

    /// The runs, sorted, for the finish to merge; the runs are then empty.
    mutating func sorted() -> Sorted {
        Self.sortKeepingLast(&run)
        defer {
            run = []
            spill = nil
            spilled = []
            spilledBytes = 0
        }
        return Sorted(spill: spill, spilled: spilled, last: run)
    }

    /// Sorted runs, merged in digest order by ``forEach(_:)``.
    struct Sorted: Sendable {
        fileprivate let spill: SpillFile?
        fileprivate let spilled: [(offset: Int, count: Int)]
        /// The run still in memory, staged after every spilled one.
        fileprivate let last: [StampTable.Entry]

        /// How many runs were spilled to disk.
        var spilledRuns: Int { spilled.count }

        /// Calls `body` with each digest's last staged stamp in ascending digest order; false when a spilled run
        /// could not be read back (the entries given so far are then not all).
        func forEach(_ body: (StampTable.Entry) throws -> Void) rethrows -> Bool {
            if spilled.isEmpty {
                for entry in last { try body(entry) }
                return true
            }
            guard let spill else { return false }
            var merge = Merge(spill: spill, spilled: spilled, last: last)
            return try merge.run(body)
        }
    }

    /// A k-way merge of sorted runs through a binary heap of their heads. Of equal digests the later run's comes
    /// out last and wins (the heap orders ties by run).
    private struct Merge {
        /// Entries read from a spilled run at a time (64 KB).
        static let chunk = 2048

        struct Source {
            var buffer: [StampTable.Entry]
            var next = 0
            /// Where the entries not yet read start in the spill file, and how many there are.
            var offset: Int
            var remaining: Int
        }

        let spill: SpillFile
        var sources: [Source]
        /// Each source's entry not yet given out (valid for the sources in the heap): compared without going
        /// through its buffer.
        var heads: [StampTable.Entry]
        /// The sources that have an entry, as a min-heap on (head digest, source).
        var heap: [Int] = []
        var failed = false

        init(spill: SpillFile, spilled: [(offset: Int, count: Int)], last: [StampTable.Entry]) {
            self.spill = spill
            sources = spilled.map { Source(buffer: [], offset: $0.offset, remaining: $0.count) }
            sources.append(Source(buffer: last, offset: 0, remaining: 0))
            heads = sources.map { _ in
                StampTable.Entry(digest: PathDigest(high: 0, low: 0), stamp: FileStamp(size: 0, modifiedSeconds: 0))
            }
        }

        mutating func run(_ body: (StampTable.Entry) throws -> Void) rethrows -> Bool {
            for source in sources.indices where advance(source) { push(source) }
            var pending: StampTable.Entry?
            while let source = heap.first, !failed {
                let entry = heads[source]
                if advance(source) { siftDown() } else { popFirst() }
                if let held = pending, held.digest != entry.digest { try body(held) }
                pending = entry
            }
            if failed { return false }
            if let pending { try body(pending) }
            return true
        }

        /// Moves the source's next entry into its head, reading its next chunk when the buffer is used up; false
        /// when it has none left (or it could not be read).
        mutating func advance(_ source: Int) -> Bool {
            if sources[source].next == sources[source].buffer.count {
                guard refill(source) else { return false }
            }
            heads[source] = sources[source].buffer[sources[source].next]
            sources[source].next += 1
            return true
        }

        mutating func refill(_ source: Int) -> Bool {
            let count = min(Self.chunk, sources[source].remaining)
            guard count > 0, !failed else { return false }
            let offset = sources[source].offset
            var read = false
            let buffer = [StampTable.Entry](unsafeUninitializedCapacity: count) { buffer, initialized in
                read = spill.read(into: UnsafeMutableRawBufferPointer(buffer), at: offset)
                initialized = read ? count : 0
            }
            guard read else {
                failed = true
                return false
            }
            sources[source].buffer = buffer
            sources[source].next = 0
            sources[source].offset += count * MemoryLayout<StampTable.Entry>.stride
            sources[source].remaining -= count
            return true
        }

        @inline(__always)
        func precedes(_ one: Int, _ other: Int) -> Bool {
            let left = heads[one].digest
            let right = heads[other].digest
            return left != right ? left < right : one < other
        }

        mutating func push(_ source: Int) {
            heap.append(source)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard precedes(heap[child], heap[parent]) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        }

        mutating func popFirst() {
            let last = heap.removeLast()
            guard !heap.isEmpty else { return }
            heap[0] = last
            siftDown()
        }

        /// Restores the heap after its first source's head grew.
        mutating func siftDown() {
            var parent = 0
            while true {
                let left = 2 * parent + 1
                guard left < heap.count else { return }
                let right = left + 1
                let child = right < heap.count && precedes(heap[right], heap[left]) ? right : left
                guard precedes(heap[child], heap[parent]) else { return }
                heap.swapAt(child, parent)
                parent = child
            }
        }
    }
}

/// A temporary file no folder lists: removed as soon as it is made, so that its bytes go when it is closed (at
/// the finish, on an error or cancel, or when the process is killed) and nothing is left behind.
final class SpillFile: Sendable {
    let descriptor: Int32

    /// Nil when no file can be made in `directory`.
    init?(directory: String) {
        let path = directory + "/.overblik-stamps-\(UUID().uuidString)"
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return nil }
        unlink(path)
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Writes all of `bytes` at `offset`; false when the file system refuses (full, for one).
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        var done = 0
        while done < bytes.count {
            let written = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            done += written
        }
        return true
    }

    /// Fills `buffer` from `offset`; false when the bytes cannot be read.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Bool {
        var done = 0
        while done < buffer.count {
            let read = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if read < 0 && errno == EINTR { continue }
            guard read > 0 else { return false }
            done += read
        }
        return true
    }
}
