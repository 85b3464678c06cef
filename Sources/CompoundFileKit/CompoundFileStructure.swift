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
        return try walkTree(directory)
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
