public import ArgumentParser
import Catalog
import Foundation
import Geography
public import InventoryImport
import OverblikModel
import Store
import StorePostgres

/// `overblik import`: inventory exports → classified software records and usage declarations.
public struct ImportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import software inventories (CSV, spreadsheets, agent XML/JSON, SBOMs, package lists, KITOS).",
        discussion: """
            Each file's format is detected from its content (not its name). Every software line becomes a
            record classified against the product catalog; lines for the same product on the same host
            collapse into one installation. A file that cannot be read is reported and nothing from it is
            kept; the other files are imported. Host names are pseudonymised with a keyed hash unless
            --include-host-names is given; the key comes from --host-key, $OVERBLIK_HOST_KEY, or
            ~/.config/overblik/host.key (created on first use; keep it to get the same pseudonyms next time).

            Formats (--input-format): \(InputFormat.allCases.map(\.rawValue).joined(separator: ", ")).

            Examples:
              overblik import sccm-export.csv --organisation 751 --dry-run
              overblik import hosts/*.xml --organisation "Aarhus Kommune" --dry-run --format jsonl
              overblik import apps.csv --organisation 101 --map title=Program,version=Ver,host=PC --dry-run
              overblik import IT-Systemer-Overblik.xlsx --organisation 751 --dry-run
            """)

    public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
        case summary
        case jsonl
    }

    @Argument(help: "Inventory files to import.")
    public var files: [String] = []

    @Option(name: .long, help: "Municipality or region: code, name or alias (e.g. 751, \"Aarhus Kommune\").")
    public var organisation: String?

    @Option(name: .customLong("input-format"), help: "auto, or one of the formats listed below.")
    public var inputFormat: InputFormatChoice = .auto

    @Option(name: .long, help: "Column roles: title=COL,version=COL,publisher=COL,host=COL,count=COL,... ")
    public var map: String?

    @Flag(
        name: .customLong("header"), inversion: .prefixedNo,
        help: ArgumentHelp(
            "Whether a table's first row is its header. Default: it is, unless --map gives every column by number "
                + "and the first row is not a header we know and has a cell starting with a digit."))
    public var header: Bool?

    @Option(name: .long, help: "Spreadsheet sheet to read (default: the first).")
    public var sheet: String?

    @Flag(name: .long, help: "Fail a file that has any unreadable line.")
    public var strict = false

    @Flag(name: .customLong("dry-run"), help: "Read and classify, print, store nothing.")
    public var dryRun = false

    @Option(name: .long, help: "summary or jsonl (one JSON object per software record).")
    public var format: OutputFormat = .summary

    @Flag(name: .customLong("include-host-names"), help: "Keep host names instead of pseudonymising them.")
    public var includeHostNames = false

    @Option(
        name: .customLong("host-key"), help: "Key for host pseudonyms (default: $OVERBLIK_HOST_KEY or the key file).")
    public var hostKey: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "When the inventory's data were taken (2026-11-30 or 2026-11-30T08:00:00Z; default: each file's "
                + "modification time). Of two inventories of a host, the one observed later is its software list.",
            valueName: "date"))
    public var observed: String?

    @OptionGroup public var catalogOptions: CatalogOptions

    @OptionGroup public var storeOptions: StoreOptions

    public init() {}

    /// `--observed` as a date; nil when not given.
    func observedDate() throws -> Date? {
        guard let observed else { return nil }
        guard let date = ObservedDate.parse(observed) else {
            throw ValidationError(
                "--observed '\(observed)' is not a date: give 2026-11-30 or 2026-11-30T08:00:00Z.")
        }
        return date
    }

    public func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one inventory file.") }
        _ = try observedDate()
    }

    public func run() async throws {
        // The importer and the store recorder block; keep them off Swift's cooperative pool.
        let command = self
        let failed = try await DedicatedThread.run {
            try command.execute(output: FileHandle.standardOutput, errors: FileHandle.standardError)
        }
        if failed > 0 { throw ExitCode(CommandExitStatus.partialFailure.rawValue) }
    }

    /// Imports every file, writing JSON lines or the summary to `output` and each failed file's error to
    /// `errors`. Returns the number of files that failed.
    func execute(output outputHandle: FileHandle, errors: FileHandle) throws -> Int {
        var options = ImportOptions(hostPseudonymiser: HostPseudonymiser(key: try resolveHostKey()))
        if let organisation {
            do {
                options.organisation = try AuthorityDirectory.denmark.resolve(organisation).code
            } catch {
                throw ValidationError(error.description)
            }
        }
        options.inputFormat = inputFormat.format
        if let map {
            do {
                options.columnMap = try ColumnMapOverride(parsing: map)
            } catch {
                throw ValidationError(error.description)
            }
        }
        if let header { options.firstRow = header ? .header : .data }
        options.sheet = sheet
        options.strict = strict
        options.includeHostNames = includeHostNames
        let catalog = try catalogOptions.loadCatalog()
        let observed = try observedDate()
        let importer = InventoryImporter(classifier: CatalogClassifier(catalog: catalog), options: options)
        var store: (any EstateStore)?
        if !dryRun {
            let location = storeOptions.location
            store = try BlockingBridge.wait { try await EstateStoreFactory.open(location) }
            // Every stored line follows the catalog this import classifies with (before the import's own
            // transaction begins).
            if let store,
                let summary = try CatalogInForce.apply(
                    to: store, stamp: catalog.stamp, classifier: { CatalogRowClassifier(catalog: catalog) })
            {
                errors.write(Data("overblik import: \(CatalogInForce.describe(summary))\n".utf8))
            }
        }
        defer {
            if let store { try? BlockingBridge.wait { try await store.close() } }
        }

        var run = ImportRunSummary()
        let output = BufferedOutput(handle: outputHandle)
        let undo = OutputUndo.of(outputHandle)
        for path in files {
            let url = URL(fileURLWithPath: path)
            // JSON lines go straight to the output when a failed file's lines can be taken back (a regular
            // file is truncated to where the file began; /dev/null keeps nothing); otherwise they are spooled.
            let direct = format == .jsonl && undo != .impossible
            let sink = SpoolingSink(writeJSONLines: format == .jsonl, direct: direct ? output : nil)
            output.flush()
            let mark = undo.mark(outputHandle)
            // A failed file leaves nothing: its lines already written are taken back.
            func abandonFile(failure: String, message: String) {
                if direct {
                    output.discardPending()
                    undo.rollBack(outputHandle, to: mark)
                }
                run.failures.append(failure)
                errors.write(Data("overblik import: \(message)\n".utf8))
            }
            do {
                let report: FileImportReport
                if dryRun {
                    report = try importer.importFile(at: url, into: sink)
                } else if let store {
                    report = try recordInStore(
                        importer: importer, file: url, sink: sink, store: store, catalog: catalog.stamp,
                        observed: observed, errors: errors)
                } else {
                    report = try importer.importFile(at: url, into: sink)
                }
                try sink.copy(to: output)
                run.add(report)
            } catch let error as ImportError {
                abandonFile(failure: error.description, message: error.description)
            } catch let error as StoreError {
                // A store error does not name the file; an import error does.
                abandonFile(failure: error.description, message: "\(path): \(error.description)")
            }
        }
        if format == .summary { output.write(Array(run.render(dryRun: dryRun).utf8)) }
        output.flush()
        return run.failures.count
    }

    /// The one place the import meets the estate store: one session per file (begin, stream the records into
    /// it in committed batches, finish in one transaction; cancel, which removes it, when the import throws). A file already imported for this organisation
    /// (same content hash) is read for the summary but adds nothing.
    /// `observed`: `--observed`, when given; otherwise the file's modification time is used.
    func recordInStore(
        importer: InventoryImporter, file: URL, sink: SpoolingSink, store: any EstateStore, catalog: CatalogStamp,
        observed: Date?, errors: FileHandle
    ) throws -> FileImportReport {
        let fileHash: String
        do {
            fileHash = try ImportHeader.hashFile(at: file)
        } catch {
            throw ImportError.unreadableFile(file: file.path, reason: error.localizedDescription)
        }
        let header = ImportHeader(
            organisation: importer.options.organisation ?? 0, fileHash: fileHash, fileName: file.lastPathComponent,
            format: importer.options.inputFormat?.rawValue ?? "auto", catalog: catalog,
            observed: observed ?? ObservedDate.modification(of: file))
        let recorder = try ImportRecorder(store: store, header: header)
        let report: FileImportReport
        do {
            report = try importer.importFile(at: file, into: StoreImportSink(output: sink, recorder: recorder))
        } catch {
            recorder.cancel()
            throw error
        }
        let outcome = try recorder.finish(
            format: report.format.rawValue, linesRead: report.linesRead, unreadableLines: report.unreadableLines)
        if case .alreadyImported(let previous) = outcome {
            let when = ISODate.timestamp(previous.finished)
            errors.write(
                Data(
                    ("overblik import: \(file.lastPathComponent) was already imported for this organisation on \(when) "
                        + "(same content); nothing added.\n").utf8))
        }
        return report
    }

    func resolveHostKey() throws -> [UInt8] {
        do {
            return try HostKey.resolve(explicit: hostKey)
        } catch {
            throw ValidationError(error.description)
        }
    }
}

