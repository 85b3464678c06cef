import Foundation
import InventoryImport
import OverblikModel
import TestSupport
import Testing

/// The two-thread import (parse and classify on one thread, feed the sink on the caller's) gives exactly
/// what the one-thread import gives, fails the same way, and stops when the sink fails.
@Suite struct PipelineTests {
    static func importer(pipelined: Bool, batchSize: Int = 7) throws -> InventoryImporter {
        try makeImporter { options in
            options.pipelineMinimumBytes = pipelined ? 0 : .max
            options.pipelineBatchSize = batchSize
            options.pipelineQueuedBatches = 2
        }
    }

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

    @Test(arguments: [
        "sccm-csv/v_GS_INSTALLED_SOFTWARE.constructed.csv", "dpkg/glpi-agent-dpkg-query.tsv",
        "kitos/IT-Systemer-Overblik.constructed.xlsx", "glpi-json/inventory_format-computer_1.json",
        "winget-list/merlinfrombelgium-winget-list.txt",
    ])
    func fixturesGiveTheSameResultEitherWay(path: String) throws {
        let url = Fixtures.url("inventory/" + path)
        let direct = try Self.importer(pipelined: false).importFile(at: url)
        let piped = try Self.importer(pipelined: true, batchSize: 3).importFile(at: url)
        #expect(piped.records == direct.records)
        #expect(piped.declarations == direct.declarations)
        #expect(piped.report.softwareRecords == direct.report.softwareRecords)
        #expect(piped.report.tally == direct.report.tally)
        #expect(piped.report.fileHash == direct.report.fileHash)
        #expect(piped.report.notes == direct.report.notes)
    }

    @Test func manyBatchesArriveInFileOrder() throws {
        let url = try temporaryFile("pipeline.csv", text: Self.inventoryCSV(lines: 5_000))
        let direct = try Self.importer(pipelined: false).importFile(at: url)
        let piped = try Self.importer(pipelined: true).importFile(at: url)
        #expect(direct.records.count > 4_900)
        #expect(piped.records == direct.records)
        #expect(piped.records.map(\.line) == piped.records.map(\.line).sorted())
        #expect(piped.report.skipped == direct.report.skipped)
        #expect(piped.report.linesRead == 5_000)
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

    @Test(arguments: [true, false])
    func aFailingSinkStopsTheImportWithItsReason(pipelined: Bool) throws {
        let url = try temporaryFile("pipeline-fail.csv", text: Self.inventoryCSV(lines: 20_000))
        let sink = FailingSink(failAt: 100)
        #expect(throws: ImportError.sinkFailed(file: url.path, reason: "disk full")) {
            _ = try Self.importer(pipelined: pipelined).importFile(at: url, into: sink)
        }
        #expect(sink.accepted == 100)
    }

    @Test func aReaderErrorIsTheFilesErrorAndNothingHangs() throws {
        // An unterminated quote swallows the rest of the file: with a small record limit that is an error.
        var text = Self.inventoryCSV(lines: 3_000)
        text += "PC-1,\"never closed," + String(repeating: "x", count: 10_000) + "\n"
        let url = try temporaryFile("pipeline-too-large.csv", text: text)
        for pipelined in [true, false] {
            let importer = try makeImporter { options in
                options.pipelineMinimumBytes = pipelined ? 0 : .max
                options.pipelineBatchSize = 16
                options.maxRecordBytes = 4096
            }
            #expect(throws: ImportError.recordTooLarge(file: url.path, line: 3_002, limit: 4096)) {
                _ = try importer.importFile(at: url, into: CollectingSink())
            }
        }
    }

    @Test func strictFailureIsReportedThroughThePipeline() throws {
        let url = try temporaryFile("pipeline-strict.csv", text: Self.inventoryCSV(lines: 500) + "PC-1,\"open\n")
        let importer = try makeImporter { options in
            options.pipelineMinimumBytes = 0
            options.strict = true
        }
        #expect(throws: ImportError.self) { _ = try importer.importFile(at: url, into: CollectingSink()) }
    }
}
