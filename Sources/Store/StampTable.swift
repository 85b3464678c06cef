/// The stamps (size, modification time) of one scan root's known files, keyed by path digest: one array
/// sorted by digest plus a table of where each range of leading digest bits starts, so a look-up reads one
/// or two neighbouring entries. Path digests are keyed hashes, spread evenly, so the ranges stay short.
///
/// The same sorted entries are what a SQLite store keeps as a root's snapshot (``snapshotBytes``): a rescan
/// reads them in one step instead of one row per file, and they hold nothing a path could be read from
/// (keyed digests, sizes and times, exactly what the `documents` rows hold beside the path key).
struct StampTable: Sendable {
    struct Entry: Sendable, Equatable {
        var digest: PathDigest
        var stamp: FileStamp
    }

    /// Sorted by digest, each digest once.
    private let entries: [Entry]
    /// `starts[b]` is the first entry whose leading `bucketBits` bits are `b` or more (one extra at the end).
    private let starts: [UInt32]
    private let bucketShift: UInt64

    var count: Int { entries.count }

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
        self.init(sortedUnique: unique)
    }

    /// From entries already sorted by digest, each digest once (checked by the callers that read them).
    private init(sortedUnique entries: [Entry]) {
        self.entries = entries
        // About one entry per bucket: 17 bits for 100,000 files; at most 2^24 buckets (64 MiB of starts).
        let bits = min(24, max(4, UInt64.bitWidth - UInt64(entries.count).leadingZeroBitCount))
        bucketShift = UInt64(UInt64.bitWidth - bits)
        var starts = [UInt32](repeating: 0, count: (1 << bits) + 1)
        var bucket = 0
        for (offset, entry) in entries.enumerated() {
            let own = Int(entry.digest.high >> bucketShift)
            while bucket <= own {
                starts[bucket] = UInt32(offset)
                bucket += 1
            }
        }
        while bucket < starts.count {
            starts[bucket] = UInt32(entries.count)
            bucket += 1
        }
        self.starts = starts
    }

    /// The position of `digest`, or nil when the root did not hold that file.
    func position(of digest: PathDigest) -> Int? {
        let bucket = Int(digest.high >> bucketShift)
        var offset = Int(starts[bucket])
        let end = Int(starts[bucket + 1])
        while offset < end {
            let found = entries[offset].digest
            if found == digest { return offset }
            if digest < found { return nil }
            offset += 1
        }
        return nil
    }

    func stamp(for digest: PathDigest) -> FileStamp? {
        position(of: digest).map { entries[$0].stamp }
    }

    func stamp(at position: Int) -> FileStamp { entries[position].stamp }

    func digest(at position: Int) -> PathDigest { entries[position].digest }

    // MARK: Snapshot bytes

    /// `OVBSTMP` + format version 1, then the entry count, then per entry the digest's two words, the size and
    /// the time's IEEE 754 bits, all 64-bit little-endian: the time comes back bit for bit.
    private static let magic: [UInt8] = Array("OVBSTMP\u{1}".utf8)
    private static let entryBytes = 32
    private static let headerBytes = 16

    /// The entries as a snapshot, for ``init(snapshot:)``.
    var snapshotBytes: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Self.headerBytes + entries.count * Self.entryBytes)
        bytes.withUnsafeMutableBytes { raw in
            for (offset, byte) in Self.magic.enumerated() { raw[offset] = byte }
            raw.storeBytes(of: UInt64(entries.count).littleEndian, toByteOffset: 8, as: UInt64.self)
            var at = Self.headerBytes
            for entry in entries {
                raw.storeBytes(of: entry.digest.high.littleEndian, toByteOffset: at, as: UInt64.self)
                raw.storeBytes(of: entry.digest.low.littleEndian, toByteOffset: at + 8, as: UInt64.self)
                raw.storeBytes(
                    of: UInt64(bitPattern: entry.stamp.size).littleEndian, toByteOffset: at + 16, as: UInt64.self)
                raw.storeBytes(of: entry.stamp.modified.bitPattern.littleEndian, toByteOffset: at + 24, as: UInt64.self)
                at += Self.entryBytes
            }
        }
        return bytes
    }

    /// Reads a snapshot; nil when the bytes are not one this build wrote (wrong tag or length, or digests not
    /// strictly ascending): the caller then reads the rows instead.
    init?(snapshot raw: UnsafeRawBufferPointer) {
        guard raw.count >= Self.headerBytes, raw.count % Self.entryBytes == Self.headerBytes % Self.entryBytes,
            Self.magic.indices.allSatisfy({ raw[$0] == Self.magic[$0] })
        else { return nil }
        let count = Int(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        guard count == (raw.count - Self.headerBytes) / Self.entryBytes else { return nil }
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var at = Self.headerBytes
        for _ in 0..<count {
            let word = { (offset: Int) in
                UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at + offset, as: UInt64.self))
            }
            let entry = Entry(
                digest: PathDigest(high: word(0), low: word(8)),
                stamp: FileStamp(size: Int64(bitPattern: word(16)), modifiedSeconds: Double(bitPattern: word(24))))
            if let last = entries.last, !(last.digest < entry.digest) { return nil }
            entries.append(entry)
            at += Self.entryBytes
        }
        self.init(sortedUnique: entries)
    }
}

extension PathDigest: Comparable {
    /// Numeric order of the 128 bits, which is also the order of the stored keys' lowercase hex.
    public static func < (lhs: PathDigest, rhs: PathDigest) -> Bool {
        lhs.high != rhs.high ? lhs.high < rhs.high : lhs.low < rhs.low
    }
}
