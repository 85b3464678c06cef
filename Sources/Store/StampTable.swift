/// The stamps (size, modification time) of one scan root's known files, keyed by path digest.
///
/// A rescan looks up every file once, in no useful order, and a look-up's cost is its cache misses; a large
/// root's table is also most of what a rescan holds (a million files). The table is one array of 32-byte
/// entries (digest, size, time) in digest order, without gaps, and a directory of where each bucket of entries
/// starts: the bucket grows with the digest's first word, about four entries to a bucket (one byte of directory
/// per entry, so a million files' directory stays in the processor's caches). A look-up reads its bucket's
/// start, then from there until it meets its digest or a greater one: one or two neighbouring entries past the
/// start on average. Path digests are keyed hashes, spread evenly over the buckets. (Laying the entries out at
/// home slots with a third of them empty saved the directory read but took 48 bytes a file instead of 33.)
///
/// The entries in digest order are also what a SQLite store keeps as a root's snapshot (``SnapshotWriter``):
/// a rescan reads them in one step instead of one row per file, and they hold nothing a path could be read
/// from (keyed digests, sizes and times, exactly what the `documents` rows hold beside the path key).
struct StampTable: Sendable {
    struct Entry: Sendable, Equatable {
        var digest: PathDigest
        var stamp: FileStamp
    }

    /// Four words per entry, in ascending digest order: the digest's two words, the size's bits and the time's
    /// bits. No real file has a negative size: such an entry is left out, and that file is simply read again.
    private let slots: [UInt64]
    /// `starts[b]` is the first entry whose bucket is `b` or more; one more at the end (the count).
    private let starts: [UInt32]
    private let buckets: UInt64
    /// Number of entries.
    let count: Int

    /// From entries in any order; a digest given twice keeps its last stamp (as a dictionary would).
    init(_ unsorted: [Entry]) {
        // Stable, so the later of two entries for one digest comes later and wins below.
        let sorted = unsorted.enumerated().sorted {
            $0.element.digest != $1.element.digest ? $0.element.digest < $1.element.digest : $0.offset < $1.offset
        }
        var unique: [Entry] = []
        unique.reserveCapacity(sorted.count)
        for (_, entry) in sorted {
            if let last = unique.last, last.digest == entry.digest {
                unique[unique.count - 1] = entry
            } else {
                unique.append(entry)
            }
        }
        // Left out: no real file has a negative size (that file is read again).
        let kept = unique.filter { $0.stamp.size >= 0 }
        var next = kept.makeIterator()
        self.init(laidOut: Self.layOut(count: kept.count) { next.next() }!)
    }

    private init(laidOut: (slots: [UInt64], starts: [UInt32], buckets: UInt64)) {
        slots = laidOut.slots
        starts = laidOut.starts
        buckets = laidOut.buckets
        count = laidOut.slots.count / 4
    }

    /// Lays out `count` entries that `next` gives in strictly ascending digest order, in one pass straight
    /// into the slots and the directory; nil when `next` gives out early, the order is broken or a size is
    /// negative.
    private static func layOut(
        count: Int, next: () -> Entry?
    ) -> (slots: [UInt64], starts: [UInt32], buckets: UInt64)? {
        precondition(count < Int(UInt32.max), "a stamp table holds fewer than 2^32 entries")
        let buckets = UInt64(max(1, count / 4))
        var starts = [UInt32](repeating: UInt32(count), count: Int(buckets) + 1)
        var failed = false
        let slots = [UInt64](unsafeUninitializedCapacity: 4 * count) { buffer, initialized in
            var bucket = 0
            var previous: PathDigest?
            for position in 0..<count {
                guard let entry = next(), entry.stamp.size >= 0, previous.map({ $0 < entry.digest }) ?? true else {
                    failed = true
                    break
                }
                let own = Self.bucket(of: entry.digest.high, buckets: buckets)
                while bucket <= own {
                    starts[bucket] = UInt32(position)
                    bucket += 1
                }
                buffer[4 * position] = entry.digest.high
                buffer[4 * position + 1] = entry.digest.low
                buffer[4 * position + 2] = UInt64(bitPattern: entry.stamp.size)
                buffer[4 * position + 3] = entry.stamp.modified.bitPattern
                previous = entry.digest
            }
            initialized = failed ? 0 : 4 * count
        }
        return failed ? nil : (slots, starts, buckets)
    }

