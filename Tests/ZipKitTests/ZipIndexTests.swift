import Foundation
import Testing
import TestSupport

@testable import ZipKit

/// The central directory indexed from an archive's bytes against libzip's own open of the same bytes (the
/// oracle): wherever the index accepts an archive, both give the same entries, names, look-ups and reads.
@Suite struct ZipIndexTests {
    /// Everything a caller can see of an archive: the open's outcome, the entries, every look-up and every read.
    struct Observation: Equatable, CustomStringConvertible {
        var openError: ZipError?
        var entries: [ZipEntry] = []
        var entryCount = 0
        var duplicateNames: [String] = []
        var hasLeadingJunk = false
        var firstEntry: ZipEntry?
        var rawNames: [[UInt8]] = []
        var lookedUp: [ZipEntry?] = []
        var reads: [Result<[UInt8], ZipError>] = []

        var description: String {
            if let openError { return "open fails: \(openError)" }
            return "\(entryCount) entries \(entries.map(\.name)), duplicates \(duplicateNames), junk \(hasLeadingJunk)"
        }
    }

    /// Names looked up besides the entries' own: absent ones, and one cut by a NUL (libzip sees a C string).
    static let probedNames = [
        "meta.xml", "content.xml", "mimetype", "", "absent/name", "meta.xml\u{0}tail", "Meta.xml",
    ]

    /// Opens `bytes` (libzip only when `indexing` is false) and observes it; reads are capped at `limit`.
    static func observe(_ bytes: [UInt8], indexing: Bool, limit: Int = 1 << 20) -> (Observation, indexed: Bool) {
        final class Owner {}
        return bytes.withUnsafeBytes { raw in
            let archive: ZipArchive
            do throws(ZipError) {
                archive = try ZipArchive(borrowing: raw, keepingAlive: Owner(), indexing: indexing)
            } catch {
                return (Observation(openError: error), false)
            }
            var seen = Observation()
            seen.entries = archive.entries
            seen.entryCount = archive.entryCount
            seen.duplicateNames = archive.duplicateNames
            seen.hasLeadingJunk = archive.hasLeadingJunk
            seen.firstEntry = archive.firstEntry
            archive.forEachEntryName { seen.rawNames.append(Array($0)) }
            for name in seen.entries.map(\.name) + probedNames { seen.lookedUp.append(archive.entry(named: name)) }
            for entry in seen.entries {
                seen.reads.append(Result { () throws(ZipError) in try archive.read(entry, limit: limit) })
                for count in [0, 7, 1024, 64 << 10] {
                    seen.reads.append(Result { () throws(ZipError) in try archive.readPrefix(entry, count: count) })
                }
            }
            // An entry as a caller might forge it (another entry's sizes): read as libzip reads it.
            if let first = seen.entries.first, let last = seen.entries.last {
                var forged = first
                forged.compressedSize = last.compressedSize
                forged.crc32 = last.crc32
                seen.reads.append(Result { () throws(ZipError) in try archive.read(forged, limit: limit) })
            }
            return (seen, archive.isIndexedDirectly)
        }
    }

    /// The fixtures' ZIP packages and, when present, every ZIP file of the shared corpus.
    static func packages() throws -> [URL] {
        var found = try ZipReadOracleTests.archives()
        if let corpus = Fixtures.sharedCorpus?.appendingPathComponent("corpus"),
            let walker = FileManager.default.enumerator(at: corpus, includingPropertiesForKeys: nil)
        {
            for case let url as URL in walker
            where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?
                .isRegularFile == true
            {
                guard let handle = FileHandle(forReadingAtPath: url.path) else { continue }
                let head = handle.readData(ofLength: 2)
                try handle.close()
                if head.starts(with: [0x50, 0x4B]) { found.append(url) }
            }
        }
        return found.sorted { $0.path < $1.path }
    }

    @Test func indexedArchivesOpenAndReadAsLibzipOpensThem() throws {
        let packages = try Self.packages()
        #expect(packages.count > 40)
        var indexed = 0
        var declined: [String] = []
        for url in packages {
            let bytes = [UInt8](try Data(contentsOf: url))
            let (fast, wasIndexed) = Self.observe(bytes, indexing: true)
            let (slow, _) = Self.observe(bytes, indexing: false)
            #expect(fast == slow, "\(url.lastPathComponent): indexed \(fast) vs libzip \(slow)")
            if wasIndexed { indexed += 1 } else { declined.append(url.lastPathComponent) }
        }
        print("ZipIndexTests: \(indexed) of \(packages.count) archives indexed directly; declined: \(declined)")
        // Most real packages are plain; the damaged fixtures and ZIP edge cases are declined.
        #expect(indexed * 2 > packages.count)
    }

