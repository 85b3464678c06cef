#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a compound file, in memory or behind an open descriptor (read with `pread`).
enum CompoundFileBytes {
    case memory([UInt8])
    case descriptor(Int32, size: UInt64, path: String)

    var size: UInt64 {
        switch self {
        case .memory(let bytes): return UInt64(bytes.count)
        case .descriptor(_, let size, _): return size
        }
    }

    /// Exactly `count` bytes at `offset`, or `.outOfRange` when the file is shorter.
    func read(at offset: UInt64, count: Int, what: String) throws(CompoundFileError) -> [UInt8] {
        guard offset + UInt64(count) <= size else {
            throw .outOfRange(what: what, index: UInt32(truncatingIfNeeded: offset), limit: UInt32(clamping: size))
        }
        switch self {
        case .memory(let bytes):
            return Array(bytes[Int(offset)..<Int(offset) + count])
        case .descriptor(let fd, _, let path):
            var buffer = [UInt8](repeating: 0, count: count)
            var filled = 0
            while filled < count {
                let got = buffer.withUnsafeMutableBytes { raw in
                    pread(fd, raw.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
                }
                if got < 0 && errno == EINTR { continue }
                if got < 0 { throw .unreadable(path: path, detail: String(cString: strerror(errno))) }
                if got == 0 { throw .outOfRange(what: what, index: UInt32(truncatingIfNeeded: offset), limit: 0) }
                filled += got
            }
            return buffer
        }
    }
}

/// Bounds a compound file before libgsf reads it.
///
/// libgsf (1.14) builds its directory tree recursively and sorts each storage's children by list insertion, and it
/// quietly drops what it finds broken (a looping or out-of-range link, a stream larger than the file). So the
/// header, the directory's sector chain and the directory tree's links are checked here first, iteratively and
/// with caps, turning each hostile construction into a typed error; only the directory is read, never a stream.
struct CompoundFileStructure {
    static let endOfChain: UInt32 = 0xFFFF_FFFE
    static let noStream: UInt32 = 0xFFFF_FFFF

    let bytes: CompoundFileBytes
    let maxEntries: Int
    let maxDepth: Int
    private let header: [UInt8]
    private let sectorSize: Int
    private let sectorCount: UInt32
    private var difatCache: [UInt32: [UInt8]] = [:]
    private var fatCache: (index: UInt32, bytes: [UInt8])?
    /// The directory's bytes along its chain, once `check()` has passed.
    private var directory: [UInt8]?

    init(bytes: CompoundFileBytes, maxEntries: Int, maxDepth: Int) throws(CompoundFileError) {
        self.bytes = bytes
        self.maxEntries = maxEntries
        self.maxDepth = maxDepth
        if bytes.size == 0 { throw .empty }
        guard bytes.size >= 512 else {
            throw .badHeader(detail: "\(bytes.size) bytes, shorter than the 512-byte header")
        }
        header = try bytes.read(at: 0, count: 512, what: "header")
        guard header.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) else { throw .notACompoundFile }
        let shift = Self.u16(header, 0x1E)
        guard shift == 9 || shift == 12 else { throw .badHeader(detail: "sector shift \(shift), not 9 or 12") }
        sectorSize = 1 << shift
        let cutoff = Self.u32(header, 0x38)
        guard cutoff == 4096 else { throw .badHeader(detail: "mini-stream cutoff \(cutoff), not 4096") }
        let sectors =
            (bytes.size - UInt64(min(UInt64(sectorSize), bytes.size)) + UInt64(sectorSize) - 1)
            / UInt64(sectorSize)
        sectorCount = UInt32(clamping: sectors)
        // libgsf sizes a stack buffer by the FAT's claimed length: it may not claim far more sectors than the file
        // has (writers pad the FAT a little; a few dozen sectors of slack cost libgsf under a kilobyte).
        let fatSectors = Self.u32(header, 0x2C)
        let perSector = UInt32(sectorSize / 4)
        let needed = (sectorCount + perSector - 1) / perSector
        guard fatSectors <= needed * 2 + 64 else {
            throw .badHeader(detail: "a FAT of \(fatSectors) sectors for a file of \(sectorCount) sectors")
        }
    }

    static func u16(_ bytes: [UInt8], _ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 }
    static func u32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    private func sector(_ index: UInt32, what: String) throws(CompoundFileError) -> [UInt8] {
        guard index < sectorCount else { throw .outOfRange(what: what, index: index, limit: sectorCount) }
        return try bytes.read(at: UInt64(index + 1) * UInt64(sectorSize), count: sectorSize, what: what)
    }

