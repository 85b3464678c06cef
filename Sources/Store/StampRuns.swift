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
    /// The run being gathered (mapped at the first entry) and how many entries it holds.
    private var run: EntryBuffer?
    private var count = 0
    /// Where a run is sorted (mapped at the first sort).
    private var scratch: EntryBuffer?
    private var spill: SpillFile?
    /// The spilled runs, sorted and each digest once, in the order they were staged.
    private var spilled: [(offset: Int, count: Int)] = []
    private var spilledBytes = 0

    init(capacity: Int = Self.capacity, directory: String) {
        precondition(capacity > 0 && capacity < Int(Int32.max), "a run holds at least one entry, fewer than 2^31")
        self.capacity = capacity
        self.directory = directory
    }

    /// The folder spill files go to for a store at `location`: beside it (the temporary folder may be memory),
    /// else `TMPDIR`. Worked out on the text, as SQLite makes its own files beside the store.
    static func directory(forStoreAt location: String) -> String {
        guard location != ":memory:", !location.isEmpty else {
            return ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        }
        guard let slash = location.lastIndex(of: "/") else { return "." }
        return slash == location.startIndex ? "/" : String(location[..<slash])
    }

    /// Gathers the stamp of a row staged with path key `key`; false when the runs cannot stand for the rows any
    /// more (a key that is not a digest, memory or a spill that failed): the caller then drops them.
    mutating func add(key: String, size: Int64, modified: Double) -> Bool {
        guard
            let digest = key.utf8.withContiguousStorageIfAvailable({ PathDigest(keyBytes: $0) }) ?? PathDigest(key: key)
        else { return false }
        if run == nil { run = EntryBuffer(capacity: capacity) }
        guard let run else { return false }
        // SQLite keeps a REAL that is a whole number as an integer and reads it back as +0.0 for -0.0: the
        // stamp the rows give back.
        run.entries[count] = StampTable.Entry(
            digest: digest, stamp: FileStamp(size: size, modifiedSeconds: modified == 0 ? 0 : modified))
        count += 1
        return count < capacity || spillRun()
    }

    /// Sorts the run (keeping the last stamp of a digest) and appends it to the spill file.
    private mutating func spillRun() -> Bool {
        guard let run, sortRun() else { return false }
        if spill == nil { spill = SpillFile(directory: directory) }
        let bytes = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: run.entries[0..<count]))
        guard let spill, spill.write(bytes, at: spilledBytes) else {
            // Nothing to merge without the run: the caller drops the runs (the snapshot is read from the rows).
            self.spill = nil
            return false
        }
        spilled.append((spilledBytes, count))
        spilledBytes += bytes.count
        count = 0
        return true
    }

    /// Sorts the run's entries by digest, leaving each digest once with the stamp given last; false when there
    /// is no memory to sort in.
    private mutating func sortRun() -> Bool {
        guard let run, count > 1 else { return true }
        if scratch == nil { scratch = EntryBuffer(capacity: capacity) }
        guard let scratch else { return false }
        let entries = UnsafeMutableBufferPointer(rebasing: run.entries[0..<count])
        Self.bucketSort(entries, scratch: scratch.entries)
        var kept = 0
        for index in entries.indices {
            if kept > 0, entries[kept - 1].digest == entries[index].digest {
                entries[kept - 1] = entries[index]
            } else {
                entries[kept] = entries[index]
                kept += 1
            }
        }
        count = kept
        return true
    }

    /// Puts `entries` in digest order, stable (of two entries for a digest the later stays later). Digests are
    /// keyed hashes, spread evenly: one counting pass on their first bits puts them in buckets of a few entries
    /// each in `scratch`, which are then sorted on their own (the finish's last run of 20,000 entries: 0.9 ms,
    /// against 1.9 ms with the standard library's sort), and copied back.
    private static func bucketSort(
        _ entries: UnsafeMutableBufferPointer<StampTable.Entry>, scratch: UnsafeMutableBufferPointer<StampTable.Entry>
    ) {
        let count = entries.count
        // About four entries a bucket, at most 2^14 buckets (a directory of 64 KB).
        let bits = min(14, max(1, Int.bitWidth - (count / 4).leadingZeroBitCount))
        let shift = UInt64(64 - bits)
        var starts = [Int32](repeating: 0, count: (1 << bits) + 1)
        for entry in entries { starts[Int(entry.digest.high >> shift) + 1] += 1 }
        for bucket in 1..<starts.count { starts[bucket] += starts[bucket - 1] }
        var next = starts
        for entry in entries {
            let bucket = Int(entry.digest.high >> shift)
            scratch[Int(next[bucket])] = entry
            next[bucket] += 1
        }
        for bucket in 0..<(starts.count - 1) where starts[bucket + 1] - starts[bucket] > 1 {
            let range = Int(starts[bucket])..<Int(starts[bucket + 1])
            guard range.count <= 16 else {
                // A crowded bucket (digests not spread, as in tests): the standard library's stable sort.
                var crowded = UnsafeMutableBufferPointer(rebasing: scratch[range])
                crowded.sort { $0.digest < $1.digest }
                continue
            }
            // Insertion sort, moving an entry only past greater digests: stable.
            for index in range.dropFirst() {
                let entry = scratch[index]
                var hole = index
                while hole > range.lowerBound, entry.digest < scratch[hole - 1].digest {
                    scratch[hole] = scratch[hole - 1]
                    hole -= 1
                }
                scratch[hole] = entry
            }
        }
        entries.baseAddress!.update(from: scratch.baseAddress!, count: count)
    }

    /// The runs, sorted, for the finish to merge; nil when there was no memory to sort the last run in. The runs
    /// are then empty.
    mutating func sorted() -> Sorted? {
        defer {
            run = nil
            count = 0
            scratch = nil
            spill = nil
            spilled = []
            spilledBytes = 0
        }
        guard sortRun() else { return nil }
        return Sorted(spill: spill, spilled: spilled, last: run, lastCount: count)
    }

    /// Sorted runs, merged in digest order by ``forEach(_:)``.
    struct Sorted: Sendable {
        fileprivate let spill: SpillFile?
        fileprivate let spilled: [(offset: Int, count: Int)]
        /// The run still in memory, staged after every spilled one: its first `lastCount` entries.
        fileprivate let last: EntryBuffer?
        fileprivate let lastCount: Int

        /// How many runs were spilled to disk.
        var spilledRuns: Int { spilled.count }

        /// Calls `body` with each digest's last staged stamp in ascending digest order; false when a spilled run
        /// could not be read back (the entries given so far are then not all).
        func forEach(_ body: (StampTable.Entry) throws -> Void) rethrows -> Bool {
            let last =
                last.map { UnsafeBufferPointer(rebasing: $0.entries[0..<lastCount]) }
                ?? UnsafeBufferPointer(start: nil, count: 0)
            if spilled.isEmpty {
                for entry in last { try body(entry) }
                return true
            }
            guard let spill, var merge = Merge(spill: spill, spilled: spilled, last: last) else { return false }
            return try withExtendedLifetime(self.last) { try merge.run(body) }
        }
    }

    /// A k-way merge of sorted runs through a binary heap of their heads. Of equal digests the later run's comes
    /// out last and wins (the heap orders ties by run).
    private struct Merge {
        /// Entries read from a spilled run at a time (64 KB).
        static let chunk = 2048

        struct Source {
            /// The entries read and not yet given out: `next` up to `end` in `buffer` (the last run: its own).
            var buffer: UnsafeMutableBufferPointer<StampTable.Entry>
            var next = 0
            var end: Int
            /// Where the entries not yet read start in the spill file, and how many there are.
            var offset: Int
            var remaining: Int
        }

        let spill: SpillFile
        /// Room for the spilled runs' chunks, one a run.
        let chunks: EntryBuffer
        var sources: [Source]
        /// Each source's entry not yet given out (valid for the sources in the heap): compared without going
        /// through its buffer.
        var heads: [StampTable.Entry]
        /// The sources that have an entry, as a min-heap on (head digest, source).
        var heap: [Int] = []
        var failed = false

        init?(spill: SpillFile, spilled: [(offset: Int, count: Int)], last: UnsafeBufferPointer<StampTable.Entry>) {
            guard let chunks = EntryBuffer(capacity: spilled.count * Self.chunk) else { return nil }
            self.spill = spill
            self.chunks = chunks
            sources = spilled.enumerated().map { run, spilled in
                Source(
                    buffer: UnsafeMutableBufferPointer(
                        rebasing: chunks.entries[(run * Self.chunk)..<((run + 1) * Self.chunk)]),
                    end: 0, offset: spilled.offset, remaining: spilled.count)
            }
            sources.append(
                Source(
                    buffer: UnsafeMutableBufferPointer(mutating: last), end: last.count, offset: 0, remaining: 0))
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
            if sources[source].next == sources[source].end {
                guard refill(source) else { return false }
            }
            heads[source] = sources[source].buffer[sources[source].next]
            sources[source].next += 1
            return true
        }

        mutating func refill(_ source: Int) -> Bool {
            let count = min(Self.chunk, sources[source].remaining)
            guard count > 0, !failed else { return false }
            let buffer = UnsafeMutableBufferPointer(rebasing: sources[source].buffer[0..<count])
            guard spill.read(into: UnsafeMutableRawBufferPointer(buffer), at: sources[source].offset) else {
                failed = true
                return false
            }
            sources[source].next = 0
            sources[source].end = count
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

/// Entries in memory mapped for them alone (anonymous `mmap`), unmapped whole when released: a run of 2 MB made and
/// dropped through `malloc` raised glibc's threshold for mapping large blocks, and the process's peak memory with it
/// (a first scan of 100,000 files took 10 MB more).
final class EntryBuffer: @unchecked Sendable {
    // Unchecked: the session fills the entries; once handed to ``StampRuns/Sorted`` they are only read.
    let entries: UnsafeMutableBufferPointer<StampTable.Entry>
    private let byteCount: Int

    /// Nil when the memory cannot be mapped.
    init?(capacity: Int) {
        byteCount = max(1, capacity) * MemoryLayout<StampTable.Entry>.stride
        let mapped = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let mapped, mapped != MAP_FAILED else { return nil }
        entries = UnsafeMutableBufferPointer(
            start: mapped.bindMemory(to: StampTable.Entry.self, capacity: capacity), count: capacity)
    }

    deinit { munmap(entries.baseAddress, byteCount) }
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
        Self.repeating(count: bytes.count) { done in
            pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
        }
    }

    /// Fills `buffer` from `offset`; false when the bytes cannot be read.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Bool {
        Self.repeating(count: buffer.count) { done in
            pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
        }
    }

    /// Calls `transfer` (a `pread` or `pwrite` of the bytes after the first `done`) until `count` bytes are moved,
    /// again after an interrupted call; false when a call moves nothing or fails.
    private static func repeating(count: Int, _ transfer: (_ done: Int) -> Int) -> Bool {
        var done = 0
        while done < count {
            let moved = transfer(done)
            if moved < 0 && errno == EINTR { continue }
            guard moved > 0 else { return false }
            done += moved
        }
        return true
    }
}