    /// Adopted bytes (the archive frees them) take the same path as borrowed ones.
    @Test func adoptedBytesAreIndexedAndRead() throws {
        let url = Fixtures.url("documents/generated").appendingPathComponent(
            try #require(
                try FileManager.default.contentsOfDirectory(atPath: Fixtures.url("documents/generated").path)
                    .sorted().first { $0.hasSuffix(".odt") }))
        let bytes = [UInt8](try Data(contentsOf: url))
        let archive = try ZipArchive(bytes: bytes)
        #expect(archive.isIndexedDirectly)
        let (slow, _) = Self.observe(bytes, indexing: false)
        #expect(archive.entries == slow.entries)
        for (index, entry) in archive.entries.enumerated() {
            #expect(Result { () throws(ZipError) in try archive.read(entry, limit: 1 << 20) } == slow.reads[index * 5])
        }
    }

    // MARK: - Mutants

    /// One change to an archive's bytes.
    enum Mutation: CustomStringConvertible {
        case overwrite(at: Int, bytes: [UInt8])
        case truncate(to: Int)
        case append([UInt8])
        case insert(at: Int, bytes: [UInt8])

        func apply(_ bytes: inout [UInt8]) {
            switch self {
            case .overwrite(let at, let new):
                for (offset, byte) in new.enumerated() where at + offset < bytes.count { bytes[at + offset] = byte }
            case .truncate(let count): bytes.removeSubrange(min(count, bytes.count)...)
            case .append(let tail): bytes += tail
            case .insert(let at, let junk): bytes.insert(contentsOf: junk, at: min(at, bytes.count))
            }
        }

        var description: String {
            switch self {
            case .overwrite(let at, let bytes): return "overwrite at \(at) with \(bytes)"
            case .truncate(let count): return "truncate to \(count)"
            case .append(let bytes): return "append \(bytes)"
            case .insert(let at, let bytes): return "insert \(bytes) at \(at)"
            }
        }
    }

    /// Offsets worth hitting: the end record, the central headers and the local headers (found by signature).
    static func structureOffsets(_ bytes: [UInt8]) -> [Int] {
        var offsets: [Int] = []
        var index = 0
        while index + 4 <= bytes.count {
            if bytes[index] == 0x50, bytes[index + 1] == 0x4B, bytes[index + 2] < 8, bytes[index + 3] < 9 {
                offsets.append(index)
            }
            index += 1
        }
        return offsets
    }

    static func randomMutation(_ bytes: [UInt8], structure: [Int], using random: inout SeededGenerator) -> Mutation {
        // Values that mean something in ZIP headers: zero, all ones, signature bytes, small lengths.
        let special: [[UInt8]] = [
            [0], [0xFF], [0xFF, 0xFF], [0xFF, 0xFF, 0xFF, 0xFF], [0x50, 0x4B, 5, 6], [0x50, 0x4B, 6, 7],
            [0x50, 0x4B, 1, 2], [0x50, 0x4B, 3, 4], [1], [0x80], [0x75, 0x70], [0x99, 0x99], [8, 0], [0x63],
        ]
        func bytesToWrite() -> [UInt8] {
            random.next() % 2 == 0
                ? special.randomElement(using: &random)!
                : (0..<Int.random(in: 1...4, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
        func target() -> Int {
            // Mostly a header field (within 64 bytes of a signature), sometimes anywhere.
            if random.next() % 4 != 0, let start = structure.randomElement(using: &random) {
                return min(bytes.count - 1, start + Int.random(in: 0..<64, using: &random))
            }
            return Int.random(in: 0..<bytes.count, using: &random)
        }
        switch random.next() % 10 {
        case 0: return .truncate(to: Int.random(in: 0..<bytes.count, using: &random))
        case 1: return .append(bytesToWrite())
        case 2: return .insert(at: target(), bytes: bytesToWrite())
        case 3:
            // A flipped bit.
            let at = target()
            return .overwrite(at: at, bytes: [bytes[at] ^ UInt8(1 << (random.next() % 8))])
        default: return .overwrite(at: target(), bytes: bytesToWrite())
        }
    }

    /// Small real archives (fixtures under 48 KiB), so thousands of mutants read in seconds.
    static func smallArchives() throws -> [(name: String, bytes: [UInt8])] {
        try ZipReadOracleTests.archives().compactMap { url in
            let bytes = [UInt8](try Data(contentsOf: url))
            return bytes.count < 48 << 10 ? (url.lastPathComponent, bytes) : nil
        }
    }

    /// Either the index declines a mutant (libzip opens it, as before) or it agrees with libzip exactly. A failure
    /// names its seed; `ZIP_INDEX_SEED=<seed>` replays it (or tries another).
    @Test func mutantsAreDeclinedOrReadAsLibzipReadsThem() throws {
        let seed = ProcessInfo.processInfo.environment["ZIP_INDEX_SEED"].flatMap(UInt64.init) ?? 0x5EED_2026_1207
        var random = SeededGenerator(seed: seed)
        let archives = try Self.smallArchives()
        #expect(archives.count > 20)
        let structures = archives.map { Self.structureOffsets($0.bytes) }
        var indexedMutants = 0
        let mutantCount = 6000
        for number in 0..<mutantCount {
            let which = Int.random(in: 0..<archives.count, using: &random)
            let original = archives[which].bytes
            let mutations = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                Self.randomMutation(original, structure: structures[which], using: &random)
            }
            guard let failure = Self.disagreement(original, mutations) else {
                var mutant = original
                for mutation in mutations { mutation.apply(&mutant) }
                if Self.observe(mutant, indexing: true).indexed { indexedMutants += 1 }
                continue
            }
            // The smallest subset of the mutations that still disagrees.
            let minimal =
                mutations.indices.lazy.map { [mutations[$0]] }.first { Self.disagreement(original, $0) != nil }
                ?? mutations
            Issue.record(
                """
                seed \(seed), mutant \(number) of \(archives[which].name): \(minimal) \
                (of \(mutations)): \(Self.disagreement(original, minimal) ?? failure)
                """)
            return
        }
        print("ZipIndexTests: \(indexedMutants) of \(mutantCount) mutants indexed directly (seed \(seed))")
        // Many mutants must stay plain (a changed data byte, an appended byte the comment length rejects, ...)
        // for the agreement to be tested at all.
        #expect(indexedMutants > mutantCount / 10)
    }

    /// `nil` when the mutant is declined by the index or observed alike both ways; else the two observations.
    static func disagreement(_ original: [UInt8], _ mutations: [Mutation]) -> String? {
        var mutant = original
        for mutation in mutations { mutation.apply(&mutant) }
        let (fast, indexed) = observe(mutant, indexing: true)
        guard indexed else { return nil }
        let (slow, _) = observe(mutant, indexing: false)
        return fast == slow ? nil : "indexed \(fast) vs libzip \(slow)"
    }

    /// Hand-made archives the index must decline, each for one reason libzip reads differently or refuses.
    @Test(arguments: [
        ("junk before the archive", ZipBuilder.stored([TestZipEntry(name: "a", data: [1])], prefix: [0, 1, 2, 3])),
        ("a name with a control byte", ZipBuilder.stored([TestZipEntry(name: "a\u{1}", data: [1])])),
        ("a name beyond ASCII (CP437 or UTF-8)", ZipBuilder.stored([TestZipEntry(name: "æble", data: [1])])),
        ("a comment after the end record", ZipBuilder.stored([TestZipEntry(name: "a", data: [1])]) + [0x41]),
    ])
    func declined(reason: String, bytes: [UInt8]) {
        #expect(!Self.observe(bytes, indexing: true).indexed, "\(reason)")
    }

    @Test func plainBuiltArchiveIsIndexedWithDuplicatesAsLibzipFindsThem() {
        let bytes = ZipBuilder.stored([
            TestZipEntry(name: "a", data: [1]), TestZipEntry(name: "b", data: [2, 3]),
            TestZipEntry(name: "a", data: [4]), TestZipEntry(name: "b", data: [5], crcOverride: 7),
        ])
        let (fast, indexed) = Self.observe(bytes, indexing: true)
        let (slow, _) = Self.observe(bytes, indexing: false)
        #expect(indexed)
        #expect(fast.duplicateNames == ["a", "b"])
        #expect(fast == slow)
    }
}

/// ZIP layouts the fixtures lack, written by Python's `zipfile` (an independent writer): each is indexed or
/// declined as expected, and either way reads as libzip reads it.
@Suite struct ZipIndexLayoutTests {
    static let writer = """
        import io, os, struct, sys, zipfile, zlib
        out = sys.argv[1]
        text = b"<office:document-meta>" + b"metadata " * 300 + b"</office:document-meta>"
        def save(name, build):
            buffer = io.BytesIO()
            build(buffer)
            open(os.path.join(out, name), "wb").write(buffer.getvalue())
        def plain(z):
            z.writestr("mimetype", b"application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
            z.writestr("dir/", b"")
            z.writestr("empty.xml", b"", zipfile.ZIP_DEFLATED)
            z.writestr("meta.xml", text, zipfile.ZIP_DEFLATED)
        def comment(b):
            with zipfile.ZipFile(b, "w") as z:
                plain(z)
                z.comment = b"an archive comment"
        save("indexed-comment.zip", comment)
        class Unseekable(io.RawIOBase):
            def __init__(self, sink): self.sink = sink
            def writable(self): return True
            def write(self, data): return self.sink.write(data)
        def descriptors(b):
            with zipfile.ZipFile(Unseekable(b), "w") as z:
                plain(z)
        save("indexed-data-descriptors.zip", descriptors)
        def zip64(b):
            with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
                plain(z)
                with z.open("forced-zip64.xml", "w", force_zip64=True) as f:
                    f.write(text)
        save("indexed-zip64-local-extra.zip", zip64)
        def methods(b):
            with zipfile.ZipFile(b, "w") as z:
                plain(z)
                z.writestr("bzip2.xml", text, zipfile.ZIP_BZIP2)
                z.writestr("lzma.xml", text, zipfile.ZIP_LZMA)
        save("indexed-other-methods.zip", methods)
        def utf8(b):
            with zipfile.ZipFile(b, "w") as z:
                plain(z)
                z.writestr("æble.xml", text, zipfile.ZIP_DEFLATED)
        save("declined-utf8-name.zip", utf8)
        def unicode_extra(b):
            with zipfile.ZipFile(b, "w") as z:
                plain(z)
                info = zipfile.ZipInfo("ascii.xml")
                utf8name = "ægte.xml".encode()
                data = struct.pack("<BI", 1, zlib.crc32(b"ascii.xml")) + utf8name
                info.extra = struct.pack("<HH", 0x7075, len(data)) + data
                z.writestr(info, text)
        save("declined-unicode-path-extra.zip", unicode_extra)
        def padding(b):
            with zipfile.ZipFile(b, "w") as z:
                plain(z)
                info = zipfile.ZipInfo("padded.xml")
                info.extra = b"\\0\\0\\0"
                z.writestr(info, text)
        save("declined-extra-padding.zip", padding)
        def nested(b):
            inner = io.BytesIO()
            with zipfile.ZipFile(inner, "w") as z:
                plain(z)
            with zipfile.ZipFile(b, "w") as z:
                plain(z)
                z.writestr("Object 1/inner.zip", inner.getvalue(), zipfile.ZIP_STORED)
        save("declined-stored-zip-inside.zip", nested)
        """

    @Test func layoutsAreIndexedOrDeclinedAndReadAsLibzipReadsThem() async throws {
        #expect(onPath("python3"), "python3 is a test package (make test installs it)")
        let out = try Fixtures.temporaryDirectory("zip-layouts")
        defer { try? FileManager.default.removeItem(at: out) }
        let python = try await runProgram("python3", ["-c", Self.writer, out.path])
        #expect(python.status == 0, "\(python.output)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(names.count == 8)
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: out.appendingPathComponent(name)))
            let (fast, indexed) = ZipIndexTests.observe(bytes, indexing: true)
            let (slow, _) = ZipIndexTests.observe(bytes, indexing: false)
            #expect(indexed == name.hasPrefix("indexed-"), "\(name)")
            #expect(slow.openError == nil, "\(name): libzip opens it")
            #expect(fast == slow, "\(name): indexed \(fast) vs libzip \(slow)")
        }
    }
}
