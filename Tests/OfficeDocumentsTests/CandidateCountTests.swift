import Foundation
import OfficeDocuments
import OverblikModel
import TestSupport
import Testing

/// The count beside a first scan (for its progress line) equals what the scan itself then reads: the oracle is
/// the scanner's own records, over the shipped fixtures, with and without `--all-files`, for folder roots,
/// overlapping roots and a file given as a root.
@Suite struct CandidateCountTests {
    static func waitForTotal(_ count: CandidateCount) async -> Int? {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let total = count.total { return total }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    @Test(arguments: [false, true]) func theCountEqualsTheFilesTheScanReads(allFiles: Bool) async throws {
        let fixtures = Fixtures.url("").path
        let rootSets = [
            [Fixtures.url("documents").path],
            [fixtures],
            [Fixtures.url("documents/generated").path, Fixtures.url("documents/generated/odfpy.odt").path],
        ]
        for roots in rootSets {
            let options = ScanOptions(jobs: 2, allFiles: allFiles)
            let count = CandidateCount(roots: roots, options: options)
            // The scanner's run waits for its reader threads: on a thread of its own, not the test's.
            let read = try await DedicatedThread.run { () throws -> Int in
                let sink = CollectingSink()
                _ = try DocumentScanner(reader: DocumentReader(classifier: nil), options: options).run(
                    roots: roots, sink: sink)
                return sink.records.count
            }
            #expect(read > 10)
            #expect(await Self.waitForTotal(count) == read, "\(roots), all files: \(allFiles)")
        }
    }

    @Test func aStoppedCountGivesNoTotal() async throws {
        let count = CandidateCount(roots: [Fixtures.url("").path], options: ScanOptions())
        count.stop()
        try await Task.sleep(for: .milliseconds(300))
        #expect(count.total == nil)
    }
}
