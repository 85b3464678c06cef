public import ArgumentParser
import Catalog
import Foundation
import Geography
import InventoryImport
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

            Without --dry-run each file is recorded in the estate store (--store, $OVERBLIK_STORE, else
            overblik.sqlite here) in one transaction: all of it or nothing. The same file (same content) imported
            again for the same organisation adds nothing.

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
    public var inputFormat: String = "auto"

    @Option(name: .long, help: "Column roles: title=COL,version=COL,publisher=COL,host=COL,count=COL,... ")
    public var map: String?

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

    @OptionGroup public var storeOptions: StoreOptions

    public init() {}

    public func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one inventory file.") }
        if inputFormat != "auto" && InputFormat(rawValue: inputFormat) == nil {
            throw ValidationError(
                "Unknown --input-format '\(inputFormat)'. Use auto or one of: "
                    + InputFormat.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    public func run() async throws {
        // The importer and the store recorder block; keep them off Swift's cooperative pool.
        let command = self
        try await DedicatedThread.run { try command.runBlocking() }
    }

    func runBlocking() throws {
        var options = ImportOptions(hostPseudonymiser: HostPseudonymiser(key: try resolveHostKey()))
        if let organisation {
            do {
                options.organisation = try AuthorityDirectory.denmark.resolve(organisation).code
            } catch {
                throw ValidationError(error.description)
            }
        }
        options.inputFormat = inputFormat == "auto" ? nil : InputFormat(rawValue: inputFormat)
        if let map {
            do {
                options.columnMap = try ColumnMapOverride(parsing: map)
            } catch {
                throw ValidationError(error.description)
            }
        }
        options.sheet = sheet
        options.strict = strict
        options.includeHostNames = includeHostNames
        let importer = InventoryImporter(classifier: try CatalogClassifier.bundled(), options: options)

        var run = ImportRunSummary()
        let output = StandardOutput()
        var store: (any EstateStore)?
        if !dryRun {
            let location = storeOptions.location
            do {
                store = try BlockingBridge.wait { try await EstateStoreFactory.open(location) }
            } catch {
                throw ValidationError("\(error)")
            }
        }
        defer {
            if let store { try? BlockingBridge.wait { try await store.close() } }
        }
        for path in files {
            let url = URL(fileURLWithPath: path)
            let sink = SpoolingSink(writeJSONLines: format == .jsonl)
            do {
                let report: FileImportReport
                if dryRun {
                    report = try importer.importFile(at: url, into: sink)
                } else if let store {
                    report = try recordInStore(importer: importer, file: url, sink: sink, store: store)
                } else {
                    report = try importer.importFile(at: url, into: sink)
                }
                try sink.copy(to: output)
                run.add(report)
            } catch let error as ImportError {
                run.failures.append(error.description)
                StandardError.write("overblik import: \(error.description)\n")
            } catch let error as StoreError {
                run.failures.append(error.description)
                StandardError.write("overblik import: \(path): \(error.description)\n")
            }
        }
        output.flush()
        if format == .summary { print(run.render(dryRun: dryRun), terminator: "") }
        if !run.failures.isEmpty { throw ExitCode(1) }
    }

    /// The one place the import meets the estate store: one transaction per file (begin, stream the records
    /// into it, commit; roll back when the import throws). A file already imported for this organisation
    /// (same content hash) is read for the summary but adds nothing.
    func recordInStore(
        importer: InventoryImporter, file: URL, sink: SpoolingSink, store: any EstateStore
    ) throws
        -> FileImportReport
    {
        let fileHash: String
        do {
            fileHash = try ImportHeader.hashFile(at: file)
        } catch {
            throw ImportError.unreadableFile(file: file.path, reason: error.localizedDescription)
        }
        let catalog = (try? ProductCatalog.bundled())?.stamp ?? CatalogStamp(version: "none", digest: "none")
        let header = ImportHeader(
            organisation: importer.options.organisation ?? 0, fileHash: fileHash, fileName: file.lastPathComponent,
            format: importer.options.inputFormat?.rawValue ?? "auto", catalog: catalog)
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
            let when = ISO8601DateFormatter().string(from: previous.finished)
            StandardError.write(
                "overblik import: \(file.lastPathComponent) was already imported for this organisation on \(when) "
                    + "(same content); nothing added.\n")
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

/// Collects one file's output: JSON lines are spooled (in memory, then a temporary file past 32 MB),
/// so a file that fails halfway prints nothing and memory stays bounded.
final class SpoolingSink: ImportSink {
    let writeJSONLines: Bool
    private var buffer: [UInt8] = []
    private var spillFile: FileHandle?
    private var spillURL: URL?
    private static let memoryLimit = 32 << 20

    init(writeJSONLines: Bool) {
        self.writeJSONLines = writeJSONLines
        if writeJSONLines { buffer.reserveCapacity(1 << 20) }
    }

    deinit {
        try? spillFile?.close()
        if let spillURL { try? FileManager.default.removeItem(at: spillURL) }
    }

    func accept(_ record: SoftwareRecord) throws {
        guard writeJSONLines else { return }
        JSONLines.append(record, to: &buffer)
        if buffer.count >= Self.memoryLimit { try spill() }
    }

    func accept(_ declaration: UsageDeclaration) throws {
        guard writeJSONLines else { return }
        JSONLines.append(declaration, to: &buffer)
        if buffer.count >= Self.memoryLimit { try spill() }
    }

    private func spill() throws {
        if spillFile == nil {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent(
                "overblik-import-\(UUID().uuidString)")
            FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
            spillFile = try FileHandle(forUpdating: url)
            spillURL = url
        }
        try spillFile?.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes everything spooled to `output`.
    func copy(to output: StandardOutput) throws {
        if let spillFile {
            try spillFile.seek(toOffset: 0)
            while let chunk = try spillFile.read(upToCount: 4 << 20), !chunk.isEmpty { output.write(Array(chunk)) }
        }
        output.write(buffer)
        buffer.removeAll()
    }
}

/// Buffered standard output.
final class StandardOutput {
    private var pending: [UInt8] = []

    func write(_ bytes: [UInt8]) {
        pending.append(contentsOf: bytes)
        if pending.count >= 1 << 20 { flush() }
    }

    func flush() {
        guard !pending.isEmpty else { return }
        FileHandle.standardOutput.write(Data(pending))
        pending.removeAll(keepingCapacity: true)
    }
}

enum StandardError {
    static func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
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
            text += "\n"
            for (reason, count) in report.skipped.sorted(by: { $0.key < $1.key }) {
                text += "    skipped \(count): \(reason)\n"
            }
            for note in report.notes where !note.hasPrefix("delimiter") { text += "    note: \(note)\n" }
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
                text += "  \(report.source):\(diagnostic.line): \(diagnostic.reason)\n"
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
