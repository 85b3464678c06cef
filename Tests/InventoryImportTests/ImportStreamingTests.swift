import Foundation
import InventoryImport
import OverblikModel
import TestSupport
import Testing

/// Streaming an import into a sink: a failing sink stops it with its reason, a reader error is the file's
/// error and nothing hangs. (Large files read on a second thread: RowPrefetchTests.)
@Suite struct ImportStreamingTests {

    /// A CSV with enough lines for many batches, unreadable lines and a usage-declaration-free inventory.
    static func inventoryCSV(lines: Int) -> String {
        let titles = [
            "LibreOffice 24.2.7.2", "LibreOffice 7.5 Help Pack (Danish)", "Microsoft Office Professional Plus 2016",
            "7-Zip 23.01 (x64)", "\"Quoted, title\"", "Apache OpenOffice 4.1.15",
        ]
        var text = "Netbios_Name0,DisplayName0,Version0,Publisher0\n"
        for index in 0..<lines {
            if index % 97 == 13 {
                text += "PC-\(index % 40),,1.0,Nobody\n"  // no title: skipped
                continue
            }
            text += "PC-\(index % 40),\(titles[index % titles.count]),\(index % 9).0,Vendor \(index % 3)\n"
        }
        return text
    }

    /// A sink that fails on its nth record, as a store whose disk filled up would.
    final class FailingSink: ImportSink {
        struct DiskFull: Error, CustomStringConvertible {
            var description: String { "disk full" }
        }
        let failAt: Int
        private(set) var accepted = 0
        init(failAt: Int) { self.failAt = failAt }
        func accept(_ record: SoftwareRecord) throws {
            if accepted == failAt { throw DiskFull() }
            accepted += 1
        }
        func accept(_ declaration: UsageDeclaration) throws {}
    }

    @Test func aFailingSinkStopsTheImportWithItsReason() throws {
        let url = try temporaryFile("streaming-fail.csv", text: Self.inventoryCSV(lines: 20_000))
        let sink = FailingSink(failAt: 100)
        #expect(throws: ImportError.sinkFailed(file: url.path, reason: "disk full")) {
            _ = try makeImporter().importFile(at: url, into: sink)
        }
        #expect(sink.accepted == 100)
    }

    @Test func aReaderErrorIsTheFilesErrorAndNothingHangs() throws {
        // An unterminated quote swallows the rest of the file: with a small record limit that is an error.
        var text = Self.inventoryCSV(lines: 3_000)
        text += "PC-1,\"never closed," + String(repeating: "x", count: 10_000) + "\n"
        let url = try temporaryFile("streaming-too-large.csv", text: text)
        let importer = try makeImporter { options in options.maxRecordBytes = 4096 }
        #expect(throws: ImportError.recordTooLarge(file: url.path, line: 3_002, limit: 4096)) {
            _ = try importer.importFile(at: url, into: CollectingSink())
        }
    }

    @Test func strictFailureIsReportedWhileStreaming() throws {
        let url = try temporaryFile("streaming-strict.csv", text: Self.inventoryCSV(lines: 500) + "PC-1,\"open\n")
        let importer = try makeImporter { options in options.strict = true }
        #expect(throws: ImportError.self) { _ = try importer.importFile(at: url, into: CollectingSink()) }
    }
}
