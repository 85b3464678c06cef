/// The stamps (size, modification time) of one scan root's known files, keyed by path digest.
///
/// A rescan looks up every file once, in no useful order, and a look-up's cost is its cache misses. The table
/// is one array of 32-byte slots (digest, size, time) in digest order with gaps: each entry sits at or after
/// its home slot, which grows with the digest's first word, and about a third of the slots stay empty. A
/// look-up reads from its home slot on until it meets its digest, a greater one or a gap: usually one or two
/// neighbouring slots, one cache miss. Path digests are keyed hashes, spread evenly over the homes.
///
/// The entries in digest order are also what a SQLite store keeps as a root's snapshot (``snapshotBytes``):
/// a rescan reads them in one step instead of one row per file, and they hold nothing a path could be read
/// from (keyed digests, sizes and times, exactly what the `documents` rows hold beside the path key).
struct StampTable: Sendable {
    struct Entry: Sendable, Equatable {
        var digest: PathDigest
        var stamp: FileStamp
    }

    /// Four words per slot: the digest's two words, the size's bits and the time's bits; a slot whose size
    /// word is ``emptySize`` is a gap (no real file has a negative size: such an entry is left out, and that
    /// file is simply read again).
    private let slots: [UInt64]
    private let homes: UInt64
    /// Number of entries.
    let count: Int
    private static let emptySize = UInt64.max

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
        var builder = Builder(expected: unique.count)
        for entry in unique { builder.append(entry) }
        self.init(builder)
    }

    private init(_ builder: Builder) {
        slots = builder.slots
        homes = builder.homes
        count = builder.count
    }

    /// Lays out entries given in ascending digest order.
    private struct Builder {
        var slots: [UInt64] = []
        let homes: UInt64
        var count = 0

        init(expected: Int) {
            homes = UInt64(max(1, expected + expected / 2))
            slots.reserveCapacity(4 * (Int(homes) + expected / 8 + 16))
        }

        mutating func append(_ entry: Entry) {
            guard entry.stamp.size >= 0 else { return }
            let home = StampTable.home(of: entry.digest.high, homes: homes)
            while slots.count < 4 * home {
                slots.append(0)
                slots.append(0)
                slots.append(StampTable.emptySize)
                slots.append(0)
            }
            slots.append(entry.digest.high)
            slots.append(entry.digest.low)
            slots.append(UInt64(bitPattern: entry.stamp.size))
            slots.append(entry.stamp.modified.bitPattern)
            count += 1
        }
    }

    /// The home slot of a digest whose first word is `high`: grows with `high` (so entries in digest order
    /// are laid out in one pass), spread evenly over `homes` slots.
    private static func home(of high: UInt64, homes: UInt64) -> Int {
        Int(high.multipliedFullWidth(by: homes).high)
    }

    /// Slots, gaps included (positions run from 0 to this).
    var slotCount: Int { slots.count / 4 }

    /// The slot holding `digest`, or nil when the root did not hold that file.
    func position(of digest: PathDigest) -> Int? {
        slots.withUnsafeBufferPointer { slots in
            var word = 4 * Self.home(of: digest.high, homes: homes)
            while word < slots.count {
                // Every slot from the home to the entry is filled with lesser digests (entries are laid out in
                // order, each at its home or right after the one before): a gap or a greater digest ends it.
                if slots[word + 2] == Self.emptySize || slots[word] > digest.high { return nil }
                if slots[word] == digest.high {
                    if slots[word + 1] == digest.low { return word / 4 }
                    if slots[word + 1] > digest.low { return nil }
                }
                word += 4
            }
            return nil
        }
    }

    /// Reads the first word of each digest's home slot, in one pass with no decision in between, so the
    /// processor fetches all of those cache lines at once; the look-ups that follow then find them cached.
    /// Returns a value made from the words (callers keep it, so the reads stay).
    func touch(_ digests: [PathDigest]) -> UInt64 {
        slots.withUnsafeBufferPointer { slots in
            var sum: UInt64 = 0
            for digest in digests { sum &+= slots[4 * Self.home(of: digest.high, homes: homes)] }
            return sum
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
        for position in 0..<slotCount where slots[4 * position + 2] != Self.emptySize {
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

    /// The entries as a snapshot, for ``init(snapshot:)``.
    var snapshotBytes: [UInt8] {
        let entries = self.entries
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

    /// Reads a snapshot; nil when the bytes are not one this build wrote (wrong tag or length, digests not
    /// strictly ascending, a negative size): the caller then reads the rows instead.
    init?(snapshot raw: UnsafeRawBufferPointer) {
        guard raw.count >= Self.headerBytes, raw.count % Self.entryBytes == Self.headerBytes % Self.entryBytes,
            Self.magic.indices.allSatisfy({ raw[$0] == Self.magic[$0] })
        else { return nil }
        let count = Int(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        guard count == (raw.count - Self.headerBytes) / Self.entryBytes else { return nil }
        // Laid out as read: one pass, no array of entries in between.
        var builder = Builder(expected: count)
        var previous: PathDigest?
        var at = Self.headerBytes
        for _ in 0..<count {
            let word = { (offset: Int) in
                UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at + offset, as: UInt64.self))
            }
            let entry = Entry(
                digest: PathDigest(high: word(0), low: word(8)),
                stamp: FileStamp(size: Int64(bitPattern: word(16)), modifiedSeconds: Double(bitPattern: word(24))))
            if let previous, !(previous < entry.digest) { return nil }
            guard entry.stamp.size >= 0 else { return nil }
            builder.append(entry)
            previous = entry.digest
            at += Self.entryBytes
        }
        self.init(builder)
    }
}

extension PathDigest: Comparable {
    /// Numeric order of the 128 bits, which is also the order of the stored keys' lowercase hex.
    public static func < (lhs: PathDigest, rhs: PathDigest) -> Bool {
        lhs.high != rhs.high ? lhs.high < rhs.high : lhs.low < rhs.low
    }
}
