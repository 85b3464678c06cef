import ArgumentParser
import FileSystemNames
import Foundation
import OfficeDocuments
import OverblikModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Output formats of `overblik scan`.
enum ScanOutputFormat: String, CaseIterable, ExpressibleByArgument {
    case summary, jsonl, csv, json
}

/// Buffered writes to a file descriptor (stdout or an output file): one syscall per 64 KiB, not per record.
///
/// An output file is written under a temporary name beside it and renamed into place by ``close()`` once
/// flushed to the disk: a full disk, an error or a kill leaves no half-written file under the name given.
final class OutputStreamWriter {
    private let fd: Int32
    private let ownsDescriptor: Bool
    /// The output file and the temporary it is written as, until ``close()`` commits it.
    private let destination: (final: URL, temporary: URL)?
    private var committed = false
    private var buffer: [UInt8] = []

    init(fd: Int32, ownsDescriptor: Bool, destination: (final: URL, temporary: URL)? = nil, label: String? = nil) {
        self.fd = fd
        self.ownsDescriptor = ownsDescriptor
        self.destination = destination
        self.label = label
        buffer.reserveCapacity(1 << 16)
    }

    deinit {
        if let destination, !committed {
            if ownsDescriptor { _ = Glibc.close(fd) }
            unlink(destination.temporary.path)
        }
    }