/// `--input-format`: detect the format from the content, or read every file as one format.
public enum InputFormatChoice: ExpressibleByArgument, Sendable, Equatable {
    case auto
    case format(InputFormat)

    public init?(argument: String) {
        if argument == "auto" {
            self = .auto
        } else if let format = InputFormat(rawValue: argument) {
            self = .format(format)
        } else {
            return nil
        }
    }

    public static var allValueStrings: [String] { ["auto"] + InputFormat.allCases.map(\.rawValue) }

    public var defaultValueDescription: String {
        switch self {
        case .auto: "auto"
        case .format(let format): format.rawValue
        }
    }

    var format: InputFormat? {
        if case .format(let format) = self { return format }
        return nil
    }
}

/// Collects one file's output: JSON lines are spooled (in memory, then a temporary file past 32 MB),
/// so a file that fails halfway prints nothing and memory stays bounded.
final class SpoolingSink: ImportSink {
    let writeJSONLines: Bool
    /// When set, lines are written straight to this output (its caller can undo them).
    let direct: BufferedOutput?
    private var buffer: [UInt8] = []
    private var spillFile: FileHandle?
    private var spillURL: URL?
    private static let memoryLimit = 32 << 20

    init(writeJSONLines: Bool, direct: BufferedOutput? = nil) {
        self.writeJSONLines = writeJSONLines
        self.direct = direct
        if writeJSONLines && direct == nil { buffer.reserveCapacity(1 << 20) }
    }

