import Foundation
import Testing
import ZipKit
import TestSupport

/// Every entry of every ZIP fixture reads as Python's `zipfile` reads it (an independent inflater and CRC check):
/// the one-call read of stored and deflated entries and libzip's own read, which it falls back on, agree with it.
@Suite struct ZipReadOracleTests {
    /// The packages: real documents from many writers, the damaged ones (bad CRC, truncated, bombs, duplicates)
    /// and the ZIP edge cases.
    static func archives() throws -> [URL] {
        var found: [URL] = []
        for folder in ["documents/generated", "documents/corpus", "documents/damaged", "zip"] {
            let directory = Fixtures.url(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() {
                let url = directory.appendingPathComponent(name)
                guard let handle = FileHandle(forReadingAtPath: url.path) else { continue }
                let head = handle.readData(ofLength: 4)
                try handle.close()
                if head.starts(with: [0x50, 0x4B]) { found.append(url) }
            }
        }
        return found
    }

    /// The cap on one entry, in both readers (the zip bombs declare more).
    static let limit = 64 << 20

    /// Python writes entry `i`'s bytes to `<out>/<i>`, or nothing when its read fails (bad CRC, bad data) or the
    /// entry declares more than the cap.
    static let extractor = """
        import sys, zipfile, os
        archive, out, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
        with zipfile.ZipFile(archive) as z:
            for i, info in enumerate(z.infolist()):
                if info.file_size > limit:
                    continue
                try:
                    data = z.read(info)
                except Exception:
                    continue
                open(os.path.join(out, str(i)), "wb").write(data)
        """

    @Test func entriesReadAsPythonZipfileReadsThem() async throws {
        #expect(onPath("python3"), "python3 is a test package (make test installs it)")
        let archives = try Self.archives()
        #expect(archives.count > 40)
        var compared = 0
        for url in archives {
            guard let archive = try? ZipArchive(path: url.path) else { continue }
            let out = try Fixtures.temporaryDirectory("zip-oracle")
            defer { try? FileManager.default.removeItem(at: out) }
            let python = try await runProgram(
                "python3", ["-c", Self.extractor, url.path, out.path, String(Self.limit)])
            // Python refuses some damaged archives whole (bad directory): nothing to compare there.
            guard python.status == 0 else { continue }
            for entry in archive.entries where !entry.isEncrypted {
                let expected = FileManager.default.contents(
                    atPath: out.appendingPathComponent(String(entry.index)).path)
                let ours = try? archive.read(entry, limit: Self.limit)
                if let expected, let ours {
                    #expect(ours == [UInt8](expected), "\(url.lastPathComponent): \(entry.name)")
                    // A prefix: whole (one call) when the entry is no longer, else through libzip's stream.
                    for count in [64, 64 << 10] {
                        #expect(
                            (try? archive.readPrefix(entry, count: count)) == Array(expected.prefix(count)),
                            "\(url.lastPathComponent): \(entry.name), prefix of \(count)")
                    }
                    compared += 1
                } else {
                    // One reader failing where the other reads would be a difference.
                    #expect(
                        ours == nil && expected == nil,
                        "\(url.lastPathComponent): \(entry.name) read by \(ours == nil ? "Python" : "ZipKit") only")
                }
            }
        }
        #expect(compared > 300)
    }
}

/// An archive adopted from `malloc`ed memory (the scanner's whole-file reads) opens and reads as the same bytes
/// opened by copy do, entry by entry, errors included.
@Suite struct ZipAdoptedBytesTests {
    @Test func adoptedBytesOpenAndReadAsCopiedBytes() throws {
        let archives = try ZipReadOracleTests.archives()
        #expect(archives.count > 40)
        for url in archives {
            let bytes = [UInt8](try Data(contentsOf: url))
            let buffer = UnsafeMutableRawBufferPointer(start: malloc(bytes.count)!, count: bytes.count)
            bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
            let copied = Swift.Result { () throws(ZipError) in try ZipArchive(bytes: bytes) }
            let adopted = Swift.Result { () throws(ZipError) in try ZipArchive(adopting: buffer) }
            Self.expectSameArchive(copied, adopted, url.lastPathComponent)
        }
    }

    /// The archive opened the other way has the copied one's entries and reads each to the same bytes (or error),
    /// or both failed to open with the same error.
    static func expectSameArchive(
        _ copied: Swift.Result<ZipArchive, ZipError>, _ other: Swift.Result<ZipArchive, ZipError>, _ name: String
    ) {
        switch (copied, other) {
        case (.success(let copied), .success(let other)):
            #expect(copied.entries == other.entries, "\(name)")
            #expect(copied.duplicateNames == other.duplicateNames)
            #expect(copied.hasLeadingJunk == other.hasLeadingJunk)
            for entry in copied.entries {
                let fromCopy = Swift.Result { () throws(ZipError) in try copied.read(entry) }
                let fromOther = Swift.Result { () throws(ZipError) in try other.read(entry) }
                #expect(fromCopy == fromOther, "\(name): \(entry.name)")
            }
        case (.failure(let copied), .failure(let other)):
            #expect(copied == other, "\(name)")
        default:
            Issue.record("\(name): one way opened, the other did not")
        }
    }

    @Test func borrowedBytesOpenAndReadAsCopiedBytesAndAreHeldWhileOpen() throws {
        final class Owner {}
        let archives = try ZipReadOracleTests.archives()
        #expect(archives.count > 40)
        for url in archives {
            let bytes = [UInt8](try Data(contentsOf: url))
            var owner = Owner()
            bytes.withUnsafeBytes { raw in
                let copied = Swift.Result { () throws(ZipError) in try ZipArchive(bytes: bytes) }
                let borrowed = Swift.Result { () throws(ZipError) in
                    try ZipArchive(borrowing: raw, keepingAlive: owner)
                }
                if case .success = borrowed {
                    #expect(!isKnownUniquelyReferenced(&owner), "the open archive holds the bytes' owner")
                }
                Self.expectSameArchive(copied, borrowed, url.lastPathComponent)
            }
            #expect(isKnownUniquelyReferenced(&owner), "a discarded archive lets its bytes' owner go")
        }
    }
}
