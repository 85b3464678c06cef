import Foundation
import TestSupport
import Testing

@testable import CompoundFileKit

/// The listing read from the directory bytes equals libgsf's own listing (the old path, forced with
/// `listing: .libgsf`), or declines (and then is libgsf's): on every compound file of the fixtures and the shared
/// corpus, and on seeded mutants of them.
@Suite struct CompoundFileListingTests {
    static let signature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    /// Every file under `root` that starts with the compound file signature.
    static func compoundFiles(under root: URL) -> [String] {
        var paths: [String] = []
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = walker?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                let handle = FileHandle(forReadingAtPath: url.path)
            else { continue }
            let head = handle.readData(ofLength: 8)
            try? handle.close()
            if [UInt8](head) == signature { paths.append(url.path) }
        }
        return paths.sorted()
    }

    static func open(_ bytes: [UInt8], _ listing: CompoundFile.Listing) -> Result<CompoundFile, CompoundFileError> {
        do throws(CompoundFileError) {
            return .success(
                try CompoundFile(bytes: bytes, maxEntries: CompoundFile.defaultMaxEntries, listing: listing))
        } catch {
            return .failure(error)
        }
    }

    static func open(path: String, _ listing: CompoundFile.Listing) -> Result<CompoundFile, CompoundFileError> {
        do throws(CompoundFileError) {
            return .success(try CompoundFile(path: path, maxEntries: CompoundFile.defaultMaxEntries, listing: listing))
        } catch {
            return .failure(error)
        }
    }

    /// nil when both opens agree (same error, or same entries); otherwise what differs.
    static func difference(
        _ new: Result<CompoundFile, CompoundFileError>, _ old: Result<CompoundFile, CompoundFileError>
    ) -> String? {
        switch (new, old) {
        case (.failure(let a), .failure(let b)): return a == b ? nil : "errors differ: \(a) / libgsf path: \(b)"
        case (.success(let a), .success(let b)):
            if b.listedFromDirectory { return "the libgsf path did not list through libgsf" }
            if a.entries == b.entries { return nil }
            return "entries differ:\n\(a.entries.map(\.debugLine))\nlibgsf:\n\(b.entries.map(\.debugLine))"
        case (.success, .failure(let b)): return "only the libgsf path failed: \(b)"
        case (.failure(let a), .success): return "only the new path failed: \(a)"
        }
    }

    /// (files, listed from the directory) over `paths`, each opened from disk and from memory, checked against libgsf.
    static func compare(_ paths: [String]) throws -> (files: Int, fromDirectory: Int) {
        var fromDirectory = 0
        for path in paths {
            let viaPath = open(path: path, .directory)
            #expect(difference(viaPath, open(path: path, .libgsf)) == nil, "\(path)")
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(difference(open(bytes, .directory), open(bytes, .libgsf)) == nil, "\(path) from memory")
            if case .success(let file) = viaPath, file.listedFromDirectory { fromDirectory += 1 }
        }
        return (paths.count, fromDirectory)
    }

    @Test func fixturesListAsLibgsfListsThem() throws {
        let paths = Self.compoundFiles(under: Fixtures.root)
        #expect(paths.count >= 30)
        let (files, fromDirectory) = try Self.compare(paths)
        print("compound files in fixtures: \(files), listed from the directory: \(fromDirectory)")
        // Real Office files list from the directory: a decline everywhere would pass the equality above vacuously.
        #expect(fromDirectory >= 25)
    }

    @Test(.enabled(if: Fixtures.sharedCorpus != nil)) func corpusListsAsLibgsfListsIt() throws {
        let corpus = try #require(Fixtures.sharedCorpus).appendingPathComponent("corpus")
        let paths = Self.compoundFiles(under: corpus)
        let (files, fromDirectory) = try Self.compare(paths)
        print("compound files in the shared corpus: \(files), listed from the directory: \(fromDirectory)")
    }

    /// Where a mutation may land in a compound file.
    struct Layout {
        let sectorSize: Int
        let fatSectors: [Int]
        let directorySectors: [Int]
        let miniFATSectors: [Int]

        init?(_ bytes: [UInt8]) {
            guard bytes.count >= 1024 else { return nil }
            func u32(_ offset: Int) -> Int {
                Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16
                    | Int(bytes[offset + 3]) << 24
            }
            let size = 1 << (Int(bytes[0x1E]) | Int(bytes[0x1F]) << 8)
            let sectors = (bytes.count - size) / size
            let fat = (0..<min(109, u32(0x2C))).map { u32(0x4C + $0 * 4) }.filter { $0 < sectors }
            func chain(_ first: Int) -> [Int] {
                var result: [Int] = []
                var current = first
                while current < sectors, result.count < 64 {
                    result.append(current)
                    let fatIndex = current / (size / 4)
                    guard fatIndex < fat.count else { break }
                    current = u32((fat[fatIndex] + 1) * size + (current % (size / 4)) * 4)
                }
                return result
            }
            sectorSize = size
            fatSectors = fat
            directorySectors = chain(u32(0x30))
            miniFATSectors = chain(u32(0x3C))
            guard !fatSectors.isEmpty, !directorySectors.isEmpty else { return nil }
        }

        func offset(ofSector sector: Int) -> Int { (sector + 1) * sectorSize }
    }

    static func put32(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt32) {
        guard offset + 4 <= bytes.count else { return }
        for shift in 0..<4 { bytes[offset + shift] = UInt8(truncatingIfNeeded: value >> (shift * 8)) }
    }

    /// Applies one random mutation; returns what it did.
    static func mutate(_ bytes: inout [UInt8], _ layout: Layout, _ random: inout SeededGenerator) -> String {
        let specials: [UInt32] = [
            0, 1, 2, 3, 0xFFFF_FFFF, 0xFFFF_FFFE, 0xFFFF_FFFD, 0xFFFF_FFFC, 4095, 4096, 0x8000_0000,
        ]
        func value() -> UInt32 {
            Bool.random(using: &random)
                ? specials.randomElement(using: &random)! : UInt32.random(in: 0..<64, using: &random)
        }
        let entries = layout.directorySectors.count * layout.sectorSize / 128
        let entry = Int.random(in: 0..<entries, using: &random)
        let base =
            layout.offset(ofSector: layout.directorySectors[entry / (layout.sectorSize / 128)])
            + (entry % (layout.sectorSize / 128)) * 128
        switch Int.random(in: 0..<11, using: &random) {
        case 0:
            let offset = [0x1E, 0x20, 0x2C, 0x30, 0x3C, 0x40, 0x44, 0x48, 0x4C, 0x50].randomElement(using: &random)!
            let new = value()
            put32(
                &bytes, offset,
                offset == 0x1E || offset == 0x20 ? (new & 0xFFFF) | UInt32(bytes[offset + 2]) << 16 : new)
            return "header u32 at 0x\(String(offset, radix: 16)) = \(new)"
        case 1:
            let sector = layout.fatSectors.randomElement(using: &random)!
            let index = Int.random(in: 0..<(layout.sectorSize / 4), using: &random)
            let new = value()
            put32(&bytes, layout.offset(ofSector: sector) + index * 4, new)
            return "FAT sector \(sector) entry \(index) = \(new)"
        case 2:
            let at = Int.random(in: 0..<64, using: &random)
            let new = [0, 0x61, 0x41, 0x05, 0x7F, 0x80, 0xD8, 0xE6, 0x2F].randomElement(using: &random)!
            if base + at < bytes.count { bytes[base + at] = UInt8(new) }
            return "entry \(entry) name byte \(at) = \(new)"
        case 3:
            let new = UInt32.random(in: 0...70, using: &random)
            if base + 0x41 < bytes.count { bytes[base + 0x40] = UInt8(new) }
            return "entry \(entry) name length = \(new)"
        case 4:
            let new = UInt8.random(in: 0...6, using: &random)
            if base + 0x42 < bytes.count { bytes[base + 0x42] = new }
            return "entry \(entry) type = \(new)"
        case 5:
            let offset = [0x44, 0x48, 0x4C].randomElement(using: &random)!
            let new =
                Bool.random(using: &random) ? 0xFFFF_FFFF : UInt32.random(in: 0..<UInt32(entries + 2), using: &random)
            put32(&bytes, base + offset, new)
            return "entry \(entry) link at 0x\(String(offset, radix: 16)) = \(new)"
        case 6:
            let choices: [UInt32] = [0, 1, 63, 64, 4095, 4096, 4097, UInt32(bytes.count), UInt32(bytes.count + 1)]
            let new =
                Bool.random(using: &random)
                ? choices.randomElement(using: &random)! : UInt32.random(in: 0..<8192, using: &random)
            put32(&bytes, base + 0x78, new)
            return "entry \(entry) size = \(new)"
        case 7:
            let new = value()
            put32(&bytes, base + 0x7C, new)
            return "entry \(entry) size high = \(new)"
        case 8:
            let new = value()
            put32(&bytes, base + 0x74, new)
            return "entry \(entry) first sector = \(new)"
        case 9:
            // Another entry's name: duplicates in a storage, and names sorting next to each other.
            let other = Int.random(in: 0..<entries, using: &random)
            let from =
                layout.offset(ofSector: layout.directorySectors[other / (layout.sectorSize / 128)])
                + (other % (layout.sectorSize / 128)) * 128
            if Bool.random(using: &random) {
                for index in 0..<66 where base + index < bytes.count && from + index < bytes.count {
                    bytes[base + index] = bytes[from + index]
                }
            }
            if let sector = layout.miniFATSectors.randomElement(using: &random) {
                let index = Int.random(in: 0..<(layout.sectorSize / 4), using: &random)
                put32(&bytes, layout.offset(ofSector: sector) + index * 4, value())
                return
                    "entry \(entry) named as entry \(other) (maybe); mini FAT sector \(sector) entry \(index) changed"
            }
            return "entry \(entry) named as entry \(other) (maybe)"
        default:
            let length = Int.random(in: 0..<bytes.count, using: &random)
            bytes.removeLast(bytes.count - length)
            return "truncated to \(length) bytes"
        }
    }

    @Test func mutantsDeclineOrListAsLibgsf() throws {
        let seed = ProcessInfo.processInfo.environment["OVERBLIK_CFB_SEED"].flatMap { UInt64($0) } ?? 0x0C_FB12
        var random = SeededGenerator(seed: seed)
        let originals = try Self.compoundFiles(under: Fixtures.root).compactMap { path -> (String, [UInt8])? in
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            return bytes.count <= 256 * 1024 && Layout(bytes) != nil ? (path, bytes) : nil
        }
        #expect(originals.count >= 20)
        var fromDirectory = 0
        var opened = 0
        let mutants = 3000
        for number in 0..<mutants {
            let (path, original) = originals.randomElement(using: &random)!
            var bytes = original
            let layout = Layout(bytes)!
            var done: [String] = []
            for _ in 0..<Int.random(in: 1...3, using: &random) where bytes.count >= 1024 {
                done.append(Self.mutate(&bytes, layout, &random))
            }
            let new = Self.open(bytes, .directory)
            if let difference = Self.difference(new, Self.open(bytes, .libgsf)) {
                let saved = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "cfb-mutant-\(seed)-\(number)")
                try Data(bytes).write(to: saved)
                Issue.record(
                    "seed \(seed) mutant \(number) of \(path): \(done.joined(separator: "; ")) (saved as \(saved.path)): \(difference)"
                )
            }
            if case .success(let file) = new {
                opened += 1
                if file.listedFromDirectory && bytes != original { fromDirectory += 1 }
            }
        }
        print("seed \(seed): \(mutants) mutants, \(opened) opened, \(fromDirectory) listed from the directory")
        // Enough mutants must take the new path for the comparison to mean something.
        #expect(fromDirectory >= mutants / 5)
    }
}

extension CompoundFileEntry {
    fileprivate var debugLine: String { "\(path.debugDescription) \(isStorage ? "storage" : "stream") \(size)" }
}