    /// Where the `index`th FAT sector lives: in the header's 109 slots, then along the DIFAT chain.
    private mutating func fatSectorLocation(_ index: UInt32) throws(CompoundFileError) -> UInt32 {
        let fatSectors = Self.u32(header, 0x2C)
        guard index < fatSectors else { throw .outOfRange(what: "FAT sector", index: index, limit: fatSectors) }
        if index < 109 { return Self.u32(header, 0x4C + Int(index) * 4) }
        let perDIFAT = UInt32(sectorSize / 4 - 1)
        let hops = (index - 109) / perDIFAT
        var location = Self.u32(header, 0x44)
        var seen = Set<UInt32>()
        for hop in 0...hops {
            guard seen.insert(location).inserted else { throw .loop(chain: "DIFAT", sector: location) }
            let difat: [UInt8]
            if let cached = difatCache[hop] {
                difat = cached
            } else {
                difat = try sector(location, what: "DIFAT sector")
                difatCache[hop] = difat
            }
            if hop == hops { return Self.u32(difat, Int((index - 109) % perDIFAT) * 4) }
            location = Self.u32(difat, Int(perDIFAT) * 4)
        }
        throw .outOfRange(what: "FAT sector", index: index, limit: fatSectors)
    }

    /// The FAT's entry for `sector`: the next sector of its chain.
    private mutating func next(after sector: UInt32) throws(CompoundFileError) -> UInt32 {
        let perSector = UInt32(sectorSize / 4)
        let fatIndex = sector / perSector
        if fatCache?.index != fatIndex {
            let location = try fatSectorLocation(fatIndex)
            fatCache = (fatIndex, try self.sector(location, what: "FAT sector"))
        }
        return Self.u32(fatCache!.bytes, Int(sector % perSector) * 4)
    }

    /// Reads the directory along its chain (looping, out-of-range and overlong chains refused), then walks the
    /// tree of entries from the root without recursion. Returns the number of entries reached.
    mutating func check() throws(CompoundFileError) -> Int {
        let perSector = sectorSize / 128
        let maxSectors = (maxEntries + perSector - 1) / perSector
        var directory: [UInt8] = []
        var seen = Set<UInt32>()
        var current = Self.u32(header, 0x30)
        while current != Self.endOfChain {
            guard seen.insert(current).inserted else { throw .loop(chain: "directory", sector: current) }
            guard seen.count <= maxSectors else { throw .tooManyEntries(limit: maxEntries) }
            directory += try sector(current, what: "directory sector")
            current = try next(after: current)
        }
        let reached = try walkTree(directory)
        self.directory = directory
        return reached
    }

    private func walkTree(_ directory: [UInt8]) throws(CompoundFileError) -> Int {
        let count = UInt32(directory.count / 128)
        guard count > 0, directory[0x42] == 5 else { throw .corrupt(detail: "the first directory entry is no root") }
        var visited = [Bool](repeating: false, count: Int(count))
        // (entry, depth of storages above it); siblings share their parent's depth.
        var pending: [(UInt32, Int)] = [(0, 0)]
        var reached = 0
        while let (index, depth) = pending.popLast() {
            guard index < count else { throw .outOfRange(what: "directory entry", index: index, limit: count) }
            guard !visited[Int(index)] else { throw .loop(chain: "directory tree", sector: index) }
            visited[Int(index)] = true
            reached += 1
            guard reached <= maxEntries, depth <= maxDepth else { throw .tooManyEntries(limit: maxEntries) }
            let base = Int(index) * 128
            let type = directory[base + 0x42]
            guard type == 1 || type == 2 || (type == 5 && index == 0) else {
                throw .corrupt(detail: "directory entry \(index) has type \(type)")
            }
            if type == 2 {
                let size =
                    sectorSize == 512
                    ? UInt64(Self.u32(directory, base + 0x78))
                    : UInt64(Self.u32(directory, base + 0x78)) | UInt64(Self.u32(directory, base + 0x7C)) << 32
                if size > bytes.size {
                    throw .sizeBeyondFile(entry: name(directory, base), size: size, fileSize: bytes.size)
                }
            }
            for (offset, nested) in [(0x44, 0), (0x48, 0), (0x4C, 1)] {
                let link = Self.u32(directory, base + offset)
                if link == Self.noStream { continue }
                if nested == 1 && type == 2 { continue }  // a stream's child link is meaningless; libgsf ignores it
                pending.append((link, depth + nested))
            }
        }
        return reached
    }

