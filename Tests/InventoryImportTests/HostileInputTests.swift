import Foundation
import InventoryImport
import OverblikModel
import TestSupport
import Testing

/// Inputs built to break readers: each must be a clear error for that file, never a crash or a hang.
@Suite struct HostileInputTests {
    @Test func aHundredMegabyteLineIsAnErrorForThatFile() throws {
        let url = try Fixtures.temporaryDirectory("huge").appendingPathComponent("huge.csv")
        _ = FileManager.default.createFile(atPath: url.path, contents: Data("Software,Version\nA,1\n".utf8))
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        let block = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<100 { try handle.write(contentsOf: block) }
        try handle.write(contentsOf: Data(",1\nB,2\n".utf8))
        try handle.close()
        #expect(throws: ImportError.recordTooLarge(file: url.path, line: 3, limit: 8 << 20)) {
            try makeImporter().importFile(at: url)
        }
    }

    @Test func anUnterminatedQuoteCannotSwallowMemory() throws {
        var bytes = Array("Software,Version\n\"A,".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "y"), count: 3 << 20)
        let url = try temporaryFile("open-quote.csv", bytes)
        #expect(throws: ImportError.recordTooLarge(file: url.path, line: 2, limit: 1 << 20)) {
            try makeImporter { $0.maxRecordBytes = 1 << 20 }.importFile(at: url)
        }
    }

    @Test func jsonNestedAHundredThousandDeepIsRefused() throws {
        let depth = 100_000
        let text =
            "{\"content\":{\"softwares\":" + String(repeating: "[", count: depth)
            + String(repeating: "]", count: depth) + "}}"
        let url = try temporaryFile("deep.json", text: text)
        #expect(throws: ImportError.nestingTooDeep(file: url.path, line: 1, limit: 512)) {
            try makeImporter().importFile(at: url)
        }
    }

    @Test func deepNestingInAnNDJSONLineIsRefused() throws {
        let line = "{\"name\":\"x\",\"columns\":" + String(repeating: "[", count: 100_000) + "}\n"
        let url = try temporaryFile(
            "deep.ndjson", text: "{\"hostIdentifier\":\"h\",\"columns\":{\"name\":\"a\"}}\n" + line)
        #expect(throws: ImportError.nestingTooDeep(file: url.path, line: 2, limit: 512)) {
            try makeImporter { $0.inputFormat = .osquery }.importFile(at: url)
        }
    }

    @Test func brokenJSONIsAClearErrorNamingTheFile() throws {
        let url = try temporaryFile(
            "broken.cdx.json", text: "{\"bomFormat\": \"CycloneDX\", \"components\": [ {\"name\": ")
        #expect {
            try makeImporter().importFile(at: url)
        } throws: { error in
            guard case .malformed(let file, let format, _, _) = error as? ImportError else { return false }
            return file == url.path && format == "cyclonedx"
        }
    }

    @Test func binaryGarbageIsNotAnInventory() throws {
        var generator = SeededGenerator(seed: 42)
        let bytes = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let url = try temporaryFile("garbage.bin", bytes)
        #expect(throws: ImportError.self) { try makeImporter().importFile(at: url) }
    }

    @Test func aDirectoryIsUnreadable() throws {
        let directory = try Fixtures.temporaryDirectory("dir")
        #expect(throws: ImportError.unreadableFile(file: directory.path, reason: "is a directory")) {
            try makeImporter().importFile(at: directory)
        }
    }
}
