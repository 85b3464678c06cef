import Foundation
import TestSupport
import Testing
import ZipKit

/// The writer's archives, read back with the reader.
@Suite struct ZipWriterTests {
    @Test func entriesKeepOrderCompressionAndBytes() throws {
        let folder = try Fixtures.temporaryDirectory("zipwriter")
        let url = folder.appendingPathComponent("out.zip")
        let writer = try ZipWriter(destination: url)
        let big = [UInt8](repeating: 65, count: 100_000)
        try writer.add("mimetype", bytes: Array("application/vnd.oasis.opendocument.text".utf8), compression: .stored)
        try writer.add("content.xml", bytes: big)
        try writer.add("empty", bytes: [])
        // Nothing under the final name until commit.
        #expect(!FileManager.default.fileExists(atPath: url.path))
        try writer.commit()
        let archive = try ZipArchive(path: url.path)
        #expect(archive.entries.map(\.name) == ["mimetype", "content.xml", "empty"])
        #expect(archive.entries[0].compression == .stored)
        #expect(archive.entries[1].compression == .deflated)
        #expect(archive.entries[1].compressedSize < 10_000)
        #expect(try archive.read(named: "content.xml") == big)
        #expect(try archive.read(named: "empty") == [])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.zip"])
        #expect(throws: ZipWriteError.closed) { try writer.commit() }
    }

    @Test func discardedWriterLeavesNothing() throws {
        let folder = try Fixtures.temporaryDirectory("zipwriter-discard")
        do {
            let writer = try ZipWriter(destination: folder.appendingPathComponent("never.zip"))
            try writer.add("a", bytes: [1, 2, 3])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func duplicateNamesAreRefused() throws {
        let folder = try Fixtures.temporaryDirectory("zipwriter-dup")
        let writer = try ZipWriter(destination: folder.appendingPathComponent("d.zip"))
        try writer.add("a", bytes: [1])
        #expect(throws: ZipWriteError.self) { try writer.add("a", bytes: [2]) }
    }

    @Test func sameEntriesGiveSameBytes() throws {
        let folder = try Fixtures.temporaryDirectory("zipwriter-same")
        func make(_ name: String) throws -> Data {
            let url = folder.appendingPathComponent(name)
            let writer = try ZipWriter(destination: url)
            try writer.add("x.txt", bytes: Array("hello".utf8))
            try writer.commit()
            return try Data(contentsOf: url)
        }
        #expect(try make("1.zip") == make("2.zip"))
    }
}