    deinit {
        try? spillFile?.close()
        if let spillURL { try? FileManager.default.removeItem(at: spillURL) }
    }

    func accept(_ record: SoftwareRecord) throws {
        guard writeJSONLines else { return }
        if let direct {
            direct.append(record)
            return
        }
        JSONLines.append(record, to: &buffer)
        if buffer.count >= Self.memoryLimit { try spill() }
    }

    func accept(_ declaration: UsageDeclaration) throws {
        guard writeJSONLines else { return }
        if let direct {
            direct.append(declaration)
            return
        }
        JSONLines.append(declaration, to: &buffer)
        if buffer.count >= Self.memoryLimit { try spill() }
    }

    private func spill() throws {
        if spillFile == nil {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent(
                "overblik-import-\(UUID().uuidString)")
            _ = FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
            spillFile = try FileHandle(forUpdating: url)
            spillURL = url
        }
        try spillFile?.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes everything spooled to `output`.
    func copy(to output: BufferedOutput) throws {
        if let spillFile {
            try spillFile.seek(toOffset: 0)
            output.flush()
            while let chunk = try spillFile.read(upToCount: 8 << 20), !chunk.isEmpty { output.writeDirectly(chunk) }
        }
        output.write(buffer)
        buffer.removeAll()
    }
}

/// Buffered output to a file handle (standard output by default).
final class BufferedOutput {
    private let handle: FileHandle
    // Appended to once per record on one thread: no run-time exclusivity check needed.
    @exclusivity(unchecked) private var pending: [UInt8] = []

    init(handle: FileHandle) {
        self.handle = handle
    }

    func write(_ bytes: [UInt8]) {
        pending.append(contentsOf: bytes)
        if pending.count >= 1 << 20 { flush() }
    }

    func append(_ record: SoftwareRecord) {
        JSONLines.append(record, to: &pending)
        if pending.count >= 1 << 20 { flush() }
    }

    func append(_ declaration: UsageDeclaration) {
        JSONLines.append(declaration, to: &pending)
        if pending.count >= 1 << 20 { flush() }
    }

    /// Drops what has not been written yet (a failed file's last lines).
    func discardPending() { pending.removeAll(keepingCapacity: true) }

    /// Writes a large block without copying it into the buffer (after a flush, so order is kept).
    func writeDirectly(_ data: Data) {
        flush()
        handle.write(data)
    }

    func flush() {
        guard !pending.isEmpty else { return }
        handle.write(Data(pending))
        pending.removeAll(keepingCapacity: true)
    }
}

/// Totals over all files of one `overblik import` run, and their text rendering.
struct ImportRunSummary {
    var reports: [FileImportReport] = []
    var failures: [String] = []
    var tally = InstallationTally()
    var unknownTitles: [String: Int] = [:]

    mutating func add(_ report: FileImportReport) {
        reports.append(report)
        tally.merge(report.tally)
        for (title, count) in report.unknownTitles { unknownTitles[title, default: 0] += count }
    }

