public import Foundation
import Crypto

/// Size and modification time of a file as last scanned: enough to skip an unchanged file.
public struct FileStamp: Sendable, Hashable {
    public var size: Int64
    /// Seconds since 1970 (file-system modification time, full precision).
    public var modified: Double

    public init(size: Int64, modified: Date) {
        self.size = size
        self.modified = modified.timeIntervalSince1970
    }

    public init(size: Int64, modifiedSeconds: Double) {
        self.size = size
        self.modified = modifiedSeconds
    }
}

/// What the store knew about the files under one scan root after the last completed scan of it.
///
/// Paths are stored pseudonymised (keyed hash), so look-ups hash the path the scanner sees with the
/// store's key; the scanner never needs the stored form. Asking ``isUnchanged(path:stamp:)`` is also how a
/// file is counted as seen unchanged: the scanner's reader threads ask, and the recorder hands the
/// collected keys to the session when the scan finishes, so an unchanged file is hashed once and costs no
/// write.
public final class FileIndex: @unchecked Sendable {
    // Unchecked: `seen` and `seenCount` are only touched under `lock`; everything else is immutable.
    public let root: String
    let pseudonymiser: Pseudonymiser
    /// Sorted by the path key's digest: a look-up hashes nothing more and reads one or two entries.
    let table: StampTable
    private let lock = NSLock()
    /// One bit per slot of `table`: the files found unchanged so far (a bit, not a set of 16-byte digests).
    private var seen: [UInt64]
    private var seenCount = 0
    /// One bit per slot of `table`: files to read again whatever their stamp (``markForReading(keys:)``). Set
    /// while the store builds the index, before any thread asks it.
    private var readAgain: [UInt64] = []
    /// How many files are marked to be read again.
    public private(set) var readAgainCount = 0
    /// What the index was read from, when the store can say (SQLite): lets the finishing scan skip counting
    /// the root's documents again when no other scan of the root has finished since.
    let basis: Basis?

    struct Basis: Sendable {
        /// The newest scan of the root when the index was read (nil: none yet).
        var lastScan: Int64?
        /// The root's document rows then.
        var documents: Int
    }

    /// For store implementations: `stamps` is keyed by ``Pseudonymiser/pathKey(_:)``.
    public convenience init(root: String, pseudonymiser: Pseudonymiser, stamps: [String: FileStamp]) {
        var entries: [StampTable.Entry] = []
        entries.reserveCapacity(stamps.count)
        for (key, stamp) in stamps {
            if let digest = PathDigest(key: key) { entries.append(StampTable.Entry(digest: digest, stamp: stamp)) }
        }
        self.init(root: root, pseudonymiser: pseudonymiser, table: StampTable(entries))
    }

    /// For store implementations: `staged` holds the stamps a killed scan of the root staged before it was
    /// stopped (they win over `stamps`, and count as ``takenOver``).
    public convenience init(
        root: String, pseudonymiser: Pseudonymiser, stamps: [String: FileStamp], staged: [String: FileStamp]
    ) {
        var entries: [StampTable.Entry] = []
        entries.reserveCapacity(stamps.count + staged.count)
        // The later of two entries for a digest wins: the staged ones come last.
        for (key, stamp) in stamps where staged[key] == nil {
            if let digest = PathDigest(key: key) { entries.append(StampTable.Entry(digest: digest, stamp: stamp)) }
        }
        for (key, stamp) in staged {
            if let digest = PathDigest(key: key) { entries.append(StampTable.Entry(digest: digest, stamp: stamp)) }
        }
        self.init(root: root, pseudonymiser: pseudonymiser, table: StampTable(entries), takenOver: staged.count)
    }

    /// Files a killed scan of this root had staged, which this index holds so they are not read again.
    public let takenOver: Int

    init(root: String, pseudonymiser: Pseudonymiser, table: StampTable, basis: Basis? = nil, takenOver: Int = 0) {
        self.basis = basis
        self.takenOver = takenOver
        self.root = root
        self.pseudonymiser = pseudonymiser
        self.table = table
        seen = [UInt64](repeating: 0, count: (table.slotCount + 63) / 64)
    }

    /// Marks stored files (by ``Pseudonymiser/pathKey(_:)``) to be read again although unchanged: they are never
    /// found unchanged, so the scan reads them, and the store counts a file read with its stored stamp as
    /// unchanged. For store implementations, before the index is handed to a scan.
    public func markForReading(keys: some Sequence<String>) {
        for key in keys {
            if let digest = PathDigest(key: key) { markForReading(digest) }
        }
    }

    func markForReading(_ digest: PathDigest) {
        guard let position = table.position(of: digest) else { return }
        if readAgain.isEmpty { readAgain = [UInt64](repeating: 0, count: seen.count) }
        let (word, bit) = (position >> 6, UInt64(1) << UInt64(position & 63))
        if readAgain[word] & bit == 0 {
            readAgain[word] |= bit
            readAgainCount += 1
        }
    }

    /// Whether the file at `position` of the table may count as unchanged when its stamp is as stored.
    fileprivate func mayBeUnchanged(at position: Int, stamp: FileStamp) -> Bool {
        guard table.stamp(at: position) == stamp else { return false }
        return readAgain.isEmpty || readAgain[position >> 6] & (UInt64(1) << UInt64(position & 63)) == 0
    }

