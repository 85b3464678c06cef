import Foundation
import OfficeDocuments
import TestSupport
import Testing

/// The count beside a first scan (for its progress line) equals what the scan itself then reads: the oracle is
/// the scanner's own records, over the shipped fixtures, with and without `--all-files`, for folder roots,
/// overlapping roots and a file given as a root.
@Suite struct CandidateCountTests {
    static func waitForTotal(_ count: CandidateCount) -> Int? {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let total = count.total { return total }
            usleep(10_000)
        }
        return nil
    }

    @Test(arguments: [false, true]) func theCountEqualsTheFilesTheScanReads(allFiles: Bool) throws {
        let fixtures = Fixtures.url("").path
        let rootSets = [
            [Fixtures.url("documents").path],
            [fixtures],
            [Fixtures.url("documents/generated").path, Fixtures.url("documents/generated/odfpy.odt").path],
        ]
        for roots in rootSets {
            let options = ScanOptions(jobs: 2, allFiles: allFiles)
            let count = CandidateCount(roots: roots, options: options)
            let sink = CollectingSink()
            _ = try DocumentScanner(reader: DocumentReader(classifier: nil), options: options).run(
                roots: roots, sink: sink)
            #expect(sink.records.count > 10)
            #expect(Self.waitForTotal(count) == sink.records.count, "\(roots), all files: \(allFiles)")
        }
    }

    @Test func aStoppedCountGivesNoTotal() throws {
        let count = CandidateCount(roots: [Fixtures.url("").path], options: ScanOptions())
        count.stop()
        usleep(300_000)
        #expect(count.total == nil)
    }
}
