#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The central directory of an archive held in memory, indexed straight from its bytes (no libzip open).
///
/// libzip stays the authority: ``init(_:)`` accepts only plain archives whose every detail libzip 1.7 reads
/// the same way (its open code is `_zip_find_central_dir`, `_zip_read_cdir`, `_zip_read_eocd` and
/// `_zip_dirent_read`), and returns `nil` on anything unusual so the archive is opened by libzip as before.
/// Declining is always safe; accepting is only for what libzip would open to the same entries and names.
struct CentralDirectory {
    /// One central header, as declared.
    struct Record {
        var nameOffset: Int
        var nameLength: Int
        var localHeaderOffset: Int
        var compressedSize: UInt32
        var uncompressedSize: UInt32
        var crc32: UInt32
        var method: UInt16
    }

    let records: [Record]
    /// Names that occur more than once, in order of first repetition (libzip's look-up: the first entry wins).
    let duplicateNames: [String]
    /// Open-addressed name table: index + 1 of the first entry with a name, 0 for an empty slot.
    private let slots: [Int32]
    private let bytes: UnsafeRawBufferPointer

    /// libzip looks for end records in the last 65,535 + 22 + 20 bytes (`CDBUFSIZE`).
    private static let searchedTail = 65_535 + 22 + 20

    /// Indexes `bytes` (which must stay valid and unchanged while the directory is used), or `nil` when the
    /// archive is not plain (see the type's comment): then libzip opens it.
    init?(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        guard let base = bytes.baseAddress, count >= 30 + 22 else { return nil }
        func u16(_ at: Int) -> Int { Int(base.loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian) }
        func u32(_ at: Int) -> UInt32 { base.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian }
        func signature(_ at: Int, _ third: UInt8, _ fourth: UInt8) -> Bool {
            u32(at) == UInt32(0x4B50) | UInt32(third) << 16 | UInt32(fourth) << 24
        }
        // A local header first: anything before it (junk, a self-extractor) is libzip's to judge.
        guard signature(0, 3, 4) else { return nil }
        // Exactly one end record where libzip looks for it, its comment running exactly to the end of the input.
        guard let end = Self.onlyEndRecord(base, count: count), end + 22 + u16(end + 20) == count else { return nil }
        // No ZIP64 locator before it (libzip then reads the ZIP64 end record instead).
        if end >= 20, signature(end - 20, 6, 7) { return nil }
        let entryCount = u16(end + 10)
        let directorySize = Int(u32(end + 12))
        let directoryOffset = Int(u32(end + 16))
        // Single disk, consistent counts, no ZIP64 markers, and the directory ends where the end record begins.
        guard u16(end + 4) == 0, u16(end + 6) == 0, u16(end + 8) == entryCount, entryCount != 0xFFFF,
            u32(end + 12) != .max, u32(end + 16) != .max, directoryOffset + directorySize == end
        else { return nil }
        var records: [Record] = []
        records.reserveCapacity(entryCount)
        var position = directoryOffset
        for _ in 0..<entryCount {
            guard position + 46 <= end, signature(position, 1, 2) else { return nil }
            let flags = u16(position + 8)
            let method = UInt16(u16(position + 10))
            let crc = u32(position + 16)
            let compressedSize = u32(position + 20)
            let uncompressedSize = u32(position + 24)
            let nameLength = u16(position + 28)
            let extraLength = u16(position + 30)
            let commentLength = u16(position + 32)
            let localHeaderOffset = Int(u32(position + 42))
            let nameOffset = position + 46
            let extraOffset = nameOffset + nameLength
            let next = extraOffset + extraLength + commentLength
            // Not encrypted (bit 0), not WinZip AES (method 99), no ZIP64 markers, disk 0, the local header in
            // front of the directory.
            guard flags & 1 == 0, method != 99, compressedSize != .max, uncompressedSize != .max,
                u32(position + 42) != .max, u16(position + 34) == 0, localHeaderOffset + 30 <= directoryOffset,
                next <= end, nameLength > 0,
                Self.isPlainText(base + nameOffset, count: nameLength),
                Self.hasPlainExtraFields(base + extraOffset, count: extraLength)
            else { return nil }
            // A comment flagged UTF-8 must be valid UTF-8 to libzip; plain text always is.
            if flags & 0x800 != 0, !Self.isPlainText(base + extraOffset + extraLength, count: commentLength) {
                return nil
            }
            records.append(
                Record(
                    nameOffset: nameOffset, nameLength: nameLength, localHeaderOffset: localHeaderOffset,
                    compressedSize: compressedSize, uncompressedSize: uncompressedSize, crc32: crc, method: method))
            position = next
        }
        // Exactly the declared entries fill the directory (libzip reads on past the count, Info-ZIP's hack).
        guard position == end else { return nil }
        self.bytes = bytes
        self.records = records
        var slots = [Int32](repeating: 0, count: Self.tableSize(for: entryCount))
        var duplicates: [String] = []
        for (index, record) in records.enumerated() {
            let name = UnsafeRawBufferPointer(start: base + record.nameOffset, count: record.nameLength)
            switch Self.probe(name, slots: slots, records: records, bytes: bytes) {
            case .empty(let slot):
                slots[slot] = Int32(index + 1)
            case .found:
                let repeated = String(decoding: name, as: UTF8.self)
                if !duplicates.contains(repeated) { duplicates.append(repeated) }
            }
        }
        self.slots = slots
        duplicateNames = duplicates
    }