    /// Number of documents the last scan of this root left in the store.
    public var count: Int { table.count }

    /// The stamp recorded for `path` (as the scanner names it), or nil when the file is new.
    public func stamp(forPath path: String) -> FileStamp? {
        table.stamp(for: pseudonymiser.pathDigest(path))
    }

    /// True when `path` was scanned before with exactly this size and modification time: the scanner need
    /// not read it again, and the file counts as unchanged in this scan. Safe from several threads.
    public func isUnchanged(path: String, stamp: FileStamp) -> Bool {
        guard let position = table.position(of: pseudonymiser.pathDigest(path)),
            mayBeUnchanged(at: position, stamp: stamp)
        else { return false }
        remember([Int32(position)])
        return true
    }

    /// ``isUnchanged(path:stamp:)`` with the time as a date.
    public func isUnchanged(path: String, size: Int64, modified: Date) -> Bool {
        isUnchanged(path: path, stamp: FileStamp(size: size, modified: modified))
    }

    /// The check for the files directly in `directory` (its path with a trailing `/`), for one thread: the
    /// directory's part of each path is hashed once, and files found unchanged are handed to the index
    /// together when the directory is done (``DirectoryCheck/finish()``).
    public func directory(_ directory: String) -> DirectoryCheck {
        DirectoryCheck(index: self, state: pseudonymiser.prefixed(directory))
    }

    /// ``FileIndex/isUnchanged(path:stamp:)`` for the files of one directory, by name. One thread at a time.
    public final class DirectoryCheck {
        private let index: FileIndex
        private let state: SHA256
        private var unchanged: [Int32] = []
        /// What ``StampTable/touch(_:)`` read, kept so the reads are not optimised away.
        private(set) var touched: UInt64 = 0

        init(index: FileIndex, state: SHA256) {
            self.index = index
            self.state = state
        }

        /// True when the file `name` in this directory has exactly this size and time in the index.
        public func isUnchanged(name: UnsafeBufferPointer<UInt8>, stamp: FileStamp) -> Bool {
            let digest = index.pseudonymiser.pathDigest(prefixed: state, name: name)
            guard let position = index.table.position(of: digest), index.mayBeUnchanged(at: position, stamp: stamp)
            else { return false }
            unchanged.append(Int32(position))
            return true
        }

        /// ``isUnchanged(name:stamp:)`` for several files of the directory, one answer each: `names` holds their
        /// names' bytes back to back, name `i` ending at `ends[i]`. The digests are made first, then the table
        /// is touched at every one's slot before any is compared: a look-up's cost is a cache miss, and misses
        /// issued together overlap instead of waiting one after the other.
        public func areUnchanged(names: UnsafeBufferPointer<UInt8>, ends: [Int], stamps: [FileStamp]) -> [Bool] {
            precondition(ends.count == stamps.count)
            var digests: [PathDigest] = []
            digests.reserveCapacity(ends.count)
            var start = 0
            for end in ends {
                digests.append(
                    index.pseudonymiser.pathDigest(
                        prefixed: state, name: UnsafeBufferPointer(rebasing: names[start..<end])))
                start = end
            }
            touched = index.table.touch(digests)
            return zip(digests, stamps).map { digest, stamp in
                guard let position = index.table.position(of: digest), index.mayBeUnchanged(at: position, stamp: stamp)
                else { return false }
                unchanged.append(Int32(position))
                return true
            }
        }

        /// Counts this directory's unchanged files in the index (one lock for the directory, not one per file).
        public func finish() {
            guard !unchanged.isEmpty else { return }
            index.remember(unchanged)
            unchanged.removeAll(keepingCapacity: true)
        }
    }

    private func remember(_ positions: [Int32]) {
        lock.lock()
        for position in positions {
            let (word, bit) = (Int(position) >> 6, UInt64(1) << UInt64(position & 63))
            if seen[word] & bit == 0 {
                seen[word] |= bit
                seenCount += 1
            }
        }
        lock.unlock()
    }

    /// The files found unchanged so far, emptied: handed to the session once, when the scan finishes.
    func takeUnchanged() -> SeenUnchanged {
        lock.lock()
        defer { lock.unlock() }
        let taken = SeenUnchanged(table: table, bits: seen, count: seenCount)
        seen = [UInt64](repeating: 0, count: seen.count)
        seenCount = 0
        return taken
    }
}

/// The files of a ``FileIndex`` a scan found unchanged: a bit per slot of the index's table.
struct SeenUnchanged: Sendable {
    let table: StampTable
    let bits: [UInt64]
    /// How many files, each once.
    let count: Int

    func contains(_ digest: PathDigest) -> Bool {
        guard let position = table.position(of: digest) else { return false }
        return bits[position >> 6] & (UInt64(1) << UInt64(position & 63)) != 0
    }

    /// The same files as a set, for sessions that take one.
    var digests: Set<PathDigest> {
        var digests = Set<PathDigest>(minimumCapacity: count)
        for (word, value) in bits.enumerated() where value != 0 {
            for bit in 0..<64 where value & (UInt64(1) << UInt64(bit)) != 0 {
                digests.insert(table.digest(at: word << 6 | bit))
            }
        }
        return digests
    }
}
