import Foundation
import OfficeDocuments

/// A single self-overwriting status line on standard error, at most five updates per second, and a last line
/// that says what was read and what was skipped. Only when standard error is a terminal.
final class ProgressLine {
    private let enabled: Bool
    /// Files the previous scan of the same roots stored: the total to expect, when known.
    private let expected: Int?
    /// Without one, a count of the roots' files made beside the scan (``CandidateCount``): the exact total
    /// once it is done.
    private let counting: CandidateCount?
    private var lastUpdate = Date.distantPast
    private var shown = false

    /// `roots` and `options`: when the line is shown and no earlier scan gives a total, the files are counted.
    init(enabled: Bool, expected: Int? = nil, roots: [String] = [], options: ScanOptions = ScanOptions()) {
        self.enabled = enabled
        self.expected = expected.flatMap { $0 > 0 ? $0 : nil }
        counting =
            enabled && self.expected == nil && !roots.isEmpty ? CandidateCount(roots: roots, options: options) : nil
    }

    /// The total to show: the previous scan's (about), else the count once done (exact).
    private var total: Total? {
        if let expected { return Total(files: expected, exact: false) }
        return counting?.total.map { Total(files: $0, exact: true) }
    }

    struct Total: Equatable {
        var files: Int
        var exact: Bool
    }

    func update(_ stats: ScanProgress) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastUpdate) >= 0.2 else { return }
        lastUpdate = now
        shown = true
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + Self.text(stats, total: total)).utf8))
    }

    /// Clears the status line; after a scan that ran to its end, writes the last line.
    func finish(_ stats: ScanProgress?) {
        counting?.stop()
        guard enabled else { return }
        var text = shown ? "\r\u{1B}[K" : ""
        if let stats { text += Self.finalLine(stats) + "\n" }
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// `1234 of ~20000 files  812 files/s  3 errors  about 0:23 left`: the total and the time left only when
    /// one is known — about, from the previous scan of the roots, or exact, from the count beside the scan
    /// (files not read again count as done).
    static func text(_ stats: ScanProgress, total: Total?) -> String {
        let done = stats.files + stats.unchanged
        let rate = stats.elapsed > 0 ? Double(done) / stats.elapsed : 0
        var line = "\(done) files"
        if let total {
            line = "\(done) of \(total.exact ? "" : "~")\(max(total.files, done)) files"
        }
        line += "  \(Int(stats.filesPerSecond.rounded())) files/s  \(stats.errors) errors"
        if let total, rate > 0, done < total.files {
            line += "  about \(duration(Double(total.files - done) / rate)) left"
        }
        return line
    }

    /// What was read and what was skipped, for the end of the run.
    static func finalLine(_ stats: ScanProgress) -> String {
        var parts = [
            "Read \(stats.files) files in \(SummaryRenderer.format(stats.elapsed)) s"
                + " (\(Int(stats.filesPerSecond.rounded())) files/s, up to \(stats.readers) readers)"
        ]
        if stats.unchanged > 0 { parts.append("\(stats.unchanged) unchanged and not read again") }
        parts.append("\(stats.errors) could not be read")
        parts.append("\(stats.walkIssues) folders or special files skipped")
        return parts.joined(separator: "; ") + "."
    }

    /// `m:ss`, or `h:mm:ss` from an hour.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        let tail = String(format: "%02d:%02d", minutes, secs)
        return hours > 0 ? "\(hours):\(tail)" : "\(minutes):" + String(format: "%02d", secs)
    }
}
