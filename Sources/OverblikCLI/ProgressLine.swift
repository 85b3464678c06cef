import Foundation
import OfficeDocuments

/// A single self-overwriting status line on standard error, at most five updates per second, and a last line
/// that says what was read and what was skipped. Only when standard error is a terminal.
final class ProgressLine {
    private let enabled: Bool
    /// Files the previous scan of the same roots stored: the total to expect, when known.
    private let expected: Int?
    private var lastUpdate = Date.distantPast
    private var shown = false

    init(enabled: Bool, expected: Int? = nil) {
        self.enabled = enabled
        self.expected = expected.flatMap { $0 > 0 ? $0 : nil }
    }

    func update(_ stats: ScanProgress) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastUpdate) >= 0.2 else { return }
        lastUpdate = now
        shown = true
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + Self.text(stats, expected: expected)).utf8))
    }

    /// Clears the status line; after a scan that ran to its end, writes the last line.
    func finish(_ stats: ScanProgress?) {
        guard enabled else { return }
        var text = shown ? "\r\u{1B}[K" : ""
        if let stats { text += Self.finalLine(stats) + "\n" }
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// `1,234 of ~20,000 files  812 files/s  3 errors  about 0:23 left`: the total and the time left only when
    /// the previous scan of the roots gave a total (files not read again count as done).
    static func text(_ stats: ScanProgress, expected: Int?) -> String {
        let done = stats.files + stats.unchanged
        let rate = stats.elapsed > 0 ? Double(done) / stats.elapsed : 0
        var line = "\(done) files"
        if let expected {
            line = "\(done) of ~\(max(expected, done)) files"
        }
        line += "  \(Int(stats.filesPerSecond.rounded())) files/s  \(stats.errors) errors"
        if let expected, rate > 0, done < expected {
            line += "  about \(duration(Double(expected - done) / rate)) left"
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
