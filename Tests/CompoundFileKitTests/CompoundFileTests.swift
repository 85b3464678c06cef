import CompoundFileKit
import Foundation
import TestSupport
import Testing

/// The directory libgsf lists equals what olefile (Debian `python3-olefile`, an independent reader) lists, on real
/// files and on hand-made ones; hostile structures end in a typed error, quickly.
@Suite struct CompoundFileTests {
    /// `path<TAB>storage|stream<TAB>size` for every entry of each file, as olefile reads it.
    static func olefileListing(_ paths: [String]) async throws -> [String: Set<String>] {
        let script = """
            import olefile, sys
            for path in sys.argv[1:]:
                ole = olefile.OleFileIO(path)
                for entry in ole.listdir(streams=True, storages=True):
                    kind = ole.get_type(entry)
                    size = ole.get_size(entry) if kind == olefile.STGTY_STREAM else 0
                    label = "storage" if kind == olefile.STGTY_STORAGE else "stream"
                    print(path + "\\t" + "/".join(entry) + "\\t" + label + "\\t" + str(size))
            """
        let (status, output) = try await runDebianPython(script, paths)
        #expect(status == 0, "olefile failed")
        var listing: [String: Set<String>] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1)
            listing[String(fields[0]), default: []].insert(String(fields[1]))
        }
        return listing
    }

    static func ourListing(_ file: CompoundFile) -> Set<String> {
        Set(file.entries.map { "\($0.path)\t\($0.isStorage ? "storage" : "stream")\t\($0.size)" })
    }

    static let realFiles: [String] = {
        var paths: [String] = []
        for folder in ["features/oletools", "features/msoffcrypto", "features/libreoffice", "documents/generated"] {
            let url = Fixtures.url(folder)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] {
                let path = url.appendingPathComponent(name).path
                guard let handle = FileHandle(forReadingAtPath: path) else { continue }
                let head = handle.readData(ofLength: 8)
                try? handle.close()
                if head == Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { paths.append(path) }
            }
        }
        return paths.sorted()
    }()

    @Test func realFilesListAsOlefileListsThem() async throws {
        #expect(Self.realFiles.count >= 25)
        let expected = try await Self.olefileListing(Self.realFiles)
        for path in Self.realFiles {
            let file = try CompoundFile(path: path)
            #expect(Self.ourListing(file) == expected[path], "\(path)")
            // From memory, the same listing.
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(Self.ourListing(try CompoundFile(bytes: bytes)) == expected[path], "\(path) from memory")
        }
    }

    @Test func handMadeFileListsAndReadsAsOlefileDoes() async throws {
        let builder = CompoundFileBuilder.plain()
        let bytes = builder.bytes()
        let directory = try Fixtures.temporaryDirectory("cfb")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("plain.doc").path
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let file = try CompoundFile(bytes: bytes)
        #expect(Self.ourListing(file) == (try await Self.olefileListing([path]))[path])
        #expect(try file.readPrefix(of: ["WordDocument"], count: 16) == Array(builder.streamData.prefix(16)))
        #expect(try file.readPrefix(of: ["WordDocument"], count: 1 << 20) == builder.streamData)
        #expect(throws: CompoundFileError.noSuchStream(path: "Macros")) {
            try file.readPrefix(of: ["Macros"], count: 16)
        }
        #expect(throws: CompoundFileError.noSuchStream(path: "Nothing/Here")) {
            try file.readPrefix(of: ["Nothing", "Here"], count: 16)
        }
    }

    /// One hostile construction each, and the typed error it must end in.
    struct Hostile: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: @Sendable () -> [UInt8]
        var expected: CompoundFileError
        var testDescription: String { name }
    }

    static let hostile: [Hostile] = [
        Hostile(
            name: "directory chain loops in the FAT",
            bytes: { CompoundFileBuilder.plain().bytes { _, fat in fat[1] = 1 } },
            expected: .loop(chain: "directory", sector: 1)),
        Hostile(
            name: "directory tree loops through siblings",
            bytes: {
                var builder = CompoundFileBuilder.plain()
                builder.entries[2].left = 1
                return builder.bytes()
            },
            expected: .loop(chain: "directory tree", sector: 1)),
        Hostile(
            name: "directory link out of range",
            bytes: {
                var builder = CompoundFileBuilder.plain()
                builder.entries[1].right = 50
                return builder.bytes()
            },
            expected: .outOfRange(what: "directory entry", index: 50, limit: 4)),
        Hostile(
            name: "directory starts beyond the file",
            bytes: {
                CompoundFileBuilder.plain().bytes { header, _ in
                    header.replaceSubrange(0x30..<0x34, with: [0x88, 0x13, 0, 0])
                }
            },
            expected: .outOfRange(what: "directory sector", index: 5000, limit: 10)),
        Hostile(
            name: "directory chain leads beyond the file",
            bytes: { CompoundFileBuilder.plain().bytes { _, fat in fat[1] = 5000 } },
            expected: .outOfRange(what: "directory sector", index: 5000, limit: 10)),
        Hostile(
            name: "stream claims 4 GiB",
            bytes: {
                var builder = CompoundFileBuilder.plain()
                builder.entries[1].size = 0xFFFF_FFF0
                return builder.bytes()
            },
            expected: .sizeBeyondFile(entry: "WordDocument", size: 0xFFFF_FFF0, fileSize: 5632)),
        Hostile(
            name: "FAT claims far more sectors than the file has",
            bytes: {
                CompoundFileBuilder.plain().bytes { header, _ in
                    header.replaceSubrange(0x2C..<0x30, with: [0xA0, 0x86, 0x01, 0])
                }
            },
            expected: .badHeader(detail: "a FAT of 100000 sectors for a file of 10 sectors")),
        Hostile(
            name: "more directory entries than the cap",
            bytes: {
                var builder = CompoundFileBuilder.plain()
                // 9,000 streams chained as right siblings: libgsf would recurse 9,000 deep and sort by insertion.
                builder.entries[3].child = 4
                for index in 4..<9004 {
                    builder.entries.append(
                        CompoundFileBuilder.Entry(
                            name: "S\(index)", type: 1,
                            right: index < 9003 ? UInt32(index + 1) : CompoundFileBuilder.free))
                }
                return builder.bytes()
            },
            expected: .tooManyEntries(limit: CompoundFile.defaultMaxEntries)),
        Hostile(
            name: "sector size not 512 or 4096",
            bytes: { CompoundFileBuilder.plain().bytes { header, _ in header[0x1E] = 20 } },
            expected: .badHeader(detail: "sector shift 20, not 9 or 12")),
    ]

    @Test(arguments: hostile)
    func hostileStructureEndsInTypedErrorQuickly(_ hostile: Hostile) throws {
        let bytes = hostile.bytes()
        // CPU time of this thread (where the parsing runs), not wall time: the rest of the suite runs beside it.
        let started = threadCPUSeconds()
        #expect(throws: hostile.expected) { try CompoundFile(bytes: bytes) }
        // The same through a file descriptor, as the scanner opens larger files.
        let directory = try Fixtures.temporaryDirectory("cfb-hostile")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("hostile.doc").path
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        #expect(throws: hostile.expected) { try CompoundFile(path: path) }
        #expect(threadCPUSeconds() - started < 2, "\(threadCPUSeconds() - started) s of CPU")
    }

    @Test func plainInputsAreTypedErrors() {
        #expect(throws: CompoundFileError.empty) { try CompoundFile(bytes: []) }
        #expect(throws: CompoundFileError.notACompoundFile) {
            try CompoundFile(bytes: [UInt8](repeating: 0x41, count: 1024))
        }
        #expect(throws: CompoundFileError.unreadable(path: "/nonexistent/x.doc", detail: "No such file or directory")) {
            try CompoundFile(path: "/nonexistent/x.doc")
        }
    }
}
