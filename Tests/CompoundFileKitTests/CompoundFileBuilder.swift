/// Writes small compound files by hand (version 3, 512-byte sectors), so tests can make exactly the damaged
/// structures hostile files use: looping chains, links out of range, claimed sizes beyond the file.
struct CompoundFileBuilder {
    static let free: UInt32 = 0xFFFF_FFFF
    static let endOfChain: UInt32 = 0xFFFF_FFFE
    static let fatSector: UInt32 = 0xFFFF_FFFD

    struct Entry {
        var name: String
        var type: UInt8  // 1 storage, 2 stream, 5 root
        var left = free
        var right = free
        var child = free
        var start = endOfChain
        var size: UInt32 = 0
    }

    /// Directory entries (entry 0 is the root) and one stream's bytes (at least 4,096, so no mini stream).
    var entries: [Entry]
    var streamData: [UInt8]

    /// A root with a 4,096-byte `WordDocument` stream and a `Macros` storage holding an empty `VBA` storage.
    static func plain() -> CompoundFileBuilder {
        CompoundFileBuilder(
            entries: [
                Entry(name: "Root Entry", type: 5, child: 1),
                Entry(name: "WordDocument", type: 2, right: 2, start: 0, size: 4096),
                Entry(name: "Macros", type: 1, child: 3),
                Entry(name: "VBA", type: 1),
            ],
            streamData: (0..<4096).map { UInt8(truncatingIfNeeded: $0) })
    }

    /// Layout: FAT sectors, directory sectors, stream sectors. `edit` may change the header and FAT before writing.
    func bytes(edit: (inout [UInt8], inout [UInt32]) -> Void = { _, _ in }) -> [UInt8] {
        let directorySectors = (entries.count * 128 + 511) / 512
        let dataSectors = (streamData.count + 511) / 512
        var fatSectors = 1
        while fatSectors * 128 < fatSectors + directorySectors + dataSectors { fatSectors += 1 }
        let total = fatSectors + directorySectors + dataSectors
        var fat = [UInt32](repeating: Self.free, count: fatSectors * 128)
        for index in 0..<fatSectors { fat[index] = Self.fatSector }
        func chain(from first: Int, count: Int) {
            for index in first..<first + count {
                fat[index] = index == first + count - 1 ? Self.endOfChain : UInt32(index + 1)
            }
        }
        chain(from: fatSectors, count: directorySectors)
        chain(from: fatSectors + directorySectors, count: dataSectors)
        var header = [UInt8](repeating: 0, count: 512)
        header.replaceSubrange(0..<8, with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        put16(&header, 0x18, 0x3E)
        put16(&header, 0x1A, 3)
        put16(&header, 0x1C, 0xFFFE)
        put16(&header, 0x1E, 9)
        put16(&header, 0x20, 6)
        put32(&header, 0x2C, UInt32(fatSectors))
        put32(&header, 0x30, UInt32(fatSectors))
        put32(&header, 0x38, 4096)
        put32(&header, 0x3C, Self.endOfChain)
        put32(&header, 0x44, Self.endOfChain)
        for slot in 0..<109 { put32(&header, 0x4C + slot * 4, slot < fatSectors ? UInt32(slot) : Self.free) }
        edit(&header, &fat)
        var out = header
        for value in fat { put32(&out, out.count, value) }
        var directory = [UInt8](repeating: 0, count: directorySectors * 512)
        for (index, entry) in entries.enumerated() {
            let base = index * 128
            let units = Array(entry.name.utf16) + [0]
            for (offset, unit) in units.enumerated() { put16(&directory, base + offset * 2, UInt16(unit)) }
            put16(&directory, base + 0x40, UInt16(units.count * 2))
            directory[base + 0x42] = entry.type
            directory[base + 0x43] = 1
            put32(&directory, base + 0x44, entry.left)
            put32(&directory, base + 0x48, entry.right)
            put32(&directory, base + 0x4C, entry.child)
            let start =
                entry.start == Self.endOfChain ? entry.start : UInt32(fatSectors + directorySectors) + entry.start
            put32(&directory, base + 0x74, start)
            put32(&directory, base + 0x78, entry.size)
        }
        for index in entries.count..<directorySectors * 4 {
            put32(&directory, index * 128 + 0x44, Self.free)
            put32(&directory, index * 128 + 0x48, Self.free)
            put32(&directory, index * 128 + 0x4C, Self.free)
        }
        out += directory
        out += streamData + [UInt8](repeating: 0, count: dataSectors * 512 - streamData.count)
        precondition(out.count == 512 * (total + 1))
        return out
    }

    private func put16(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt16) {
        if offset == bytes.count { bytes += [0, 0] }
        bytes[offset] = UInt8(value & 0xFF)
        bytes[offset + 1] = UInt8(value >> 8)
    }

    private func put32(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt32) {
        if offset == bytes.count { bytes += [0, 0, 0, 0] }
        for shift in 0..<4 { bytes[offset + shift] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(shift))) }
    }
}