    /// The offset of the only end-of-central-directory signature in the part of the input libzip searches, or
    /// `nil` when there is none or more than one (libzip would then weigh the candidates against each other).
    private static func onlyEndRecord(_ base: UnsafeRawPointer, count: Int) -> Int? {
        let start = max(0, count - searchedTail)
        var found: Int?
        var position = start + 3
        // memchr for the rarer last byte of "PK\u{5}\u{6}", then a look at the three before it.
        while position < count, let hit = memchr(base + position, 6, count - position) {
            let at = base.distance(to: UnsafeRawPointer(hit)) - 3
            if base.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian == 0x0605_4B50 {
                if found != nil { return nil }
                found = at
            }
            position = at + 4
        }
        guard let found, found + 22 <= count else { return nil }
        return found
    }

    /// Every byte printable ASCII: libzip then neither converts the text from CP437 nor finds it invalid UTF-8,
    /// and its raw and decoded names are these bytes.
    private static func isPlainText(_ start: UnsafeRawPointer, count: Int) -> Bool {
        let bytes = UnsafeRawBufferPointer(start: start, count: count)
        for byte in bytes where byte < 0x20 || byte > 0x7E { return false }
        return true
    }

    /// The extra field is a sequence of well-formed blocks ending exactly at its end, and none of them is an
    /// Info-ZIP Unicode path or comment (0x7075, 0x6375), which libzip would put in place of the name or comment.
    private static func hasPlainExtraFields(_ start: UnsafeRawPointer, count: Int) -> Bool {
        var position = 0
        while position < count {
            guard position + 4 <= count else { return false }
            let id = Int(start.loadUnaligned(fromByteOffset: position, as: UInt16.self).littleEndian)
            let length = Int(start.loadUnaligned(fromByteOffset: position + 2, as: UInt16.self).littleEndian)
            guard id != 0x7075, id != 0x6375, position + 4 + length <= count else { return false }
            position += 4 + length
        }
        return true
    }

    private static func tableSize(for entries: Int) -> Int {
        var size = 16
        while size < entries * 2 { size <<= 1 }
        return size
    }

    /// FNV-1a.
    private static func hash(_ name: UnsafeRawBufferPointer) -> UInt32 {
        var value: UInt32 = 2_166_136_261
        for byte in name { value = (value ^ UInt32(byte)) &* 16_777_619 }
        return value
    }

    /// The index of the first entry named exactly `name`, as libzip's `zip_name_locate` finds it (its C string
    /// ends at the first NUL).
    func index(of name: String) -> Int? {
        var name = name
        return name.withUTF8 { utf8 in
            let length = utf8.firstIndex(of: 0) ?? utf8.count
            let query = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[0..<length])
            guard case .found(let index) = Self.probe(query, slots: slots, records: records, bytes: bytes) else {
                return nil
            }
            return index
        }
    }

    /// Where `name` stands in the name table: the first entry with that name, or the empty slot it would take.
    private enum Probe {
        case found(Int)
        case empty(slot: Int)
    }

    /// Linear probing from the name's hash; `slots` has a free slot (``tableSize(for:)`` is at least twice the
    /// entries), so the search ends.
    private static func probe(
        _ name: UnsafeRawBufferPointer, slots: [Int32], records: [Record], bytes: UnsafeRawBufferPointer
    ) -> Probe {
        var slot = Int(hash(name)) & (slots.count - 1)
        while true {
            let occupant = Int(slots[slot])
            if occupant == 0 { return .empty(slot: slot) }
            let record = records[occupant - 1]
            if record.nameLength == name.count,
                name.isEmpty || memcmp(bytes.baseAddress! + record.nameOffset, name.baseAddress!, name.count) == 0
            {
                return .found(occupant - 1)
            }
            slot = (slot + 1) & (slots.count - 1)
        }
    }

    /// The entry at `index` as libzip's `zip_stat_index` reports it; `name` when the caller already has it.
    func entry(at index: Int, knownName: String?) -> ZipEntry {
        let record = records[index]
        return ZipEntry(
            index: index, name: knownName ?? String(decoding: name(of: record), as: UTF8.self),
            compressedSize: UInt64(record.compressedSize), uncompressedSize: UInt64(record.uncompressedSize),
            compression: ZipCompression(method: record.method), crc32: record.crc32, isEncrypted: false)
    }

    func name(of record: Record) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: bytes.baseAddress! + record.nameOffset, count: record.nameLength)
    }

    /// The entry's compressed bytes where its local header says they start, when `entry` is this directory's
    /// entry as declared and they lie within the input; `nil` otherwise.
    func compressedData(_ entry: ZipEntry) -> UnsafeRawBufferPointer? {
        guard entry.index >= 0, entry.index < records.count, !entry.isEncrypted else { return nil }
        let record = records[entry.index]
        guard entry.compressedSize == UInt64(record.compressedSize),
            entry.uncompressedSize == UInt64(record.uncompressedSize), entry.crc32 == record.crc32,
            entry.compression.method == record.method
        else { return nil }
        let base = bytes.baseAddress!
        let local = record.localHeaderOffset
        // Bound by the directory's check: local + 30 <= directory offset < count.
        guard base.loadUnaligned(fromByteOffset: local, as: UInt32.self).littleEndian == 0x0403_4B50 else {
            return nil
        }
        let nameLength = Int(base.loadUnaligned(fromByteOffset: local + 26, as: UInt16.self).littleEndian)
        let extraLength = Int(base.loadUnaligned(fromByteOffset: local + 28, as: UInt16.self).littleEndian)
        let start = local + 30 + nameLength + extraLength
        let count = Int(record.compressedSize)
        guard start + count <= bytes.count else { return nil }
        return UnsafeRawBufferPointer(start: base + start, count: count)
    }
}