    private func name(_ directory: [UInt8], _ base: Int) -> String {
        let length = min(64, max(0, Self.u16(directory, base + 0x40) - 2))
        var units: [UInt16] = []
        for offset in stride(from: 0, to: length - 1, by: 2) {
            units.append(UInt16(directory[base + offset]) | UInt16(directory[base + offset + 1]) << 8)
        }
        return String(decoding: units, as: UTF16.self)
    }
}

/// The directory listed from the bytes `check()` read, as libgsf 1.14 (`gsf-infile-msole.c`) lists it, without
/// creating a libgsf object per entry. Returns `nil` (the caller lists through libgsf) wherever libgsf's listing
/// could differ: names other than printable-or-control ASCII, sizes with high bits, siblings whose names sort
/// equal, root siblings, DIFAT counts or chains libgsf would read otherwise, and small streams whose mini-stream
/// chain libgsf might fail to read (it then leaves the stream out).
extension CompoundFileStructure {
    private struct Listed {
        let index: UInt32
        let name: String
        /// Where the entry starts in the directory, and its name's length in characters (its sorting key is the
        /// upper-cased name there).
        let base: Int
        let units: Int
        let isStorage: Bool
        let size: UInt32
        let firstBlock: UInt32
    }

    mutating func listing() -> [CompoundFileEntry]? {
        guard let directory, bytes.size < 1 << 32 else { return nil }
        // libgsf reads exactly the header's count of DIFAT sectors; another count fills its FAT otherwise.
        let fatSectors = Self.u32(header, 0x2C)
        let perDIFAT = UInt32(sectorSize / 4 - 1)
        let neededDIFAT = fatSectors <= 109 ? 0 : (fatSectors - 109 + perDIFAT - 1) / perDIFAT
        guard Self.u32(header, 0x48) == neededDIFAT, Self.u16(header, 0x20) == 6 else { return nil }
        // libgsf walks the root's siblings as further roots (listing nothing of them).
        guard Self.u32(directory, 0x44) == Self.noStream, Self.u32(directory, 0x48) == Self.noStream else {
            return nil
        }
        var entries: [CompoundFileEntry] = []
        var small: [(size: UInt32, firstBlock: UInt32)] = []
        guard list(0, path: [], directory: directory, into: &entries, small: &small) else { return nil }
        guard small.isEmpty || smallStreamsReadable(small, directory: directory) else { return nil }
        return entries
    }

    /// Appends the entries below `storage` depth first (a storage's entries right after it); false to decline.
    /// Depth is bounded by `check()`.
    private func list(
        _ storage: UInt32, path: [String], directory: [UInt8], into entries: inout [CompoundFileEntry],
        small: inout [(size: UInt32, firstBlock: UInt32)]
    ) -> Bool {
        guard let children = children(of: storage, in: directory) else { return false }
        for child in children {
            entries.append(
                CompoundFileEntry(
                    parent: path, name: child.name, isStorage: child.isStorage,
                    size: child.isStorage ? 0 : UInt64(child.size)))
            if child.isStorage {
                guard list(child.index, path: path + [child.name], directory: directory, into: &entries, small: &small)
                else { return false }
            } else if child.size < 4096 {
                small.append((child.size, child.firstBlock))
            }
        }
        return true
    }

    /// The sectors of the FAT chain from `first`, or `nil` when it loops or ends other than with end-of-chain.
    private mutating func chain(from first: UInt32) -> [UInt32]? {
        var sectors: [UInt32] = []
        var seen = [Bool](repeating: false, count: Int(sectorCount))
        var current = first
        while current != Self.endOfChain {
            guard current < sectorCount, !seen[Int(current)] else { return nil }
            seen[Int(current)] = true
            sectors.append(current)
            guard let following = try? next(after: current) else { return nil }
            current = following
        }
        return sectors
    }