    func render(dryRun: Bool) -> String {
        var text = ""
        let imported = reports.count
        text +=
            "Files: \(imported + failures.count) (\(imported) read, \(failures.count) failed)\(dryRun ? ", dry run: nothing stored" : "")\n"
        for report in reports {
            var detail = [report.format.rawValue]
            if let variant = report.variant { detail.append(variant) }
            if let encoding = report.encoding { detail.append(encoding.rawValue) }
            text += "  \(report.source): \(detail.joined(separator: ", ")); \(report.linesRead) lines, "
            text += "\(report.softwareRecords) software records"
            if report.usageDeclarations > 0 { text += ", \(report.usageDeclarations) usage declarations" }
            if report.unreadableLines > 0 { text += ", \(report.unreadableLines) unreadable" }
            if report.shortRows > 0 {
                text += ", \(report.shortRows) short row\(report.shortRows == 1 ? "" : "s") kept"
            }
            text += "\n"
            for (reason, count) in report.skipped.sorted(by: { $0.key < $1.key }) {
                text += "    skipped \(count): \(reason)\n"
            }
            for note in report.notes where note.kind != .delimiter {
                text += "    note: \(note.line.map { "line \($0): " } ?? "")\(note.message)\n"
            }
            if report.shortRows > FileImportReport.listedShortRows {
                text += "    note: ... \(report.shortRows - FileImportReport.listedShortRows) more short rows\n"
            }
        }
        let lines = reports.reduce(0) { $0 + $1.linesRead }
        let records = reports.reduce(0) { $0 + $1.softwareRecords }
        let declarations = reports.reduce(0) { $0 + $1.usageDeclarations }
        let unreadable = reports.reduce(0) { $0 + $1.unreadableLines }
        text += "Lines read: \(lines)\n"
        text += "Software records: \(records)\n"
        if declarations > 0 { text += "Usage declarations: \(declarations)\n" }
        text += "Hosts: \(tally.hosts)\n"
        let installations = tally.byProduct.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        let total = installations.reduce(0) { $0 + $1.value }
        text +=
            "Installations: \(total) (\(tally.collapsedLines) lines collapsed into an installation on the same host)\n"
        for (product, count) in installations {
            text += "  \(product.padding(toLength: 28, withPad: " ", startingAt: 0)) \(count)\n"
        }
        let unknown = unknownTitles.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        text += "Unknown titles: \(unknown.count)\(unknown.count > 20 ? " (top 20)" : "")\n"
        for (title, count) in unknown.prefix(20) {
            text += "  \(String(count).padding(toLength: 6, withPad: " ", startingAt: 0)) \(title)\n"
        }
        text += "Unreadable lines: \(unreadable)\n"
        for report in reports where !report.diagnostics.isEmpty {
            for diagnostic in report.diagnostics.prefix(50) {
                text += "  \(report.source):\(diagnostic.line ?? 0): \(diagnostic.message)\n"
            }
            if report.unreadableLines > 50 { text += "  \(report.source): ... \(report.unreadableLines - 50) more\n" }
        }
        if !failures.isEmpty {
            text += "Failed files: \(failures.count)\n"
            for failure in failures { text += "  \(failure)\n" }
        }
        return text
    }
}

/// Whether lines already written to the output can be taken back when a file fails.
enum OutputUndo: Equatable {
    /// A regular file: truncate it back to its size before the failed file.
    case truncate
    /// `/dev/null` (a character device that is not a terminal): nothing was kept.
    case discarded
    /// A pipe or terminal: lines cannot be taken back, so they are spooled until the file is done.
    case impossible

    static func of(_ handle: FileHandle) -> OutputUndo {
        var status = stat()
        guard fstat(handle.fileDescriptor, &status) == 0 else { return .impossible }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return .truncate
        case S_IFCHR where isatty(handle.fileDescriptor) == 0: return .discarded
        default: return .impossible
        }
    }

    func mark(_ handle: FileHandle) -> Int64 {
        guard self == .truncate else { return 0 }
        var status = stat()
        return fstat(handle.fileDescriptor, &status) == 0 ? Int64(status.st_size) : 0
    }

    func rollBack(_ handle: FileHandle, to mark: Int64) {
        guard self == .truncate else { return }
        _ = ftruncate(handle.fileDescriptor, off_t(mark))
        _ = lseek(handle.fileDescriptor, off_t(mark), SEEK_SET)
    }
}

/// Sends each record both to the command's output and to the store's open import.
final class StoreImportSink: ImportSink {
    let output: SpoolingSink
    let recorder: ImportRecorder

    init(output: SpoolingSink, recorder: ImportRecorder) {
        self.output = output
        self.recorder = recorder
    }

    func accept(_ record: SoftwareRecord) throws {
        try output.accept(record)
        try recorder.add(record)
    }

    func accept(_ declaration: UsageDeclaration) throws {
        try output.accept(declaration)
        try recorder.add(declaration)
    }
}

/// When an inventory's data were taken.
enum ObservedDate {
    /// `2026-11-30` (midnight UTC) or an ISO 8601 time with zone.
    static func parse(_ text: String) -> Date? {
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return day.date(from: text)
    }

    /// The file's modification time, never later than now (a clock set wrong must not win every host).
    static func modification(of file: URL) -> Date? {
        guard let modified = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.modificationDate] as? Date
        else { return nil }
        return min(modified, Date())
    }
}