    /// The bucket of a digest whose first word is `high`: grows with `high` (so entries in digest order fill
    /// the directory in one pass), spread evenly over `buckets`.
    @inline(__always)
    private static func bucket(of high: UInt64, buckets: UInt64) -> Int {
        Int(high.multipliedFullWidth(by: buckets).high)
    }

    /// Positions run from 0 to this (one per entry).
    var slotCount: Int { count }

    /// The bytes the table holds: its entries and its directory.
    var heldBytes: Int { slots.capacity * MemoryLayout<UInt64>.stride + starts.capacity * MemoryLayout<UInt32>.stride }

    /// The most entries in one bucket (a look-up reads at most these past its bucket's start, and the next one).
    var longestBucket: Int { zip(starts, starts.dropFirst()).map { Int($1 - $0) }.max() ?? 0 }

    /// The position holding `digest`, or nil when the root did not hold that file.
    func position(of digest: PathDigest) -> Int? {
        slots.withUnsafeBufferPointer { slots in
            starts.withUnsafeBufferPointer { starts in
                let bucket = Self.bucket(of: digest.high, buckets: buckets)
                var word = 4 * Int(starts[bucket])
                // Entries are in digest order, so the bucket's run ends at the first greater digest (an entry of
                // this bucket or of the next) or at the end: no need to read where the next bucket starts.
                while word < slots.count {
                    if slots[word] > digest.high { return nil }
                    if slots[word] == digest.high {
                        if slots[word + 1] == digest.low { return word / 4 }
                        if slots[word + 1] > digest.low { return nil }
                    }
                    word += 4
                }
                return nil
            }
        }
    }

    /// Reads the directory and the first word of each digest's bucket, in one pass with no decision in between,
    /// so the processor fetches all of those cache lines at once; the look-ups that follow then find them
    /// cached. Returns a value made from the words (callers keep it, so the reads stay).
    func touch(_ digests: [PathDigest]) -> UInt64 {
        slots.withUnsafeBufferPointer { slots in
            starts.withUnsafeBufferPointer { starts in
                var sum: UInt64 = 0
                for digest in digests {
                    // A bucket past the last entry starts at the count: nothing to read there.
                    let word = 4 * Int(starts[Self.bucket(of: digest.high, buckets: buckets)])
                    if word < slots.count { sum &+= slots[word] }
                }
                return sum
            }
        }
    }

    func stamp(for digest: PathDigest) -> FileStamp? {
        position(of: digest).map(stamp(at:))
    }

    func stamp(at position: Int) -> FileStamp {
        FileStamp(
            size: Int64(bitPattern: slots[4 * position + 2]),
            modifiedSeconds: Double(bitPattern: slots[4 * position + 3]))
    }

    func digest(at position: Int) -> PathDigest {
        PathDigest(high: slots[4 * position], low: slots[4 * position + 1])
    }

    /// The entries in digest order.
    var entries: [Entry] {
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        for position in 0..<count {
            entries.append(Entry(digest: digest(at: position), stamp: stamp(at: position)))
        }
        return entries
    }

    // MARK: Snapshot bytes

    /// `OVBSTMP` + format version 1, then the entry count, then per entry the digest's two words, the size and
    /// the time's IEEE 754 bits, all 64-bit little-endian: the time comes back bit for bit.
    private static let magic: [UInt8] = Array("OVBSTMP\u{1}".utf8)
    private static let entryBytes = 32
    private static let headerBytes = 16

    /// Writes a snapshot from entries given in strictly ascending digest order (as `ORDER BY path_key` reads
    /// them), 32 bytes each as they come: no table, no sorted copies. ``append(_:)`` refuses an entry that
    /// breaks the order or has a negative size; the caller then keeps no snapshot.
    struct SnapshotWriter {
        /// Little-endian words not yet handed out (appended one word at a time: byte by byte was half the time of
        /// writing a first scan's snapshot).
        private var pending: [UInt64] = []
        private var previous: PathDigest?
        private(set) var count = 0
        /// Entry bytes already handed out by ``flush(atLeast:to:)``.
        private var flushed = 0