    static func file(_ path: String) throws -> OutputStreamWriter {
        let url = URL(fileURLWithPath: path)
        if DurableFile.isWrittenInPlace(url) {
            // `/dev/null`, a named pipe, our own standard output: written into as it is, never replaced.
            let fd = DurableFile.openInPlace(url)
            if fd < 0 { throw CommandError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
            return OutputStreamWriter(fd: fd, ownsDescriptor: true, label: path)
        }
        let temporary = DurableFile.temporaryURL(beside: url)
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 { throw CommandError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        return OutputStreamWriter(fd: fd, ownsDescriptor: true, destination: (url, temporary))
    }

    /// What error messages call the output.
    private let label: String?
    private var name: String { destination?.final.path ?? label ?? "standard output" }

    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func write(bytes: some Sequence<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, buffer.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                // The command ends with this error (exit, no deinit): the temporary goes now.
                discard()
                throw CommandError.cannotWrite(path: name, reason: reason)
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Gives up an output file: its temporary is removed and nothing appears under its name.
    func discard() {
        guard let destination, !committed else { return }
        committed = true
        if ownsDescriptor { _ = Glibc.close(fd) }
        unlink(destination.temporary.path)
    }

    func close() throws {
        try flush()
        guard ownsDescriptor, !committed else { return }
        committed = true
        _ = Glibc.close(fd)
        if let destination {
            do { try DurableFile.commit(destination.temporary, to: destination.final) } catch {
                throw CommandError.cannotWrite(path: destination.final.path, reason: error.reason)
            }
        }
    }
}

/// Writes each record as it arrives (jsonl, csv, json array) and keeps the running summary.
final class ScanOutputSink: DocumentRecordEncodingSink {
    let format: ScanOutputFormat
    let writer: OutputStreamWriter?
    private(set) var summary = ScanSummary()
    private let encoder: JSONEncoder
    private var first = true
    private var line: [UInt8] = []
    /// Further sinks (the estate store, when `--store` is wired in) receive every record too.
    var additionalSinks: [any DocumentRecordSink] = []

    init(format: ScanOutputFormat, writer: OutputStreamWriter?) {
        self.format = format
        self.writer = writer
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
    }

    static let csvColumns = [
        "path", "family", "container", "format", "mimetype", "odf_version", "generator", "suite", "suite_version",
        "encrypted", "features", "warnings", "error", "size", "modified", "conformance",
    ]

    func begin() throws {
        switch format {
        // A byte-order mark, as the report CSVs have, so spreadsheets read the UTF-8 paths right.
        case .csv: try writer?.write("\u{FEFF}" + Self.csvColumns.joined(separator: ",") + "\r\n")
        case .json: try writer?.write("{\"documents\":[\n")
        case .jsonl, .summary: break
        }
    }

    func accept(_ record: DocumentRecord) throws {
        line.removeAll(keepingCapacity: true)
        encode(record, into: &line)
        try accept(record, encoded: line[...])
    }

    /// The record as the output format writes it (the scanner calls this on its reader threads: it reads only
    /// `format` and `writer`, which never change). A json array's separating comma is `accept`'s to add.
    func encode(_ record: DocumentRecord, into bytes: inout [UInt8]) {
        guard writer != nil else { return }
        switch format {
        case .jsonl:
            DocumentRecordJSON.append(record, to: &bytes)
            bytes.append(0x0A)
        case .json:
            DocumentRecordJSON.append(record, to: &bytes)
        case .csv:
            bytes.append(contentsOf: Self.csvRow(record).utf8)
        case .summary:
            break
        }
    }

    func accept(_ record: DocumentRecord, encoded: ArraySlice<UInt8>) throws {
        summary.add(record)
        for sink in additionalSinks { try sink.accept(record) }
        guard let writer, format != .summary else { return }
        if format == .json {
            if !first { try writer.write(bytes: [0x2C, 0x0A]) }
            first = false
        }
        try writer.write(bytes: encoded)
    }

    /// Folders and files not read are said one by one on standard error, up to this many (the architect's own
    /// paths, on their own terminal); the summary counts them all by kind.
    static let walkIssuesSaid = 20
    private var walkIssuesSeen = 0

    func walkIssue(_ issue: WalkIssue) throws {
        summary.add(issue)
        if walkIssuesSeen < Self.walkIssuesSaid {
            let text = "warning: not read (\(issue.kind.rawValue)): \(FileSystemName.displayed(issue.description))\n"
            FileHandle.standardError.write(Data(text.utf8))
        } else if walkIssuesSeen == Self.walkIssuesSaid {
            FileHandle.standardError.write(Data("warning: more not read; the summary counts them all\n".utf8))
        }
        walkIssuesSeen += 1
        for sink in additionalSinks { try sink.walkIssue(issue) }
    }

    func end(elapsed: Double) throws {
        summary.elapsedSeconds = elapsed
        if format == .summary, let writer {
            // `--format summary --output FILE`: the summary itself is the output.
            try writer.write(SummaryRenderer.render(summary) + SummaryRenderer.featureBlock(readIn: summary))
        }
        if format == .json, let writer {
            try writer.write("\n],\"summary\":")
            try writer.write(bytes: try encoder.encode(summary))
            try writer.write("}\n")
        }
        try writer?.close()
    }

    static func csvRow(_ record: DocumentRecord) -> String {
        let modified = ISO8601DateFormatter.string(
            from: record.modified, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withInternetDateTime])
        let fields: [String] = [
            record.path, record.family.rawValue, record.container.rawValue, record.format, record.mimetype ?? "",
            record.odfVersion ?? "", record.generator ?? "", record.suite ?? "", record.suiteVersion ?? "",
            record.encrypted ? "true" : "false", record.features.sorted().map(\.rawValue).joined(separator: ";"),
            record.warnings.map(\.kind.rawValue).joined(separator: ";"),
            record.error?.rawValue ?? "", String(record.size), modified,
            // Last, so the columns before it keep their places; empty unless `--validate` gave a verdict.
            record.conformance?.rawValue ?? "",
        ]
        return fields.map(csvField).joined(separator: ",") + "\r\n"
    }

    /// A field as RFC 4180 quotes it, neutralised first: paths and generator strings come from the files scanned.
    static func csvField(_ raw: String) -> String {
        let value = SpreadsheetText.neutralised(raw)
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// The human summary printed by `--format summary` (and after writing records to `--output`).
enum SummaryRenderer {
    /// `heading` replaces the first line (a store's summary says what this run read, then the stored estate).
    static func render(_ summary: ScanSummary, heading: String? = nil) -> String {
        var lines: [String] = []
        let files = summary.files
        lines.append(
            heading
                ?? "Scanned \(files) file\(files == 1 ? "" : "s") in \(format(summary.elapsedSeconds)) s "
                + "(\(Int(summary.filesPerSecond.rounded())) files/s)")
        lines.append("")
        // Shares are of the files read; files that could not be read count under errors only.
        let readable = summary.readable
        lines.append(
            "Documents by family"
                + (summary.unreadable > 0
                    ? " (\(readable) readable; \(summary.unreadable) could not be read, under errors)" : ""))
        for family in DocumentFamily.allCases {
            let count = summary.byFamily[family.rawValue] ?? 0
            if count > 0 { lines.append(row(family.rawValue, count, of: readable)) }
        }
        if let share = summary.odfShare {
            lines.append("")
            lines.append(
                "ODF share: \(percent(share)) of \(summary.officeDocuments) office documents "
                    + "(ODF, OpenOffice.org 1.x XML, OOXML, legacy binary)")
        }
        if !summary.bySuite.isEmpty {
            lines.append("")
            lines.append("Suites")
            let suites: [SuiteRow] = summary.bySuite.map { key, value in
                SuiteRow(suite: key, versions: value, total: value.values.reduce(0, +))
            }
            for suite in suites.sorted(by: byCountThenName) {
                let label = suite.suite == "unknown" ? "unknown (no or unrecognised producer)" : suite.suite
                lines.append(row(label, suite.total, of: readable))
                let versions: [(key: String, value: Int)] = suite.versions.sorted(by: byCountThenKey)
                if versions.count > 1 || versions.first?.key != "" {
                    for (version, count) in versions {
                        lines.append(
                            row("  " + (version.isEmpty ? "(version unknown)" : version), count, of: readable))
                    }
                }
            }
        }
        if !summary.byODFVersion.isEmpty {
            lines.append("")
            lines.append("ODF versions")
            let total = summary.byODFVersion.values.reduce(0, +)
            for (version, count) in summary.byODFVersion.sorted(by: { $0.key < $1.key }) {
                lines.append(row(version == "none" ? "(not stated)" : version, count, of: total))
            }
        }
        lines.append("")
        if summary.errorsByKind.isEmpty {
            lines.append("Errors: none")
        } else {
            lines.append("Errors by kind")
            for (kind, count) in summary.errorsByKind.sorted(by: byCountThenKey) {
                lines.append(row(kind, count, of: files))
            }
        }
        if summary.encrypted > 0 { lines.append("Encrypted: \(summary.encrypted)") }
        if summary.withWarnings > 0 { lines.append("With warnings: \(summary.withWarnings)") }
        if !summary.walkIssuesByKind.isEmpty {
            let issues = summary.walkIssuesByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            lines.append("Not read: " + issues.joined(separator: ", "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The features of the files a run read (what matters in a move to ODF), in the features' own order; empty
    /// when none was found. Shown after the summary, with or without the store: the stored estate's tallies are not
    /// grouped by feature (the store keeps them for `export`), so they describe this run's files.
    static func featureBlock(readIn summary: ScanSummary) -> String {
        guard !summary.byFeature.isEmpty else { return "" }
        var lines = [
            "", "Features of the \(summary.readable) files read in this run (what matters in a move to ODF)",
        ]
        for feature in DocumentFeature.allCases {
            guard let count = summary.byFeature[feature.rawValue] else { continue }
            lines.append(row(feature.rawValue, count, of: summary.readable))
        }
        if let macroTemplates = summary.macroTemplates, macroTemplates > 0 {
            lines.append(row("templates with macros", macroTemplates, of: summary.readable))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private struct SuiteRow {
        var suite: String
        var versions: [String: Int]
        var total: Int
    }

    private static func byCountThenName(_ a: SuiteRow, _ b: SuiteRow) -> Bool {
        a.total != b.total ? a.total > b.total : a.suite < b.suite
    }

    private static func byCountThenKey(_ a: (key: String, value: Int), _ b: (key: String, value: Int)) -> Bool {
        a.value != b.value ? a.value > b.value : a.key < b.key
    }

    private static func row(_ label: String, _ count: Int, of total: Int) -> String {
        let share = total > 0 ? percent(Double(count) / Double(total)) : ""
        let padded = label.count < 28 ? label + String(repeating: " ", count: 28 - label.count) : label + " "
        let number = String(count)
        return "  " + padded + String(repeating: " ", count: max(1, 9 - number.count)) + number + "  " + share
    }

    static func percent(_ value: Double) -> String {
        let tenths = (value * 1000).rounded() / 10
        return String(format: "%.1f%%", tenths)
    }

    static func format(_ seconds: Double) -> String { String(format: "%.2f", seconds) }
}
