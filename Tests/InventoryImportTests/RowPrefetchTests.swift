import Foundation
import InventoryImport
import OverblikModel
import TestSupport
import Testing

/// Large CSV files are read and split into rows on a second thread (`ImportOptions.rowPrefetchMinimumBytes`).
/// Records, reports, errors and failures must be exactly those of the one-thread reader.
@Suite struct RowPrefetchTests {
    static func importer(
        prefetch: Bool, configure: (inout ImportOptions) -> Void = { _ in }
    ) throws
        -> InventoryImporter
    {
        try makeImporter { options in
            options.rowPrefetchMinimumBytes = prefetch ? 0 : .max
            configure(&options)
        }
    }

    static func expectSame(_ prefetched: FileImport, _ direct: FileImport) {
        #expect(prefetched.records == direct.records)
        #expect(prefetched.declarations == direct.declarations)
        #expect(prefetched.report.linesRead == direct.report.linesRead)
        #expect(prefetched.report.unreadableLines == direct.report.unreadableLines)
        #expect(prefetched.report.diagnostics == direct.report.diagnostics)
        #expect(prefetched.report.skipped == direct.report.skipped)
        #expect(prefetched.report.tally == direct.report.tally)
        #expect(prefetched.report.fileHash == direct.report.fileHash)
        #expect(prefetched.report.fileSize == direct.report.fileSize)
        #expect(prefetched.report.notes == direct.report.notes)
    }

    @Test(arguments: [
        "sccm-csv/v_GS_INSTALLED_SOFTWARE.constructed.csv", "intune-csv", "powershell-csv", "lansweeper-csv",
        "defender-csv", "kitos",
    ])
    func fixturesGiveTheSameResultEitherWay(path: String) throws {
        var url = Fixtures.url("inventory/" + path)
        if !path.hasSuffix(".csv") {
            let names = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
            let csv = try #require(names.first { $0.hasSuffix(".csv") || $0.hasSuffix(".tsv") })
            url = url.appendingPathComponent(csv)
        }
        let direct = try Self.importer(prefetch: false).importFile(at: url)
        let prefetched = try Self.importer(prefetch: true).importFile(at: url)
        #expect(direct.records.count + direct.declarations.count > 0)
        Self.expectSame(prefetched, direct)
    }

    /// Many batches (4,096 rows each), quoted newlines, blank and unreadable lines, UTF-16 transcoding.
    @Test(arguments: [false, true])
    func manyBatchesInFileOrder(utf16: Bool) throws {
        var text = ImportStreamingTests.inventoryCSV(lines: 20_000)
        text += "PC-1,\"Two\nline title\",1.0,Vendor\n\n,,,\nPC-2,Extra,1.0,Vendor,surplus\nPC-3,\"Open quote,1.0\n"
        let bytes = utf16 ? Encoded.utf16LE(text) : Array(text.utf8)
        let url = try temporaryFile(utf16 ? "prefetch-16.csv" : "prefetch.csv", bytes)
        let direct = try Self.importer(prefetch: false).importFile(at: url)
        let prefetched = try Self.importer(prefetch: true).importFile(at: url)
        #expect(direct.records.count > 19_000)
        #expect(direct.report.unreadableLines >= 2)
        Self.expectSame(prefetched, direct)
    }

    /// A record over the size limit deep in the file fails it with the same error (file, line) either way.
    @Test func anOversizedRecordFailsTheFileTheSameWay() throws {
        var text = ImportStreamingTests.inventoryCSV(lines: 12_000)
        text += "PC-1," + String(repeating: "x", count: 5_000) + ",1.0,Vendor\n"
        text += ImportStreamingTests.inventoryCSV(lines: 100).split(separator: "\n").dropFirst().joined(separator: "\n")
        let url = try temporaryFile("prefetch-large.csv", text: text)
        func failure(prefetch: Bool) throws -> ImportError? {
            let importer = try Self.importer(prefetch: prefetch) { $0.maxRecordBytes = 1_000 }
            do {
                _ = try importer.importFile(at: url)
                return nil
            } catch {
                return error
            }
        }
        let direct = try #require(try failure(prefetch: false))
        #expect(try failure(prefetch: true) == direct)
        guard case .recordTooLarge(_, let line, _) = direct else {
            Issue.record("expected recordTooLarge, got \(direct)")
            return
        }
        #expect(line == 12_002)
    }

    /// The importing thread stops early (no title column; a failing sink): the reading thread is stopped and
    /// the error is the one-thread reader's.
    @Test func earlyStopsEndTheReadingThread() throws {
        let noTitle = "Host,Something\n" + (0..<20_000).map { "PC-\($0),x\n" }.joined()
        let url = try temporaryFile("prefetch-no-title.csv", text: noTitle)
        var errors: [ImportError?] = []
        for prefetch in [false, true] {
            let importer = try Self.importer(prefetch: prefetch)
            do {
                _ = try importer.importFile(at: url)
                errors.append(nil)
            } catch {
                errors.append(error)
            }
        }
        #expect(errors[0] != nil)
        #expect(errors[1] == errors[0])

        let inventory = try temporaryFile("prefetch-sink.csv", text: ImportStreamingTests.inventoryCSV(lines: 20_000))
        for prefetch in [false, true] {
            let sink = ImportStreamingTests.FailingSink(failAt: 9_000)
            #expect(throws: ImportError.sinkFailed(file: inventory.path, reason: "disk full")) {
                _ = try Self.importer(prefetch: prefetch).importFile(at: inventory, into: sink)
            }
            #expect(sink.accepted == 9_000)
        }
    }
}
