import OfficeDocuments
import Testing

@testable import OverblikCLI

@Suite struct ProgressLineTests {
    @Test func withAPreviousScanTheLineGivesTheTotalAndTheTimeLeft() {
        var stats = ScanProgress()
        stats.files = 900
        stats.unchanged = 100
        stats.errors = 2
        stats.elapsed = 10
        // 1,000 done of 4,000 at 100 files/s: 30 s left.
        #expect(
            ProgressLine.text(stats, total: .init(files: 4_000, exact: false))
                == "1000 of ~4000 files  90 files/s  2 errors  about 0:30 left")
        #expect(ProgressLine.text(stats, total: nil) == "1000 files  90 files/s  2 errors")
        // A first scan's own count is exact: no "~".
        #expect(
            ProgressLine.text(stats, total: .init(files: 4_000, exact: true))
                == "1000 of 4000 files  90 files/s  2 errors  about 0:30 left")
        // More files than the previous scan stored: the total follows, and no time is promised.
        #expect(
            ProgressLine.text(stats, total: .init(files: 500, exact: false))
                == "1000 of ~1000 files  90 files/s  2 errors")
    }

    @Test(arguments: [
        (0.2, "0:01"), (59, "0:59"), (61, "1:01"), (3_599, "59:59"), (3_600, "1:00:00"), (37_230, "10:20:30"),
    ])
    func durations(_ row: (Double, String)) {
        #expect(ProgressLine.duration(row.0) == row.1)
    }

    @Test func theLastLineSaysWhatWasReadAndSkipped() {
        var stats = ScanProgress()
        stats.files = 1_200
        stats.unchanged = 30
        stats.errors = 4
        stats.walkIssues = 2
        stats.elapsed = 2
        stats.readers = 8
        let line = ProgressLine.finalLine(stats)
        #expect(line.hasPrefix("Read 1200 files in "))
        #expect(line.contains("(600 files/s, up to 8 readers)"))
        #expect(line.contains("30 unchanged and not read again"))
        #expect(line.contains("4 could not be read"))
        #expect(line.hasSuffix("2 folders or special files skipped."))
    }
}
