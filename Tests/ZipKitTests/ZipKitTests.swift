import Foundation
import Testing
import ZipKit
import TestSupport

@Suite struct ZipArchiveTests {
    let mimetype = Array("application/vnd.oasis.opendocument.text".utf8)

    @Test func listsEntriesInDirectoryOrderWithDeclaredFields() throws {
        let bytes = ZipBuilder.stored([
            TestZipEntry(name: "mimetype", data: mimetype),
            TestZipEntry(name: "meta.xml", data: Array("<a/>".utf8)),
        ])
        let archive = try ZipArchive(bytes: bytes)
        #expect(archive.entries.map(\.name) == ["mimetype", "meta.xml"])
        #expect(archive.entries.map(\.index) == [0, 1])
        let first = try #require(archive.firstEntry)
        #expect(first.compression == .stored)
        #expect(first.uncompressedSize == UInt64(mimetype.count))
        #expect(first.compressedSize == UInt64(mimetype.count))
        #expect(first.crc32 == ZipBuilder.crc32(mimetype))
        #expect(!first.isEncrypted)
        #expect(archive.duplicateNames.isEmpty)
        #expect(!archive.hasLeadingJunk)
        #expect(try archive.read(named: "mimetype") == mimetype)
        #expect(try archive.read(named: "meta.xml") == Array("<a/>".utf8))
    }

    @Test func opensFromPathLikeFromMemory() throws {
        let bytes = ZipBuilder.stored([TestZipEntry(name: "mimetype", data: mimetype)])
        let dir = try Fixtures.temporaryDirectory("zipkit")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("a.zip")
        try Data(bytes).write(to: file)
        let archive = try ZipArchive(path: file.path)
        #expect(archive.entries.count == 1)
        #expect(try archive.read(named: "mimetype") == mimetype)
    }

    @Test func opensFromAnOpenFileDescriptorWithoutTakingIt() throws {
        let bytes = ZipBuilder.stored([TestZipEntry(name: "mimetype", data: mimetype)])
        let dir = try Fixtures.temporaryDirectory("zipkit")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("fd.zip")
        try Data(bytes).write(to: file)
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        do {
            let archive = try ZipArchive(fileDescriptor: handle.fileDescriptor, path: file.path)
            #expect(try archive.read(named: "mimetype") == mimetype)
        }
        // The caller's descriptor is still open and usable after the archive is gone (the offset is shared).
        try handle.seek(toOffset: 0)
        #expect(try handle.readToEnd()?.count == bytes.count)
    }

    @Test func reportsDuplicateNames() throws {
        let bytes = ZipBuilder.stored([
            TestZipEntry(name: "mimetype", data: mimetype),
            TestZipEntry(name: "meta.xml", data: Array("<first/>".utf8)),
            TestZipEntry(name: "meta.xml", data: Array("<second/>".utf8)),
        ])
        let archive = try ZipArchive(bytes: bytes)
        #expect(archive.duplicateNames == ["meta.xml"])
        #expect(archive.entries.count == 3)
        // Lookup by name is deterministic: the first one in directory order.
        #expect(archive.entry(named: "meta.xml")?.index == 1)
        // Several repeated names: each listed once, in the order in which it first repeats.
        let repeated = try ZipArchive(
            bytes: ZipBuilder.stored(
                ["b", "a", "c", "a", "b", "a"].map { TestZipEntry(name: $0, data: Array($0.utf8)) }))
        #expect(repeated.duplicateNames == ["a", "b"])
        #expect(repeated.entry(named: "b")?.index == 0)
        #expect(repeated.entry(named: "c")?.index == 2)
        #expect(repeated.entry(named: "d") == nil)
    }

    @Test func badCRCIsDetectedOnRead() throws {
        let bytes = ZipBuilder.stored([
            TestZipEntry(name: "meta.xml", data: Array("<meta/>".utf8), crcOverride: 0xDEAD_BEEF)
        ])
        let archive = try ZipArchive(bytes: bytes)
        #expect(throws: ZipError.badCRC(entry: "meta.xml")) { try archive.read(named: "meta.xml") }
    }

    @Test func truncatedArchiveIsTruncatedNotNotAZip() throws {
        let bytes = ZipBuilder.stored([
            TestZipEntry(name: "mimetype", data: mimetype),
            TestZipEntry(name: "content.xml", data: [UInt8](repeating: 65, count: 2000)),
        ])
        let cut = Array(bytes.prefix(bytes.count / 2))
        #expect(throws: ZipError.truncated(detail: "no end of central directory")) { try ZipArchive(bytes: cut) }
    }

    @Test func notAZipAndEmpty() throws {
        #expect(throws: ZipError.empty) { try ZipArchive(bytes: []) }
        do {
            _ = try ZipArchive(bytes: Array("just some text, not an archive".utf8))
            Issue.record("expected notAZip")
        } catch {
            guard case .notAZip = error else {
                Issue.record("got \(error)")
                return
            }
        }
    }

    @Test func unreadablePathIsTyped() throws {
        do {
            _ = try ZipArchive(path: "/nonexistent/overblik/nothing.zip")
            Issue.record("expected unreadable")
        } catch {
            guard case .unreadable(let path, _) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(path == "/nonexistent/overblik/nothing.zip")
        }
    }

    @Test func junkBeforeArchiveIsFlagged() throws {
        let junk = Array("MZ self-extractor stub ..........".utf8)
        let bytes = ZipBuilder.stored([TestZipEntry(name: "mimetype", data: mimetype)], prefix: junk)
        let archive = try ZipArchive(bytes: bytes)
        #expect(archive.hasLeadingJunk)
        #expect(try archive.read(named: "mimetype") == mimetype)
    }

    @Test func junkThatShiftsOffsetsIsSkippedWhenOpeningAFile() throws {
        // Junk prepended after the archive was written: every recorded offset is now wrong by its length.
        let archive = ZipBuilder.stored([TestZipEntry(name: "mimetype", data: mimetype)])
        let dir = try Fixtures.temporaryDirectory("zipkit")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("junk.zip")
        try Data(Array(repeating: 0x4D, count: 700) + archive).write(to: file)
        let opened = try ZipArchive(path: file.path)
        #expect(opened.hasLeadingJunk)
        #expect(try opened.read(named: "mimetype") == mimetype)
    }

    @Test func zipBombIsCappedWhateverTheArchiveDeclares() throws {
        let archive = try ZipArchive(path: Fixtures.url("zip/bomb-16mib.zip").path)
        let content = try #require(archive.entry(named: "content.xml"))
        #expect(content.compression == .deflated)
        #expect(content.uncompressedSize == 16 << 20)
        #expect(content.compressedSize < 100_000)
        #expect(throws: ZipError.entryTooLarge(entry: "content.xml", limit: 1 << 20)) {
            try archive.read(content, limit: 1 << 20)
        }
        // Even when the directory lies about the size, inflation stops at the cap.
        var lying = content
        lying.uncompressedSize = 10
        #expect(throws: ZipError.entryTooLarge(entry: "content.xml", limit: 1 << 20)) {
            try archive.read(lying, limit: 1 << 20)
        }
        // Under a big enough cap the entry reads in full, with its CRC checked.
        let full = try archive.read(content, limit: 32 << 20)
        #expect(full.count == 16 << 20)
    }

    @Test func missingEntryIsTyped() throws {
        let archive = try ZipArchive(bytes: ZipBuilder.stored([TestZipEntry(name: "a", data: [1])]))
        #expect(throws: ZipError.noSuchEntry(name: "meta.xml")) { try archive.read(named: "meta.xml") }
    }
}