    /// Whether libgsf reads every small stream (under the 4,096-byte cutoff) in full from the mini stream when it
    /// opens it: a stream it cannot read is left out of libgsf's listing, so any doubt declines.
    private mutating func smallStreamsReadable(
        _ small: [(size: UInt32, firstBlock: UInt32)], directory: [UInt8]
    ) -> Bool {
        let miniStreamSize = UInt64(Self.u32(directory, 0x78))
        guard let rootChain = chain(from: Self.u32(directory, 0x74)),
            miniStreamSize <= UInt64(rootChain.count) * UInt64(sectorSize),
            rootChain.allSatisfy({ (UInt64($0) + 2) * UInt64(sectorSize) <= bytes.size }),
            let miniFATChain = chain(from: Self.u32(header, 0x3C))
        else { return false }
        var miniFAT: [UInt32] = []
        for location in miniFATChain {
            guard let sector = try? sector(location, what: "mini FAT sector") else { return false }
            for offset in stride(from: 0, to: sectorSize, by: 4) { miniFAT.append(Self.u32(sector, offset)) }
        }
        // libgsf stops filling its mini FAT at an entry out of range (leaving zeros).
        let count = UInt32(miniFAT.count)
        guard miniFAT.allSatisfy({ $0 < count || $0 >= 0xFFFF_FFFC }) else { return false }
        for (size, firstBlock) in small {
            var remaining = UInt64(size)
            var block = firstBlock
            // At most 64 blocks (under 4,096 bytes): a linear look-up finds a loop.
            var seen: [UInt32] = []
            seen.reserveCapacity(Int((remaining + 63) / 64))
            while remaining > 0 {
                guard block < count, !seen.contains(block) else { return false }
                seen.append(block)
                let piece = min(remaining, 64)
                guard UInt64(block) * 64 + piece <= miniStreamSize else { return false }
                remaining -= piece
                block = miniFAT[Int(block)]
            }
        }
        return true
    }

    /// The entries below `storage`, sorted as libgsf sorts them, or `nil` to decline.
    private func children(of storage: UInt32, in directory: [UInt8]) -> [Listed]? {
        var listed: [Listed] = []
        var pending: [UInt32] = []
        let first = Self.u32(directory, Int(storage) * 128 + 0x4C)
        if first != Self.noStream { pending.append(first) }
        while let index = pending.popLast() {
            let base = Int(index) * 128
            let type = directory[base + 0x42]
            guard let name = Self.plainName(directory, base) else { return nil }
            let size = Self.u32(directory, base + 0x78)
            let isStorage = type == 1
            // libgsf keeps the low 32 bits of every size: a stream with high bits would list differently.
            if !isStorage && Self.u32(directory, base + 0x7C) != 0 { return nil }
            listed.append(
                Listed(
                    index: index, name: name, base: base, units: Self.u16(directory, base + 0x40) / 2 - 1,
                    isStorage: isStorage, size: size,
                    firstBlock: Self.u32(directory, base + 0x74)))
            for offset in [0x44, 0x48] {
                let link = Self.u32(directory, base + offset)
                if link != Self.noStream { pending.append(link) }
            }
        }
        // libgsf: longer names after shorter ones, then by upper-cased UTF-16 units (ASCII here).
        func order(_ a: Listed, _ b: Listed) -> Int {
            if a.units != b.units { return a.units < b.units ? -1 : 1 }
            for unit in 0..<a.units {
                let x = Self.upper(directory[a.base + unit * 2])
                let y = Self.upper(directory[b.base + unit * 2])
                if x != y { return x < y ? -1 : 1 }
            }
            return 0
        }
        listed.sort { order($0, $1) < 0 }
        for (earlier, later) in zip(listed, listed.dropFirst()) where order(earlier, later) == 0 { return nil }
        return listed
    }

    static func upper(_ byte: UInt8) -> UInt8 { byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte }

    /// The entry's name when it is ASCII (controls allowed: `\u{5}SummaryInformation`), terminated where its
    /// length says, and at least one character; otherwise `nil`. libgsf tries such a name as UTF-8 first, but with
    /// a zero high byte after the first character that attempt always stops short.
    private static func plainName(_ directory: [UInt8], _ base: Int) -> String? {
        let length = u16(directory, base + 0x40)
        guard length % 2 == 0, length >= 4, length <= 64 else { return nil }
        let units = length / 2 - 1
        guard directory[base + units * 2] == 0, directory[base + units * 2 + 1] == 0 else { return nil }
        for unit in 0..<units {
            let low = directory[base + unit * 2]
            guard directory[base + unit * 2 + 1] == 0, low != 0, low < 0x80 else { return nil }
        }
        return String(unsafeUninitializedCapacity: units) { buffer in
            for unit in 0..<units { buffer[unit] = directory[base + unit * 2] }
            return units
        }
    }
}