        init() {}

        /// A snapshot's size for `count` entries.
        static func byteCount(entries count: Int) -> Int { StampTable.headerBytes + count * StampTable.entryBytes }

        /// The header of a snapshot of `count` entries.
        static func header(count: Int) -> [UInt8] {
            var header = StampTable.magic
            withUnsafeBytes(of: UInt64(count).littleEndian) { header.append(contentsOf: $0) }
            return header
        }

        mutating func append(_ entry: Entry) -> Bool {
            guard entry.stamp.size >= 0, previous.map({ $0 < entry.digest }) ?? true else { return false }
            previous = entry.digest
            count += 1
            // The four words one after the other (an array literal of them cost an allocation per file).
            append(entry.digest.high)
            append(entry.digest.low)
            append(UInt64(bitPattern: entry.stamp.size))
            append(entry.stamp.modified.bitPattern)
            return true
        }

        private mutating func append(_ word: UInt64) {
            pending.append(word.littleEndian)
        }

        /// Hands the entry bytes gathered since the last call to `sink`, with their offset in the snapshot, once
        /// there are at least `minimum` of them: a million files' snapshot is written in pieces, never held.
        mutating func flush(
            atLeast minimum: Int, to sink: (UnsafeRawBufferPointer, Int) throws -> Void
        ) rethrows {
            let byteCount = pending.count * MemoryLayout<UInt64>.size
            guard byteCount > 0, byteCount >= minimum else { return }
            try pending.withUnsafeBytes { try sink($0, StampTable.headerBytes + flushed) }
            flushed += byteCount
            pending.removeAll(keepingCapacity: true)
        }

        /// The whole snapshot, when nothing was flushed (small tables, tests).
        var bytes: [UInt8] {
            precondition(flushed == 0, "the snapshot was written in pieces")
            return Self.header(count: count) + pending.withUnsafeBytes { Array($0) }
        }
    }

    /// Reads a snapshot of `byteCount` bytes in pieces: `read` fills its buffer from the snapshot's bytes at
    /// the offset given (false: they could not be read). The entries are laid out as they arrive, so the
    /// snapshot is never held whole.
    init?(snapshotByteCount byteCount: Int, read: (UnsafeMutableRawBufferPointer, Int) -> Bool) {
        guard byteCount >= Self.headerBytes, byteCount % Self.entryBytes == Self.headerBytes % Self.entryBytes
        else { return nil }
        let count = (byteCount - Self.headerBytes) / Self.entryBytes
        var header = [UInt8](repeating: 0, count: Self.headerBytes)
        guard header.withUnsafeMutableBytes({ read($0, 0) }), Array(header[0..<8]) == Self.magic,
            header.withUnsafeBytes({ UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) })
                == UInt64(count)
        else { return nil }
        let piece = UnsafeMutableRawBufferPointer.allocate(
            byteCount: Self.entryBytes * 2048, alignment: MemoryLayout<UInt64>.alignment)
        defer { piece.deallocate() }
        var offset = Self.headerBytes
        var inPiece = 0
        var used = 0
        let laidOut = Self.layOut(count: count) {
            if used == inPiece {
                inPiece = min(piece.count, byteCount - offset)
                guard read(UnsafeMutableRawBufferPointer(rebasing: piece[0..<inPiece]), offset) else { return nil }
                offset += inPiece
                used = 0
            }
            let word = { (at: Int) in UInt64(littleEndian: piece.load(fromByteOffset: used + at, as: UInt64.self)) }
            defer { used += Self.entryBytes }
            return Entry(
                digest: PathDigest(high: word(0), low: word(8)),
                stamp: FileStamp(size: Int64(bitPattern: word(16)), modifiedSeconds: Double(bitPattern: word(24))))
        }
        guard let laidOut else { return nil }
        self.init(laidOut: laidOut)
    }
}

extension PathDigest: Comparable {
    /// Numeric order of the 128 bits, which is also the order of the stored keys' lowercase hex.
    public static func < (lhs: PathDigest, rhs: PathDigest) -> Bool {
        lhs.high != rhs.high ? lhs.high < rhs.high : lhs.low < rhs.low
    }
}
