public import Foundation
import Catalog
public import OverblikModel

/// One software line as a reader found it, before organisation, host and classification are applied.
struct RawItem {
    var line: Int
    var title: String
    var publisher: String? = nil
    var version: String? = nil
    var package: String? = nil
    var platform: String? = nil
    var host: String? = nil
    var count = 1
    var installDate: Date? = nil
    var organisationText: String? = nil
    /// Text to classify when the title itself is a poor name (Defender's `desktop_editors`).
    var classificationTitle: String? = nil
    /// Set when the file marks the item as not installed (a dpkg package removed with its configuration files
    /// left): the record keeps its product but does not count as an installation.
    var notInstalled: NotInstalled? = nil
}

/// Why a listed item is not an installation, as its file says.
struct NotInstalled {
    /// Appended to the classification rule (`+dpkg:not-installed`), so the record explains itself.
    var ruleSuffix: String
    /// The file's own words (`deinstall ok config-files`), for the report.
    var status: String
}

/// Turns raw items into records: organisation, host pseudonym, classification (cached per distinct input),
/// tallies and diagnostics; hands each record to the sink.
final class RecordEmitter {
    let options: ImportOptions
    let classifier: any InventoryClassifying
    let sink: any ImportSink
    // One emitter per file, used by one thread: run-time exclusivity checks on these (touched for every
    // line) are left out, as in CSVReader.
    @exclusivity(unchecked) var report: FileImportReport
    /// Host for records of one-file-per-host formats that name none (set by the reader when it knows better).
    @exclusivity(unchecked) var fileHost: String?
    /// The file as a host, for a file that names none (``InventoryImporter/fileHostKey(for:)``).
    @exclusivity(unchecked) var fileIdentity = ""

    // Per-file memo tables without locks (one emitter per file and thread), bounded so a file of all-distinct
    // titles or hosts does not grow memory with its length.
    @exclusivity(unchecked) private var classificationCache = BoundedCache<ClassificationKey, Classification>(
        entryLimit: 16_384, byteLimit: 8 << 20, cost: ClassificationKey.cost)
    @exclusivity(unchecked) private var hostCache = BoundedCache<String, String>(entryLimit: 32_768, byteLimit: 8 << 20)
    {
        96 + $0.utf8.count + $1.utf8.count
    }
    private var organisationCache: [String: Int?] = [:]

    private struct ClassificationKey: Hashable {
        var title: String
        var publisher: String?
        var version: String?
        var package: String?
        var platform: String?

        /// Title and version spread the keys well enough; the other fields are compared on a hit only,
        /// which saves hashing three more strings on every line.
        func hash(into hasher: inout Hasher) {
            hasher.combine(title)
            hasher.combine(version)
        }

        @Sendable static func cost(_ key: ClassificationKey, _ answer: Classification) -> Int {
            256 + key.title.utf8.count + (key.publisher?.utf8.count ?? 0) + (key.version?.utf8.count ?? 0)
                + (key.package?.utf8.count ?? 0) + (key.platform?.utf8.count ?? 0) + answer.rule.utf8.count
                + (answer.version?.utf8.count ?? 0)
        }
    }

    init(options: ImportOptions, classifier: any InventoryClassifying, sink: any ImportSink, report: FileImportReport) {
        self.options = options
        self.classifier = classifier
        self.sink = sink
        self.report = report
    }

    var fileName: String { report.path }

    func unreadable(line: Int, _ reason: String) {
        report.unreadableLines += 1
        if report.diagnostics.count < options.maxListedDiagnostics {
            report.diagnostics.append(
                Diagnostic(.warning, .unreadableLine, file: report.source, line: line, message: reason))
        }
    }

    /// A row with `fields` fields where the header has `width`: counted, and the first few listed with their line.
    func shortRow(line: Int, fields: Int, width: Int) {
        report.shortRows += 1
        if report.shortRows <= FileImportReport.listedShortRows {
            report.notes.append(
                Diagnostic(
                    .note, .shortRow, file: report.source, line: line,
                    message: "\(fields) field\(fields == 1 ? "" : "s") where the header has \(width): kept, "
                        + "the missing fields empty"))
        }
    }

    func skip(_ reason: String) {
        report.skipped[reason, default: 0] += 1
    }

    func note(_ text: String, kind: Diagnostic.Kind = .fileNote) {
        if report.notes.count < 100 { report.notes.append(Diagnostic(.note, kind, file: report.source, message: text)) }
    }

    func resolveOrganisation(_ text: String) -> Int? {
        if let cached = organisationCache[text] { return cached }
        let resolved = options.resolveOrganisation(text)
        organisationCache[text] = resolved
        return resolved
    }

    func classify(
        title: String, publisher: String?, version: String?, package: String?, platform: String?
    ) -> Classification {
        let key = ClassificationKey(
            title: title, publisher: publisher, version: version, package: package,
            platform: platform)
        if let cached = classificationCache.recentValue(for: key) ?? classificationCache.value(for: key) {
            return cached
        }
        let answer = classifier.classify(
            title: title, publisher: publisher, version: version, package: package, platform: platform)
        classificationCache.insert(answer, for: key)
        return answer
    }

    @exclusivity(unchecked) private var lastHost: (raw: String, pseudonym: String)?

    func pseudonymisedHost(_ host: String) -> String {
        if options.includeHostNames { return host }
        // Exports list one host's software together: the previous line's host is the likeliest.
        if let lastHost, lastHost.raw == host { return lastHost.pseudonym }
        if let cached = hostCache.recentValue(for: host) ?? hostCache.value(for: host) {
            lastHost = (host, cached)
            return cached
        }
        let pseudonym = options.hostPseudonymiser.pseudonym(for: host)
        hostCache.insert(pseudonym, for: host)
        lastHost = (host, pseudonym)
        return pseudonym
    }

    func emit(_ item: RawItem) throws(ImportError) {
        let title = item.title.trimmedField
        guard !title.isEmpty else {
            unreadable(line: item.line, "no software title")
            return
        }
        var organisation = options.organisation
        if let text = item.organisationText?.trimmedField, !text.isEmpty {
            guard let code = resolveOrganisation(text) else {
                unreadable(line: item.line, "unknown organisation \"\(text)\"")
                return
            }
            organisation = code
        }
        guard organisation != nil else { throw .missingOrganisation(file: fileName) }
        let rawHost = (item.host?.trimmedField).flatMap { $0.isEmpty ? nil : $0 } ?? fileHost
        let publisher = Self.nonEmpty(item.publisher)
        let version = Self.nonEmpty(item.version)
        let package = Self.nonEmpty(item.package)
        let platform = Self.nonEmpty(item.platform)
        let classification = InventoryImporter.classification(
            classify(
                title: item.classificationTitle ?? title, publisher: publisher, version: version, package: package,
                platform: platform), notInstalledSuffix: item.notInstalled?.ruleSuffix)
        if let notInstalled = item.notInstalled { report.notInstalled[notInstalled.status, default: 0] += 1 }
        var record = SoftwareRecord(
            organisation: organisation, source: report.source, line: item.line,
            host: rawHost.map(pseudonymisedHost), title: title, publisher: publisher, version: version,
            package: package, platform: platform, installCount: item.count, installDate: item.installDate,
            classification: classification)
        if let asked = item.classificationTitle, asked != title { record.classificationTitle = asked }
        do {
            try sink.accept(record)
        } catch {
            throw .sinkFailed(file: fileName, reason: String(describing: error))
        }
        report.softwareRecords += 1
        report.tally.add(record)
        if classification.isUnknown {
            // One hash of the title per line: count through the found index, insert only when new.
            if let index = report.unknownTitles.index(forKey: title) {
                report.unknownTitles.values[index] += 1
            } else if report.unknownTitles.count < FileImportReport.unknownTitleCap {
                report.unknownTitles[title] = 1
            }
        }
    }

    func emit(_ declaration: UsageDeclaration) throws(ImportError) {
        do {
            try sink.accept(declaration)
        } catch {
            throw .sinkFailed(file: fileName, reason: String(describing: error))
        }
        report.usageDeclarations += 1
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text else { return nil }
        let trimmed = text.trimmedField
        return trimmed.isEmpty ? nil : trimmed
    }
}

/// Imports inventory files: detects each file's format from its content, reads it as a stream where the
/// format allows, and yields software records and usage declarations with diagnostics.
///
/// One file is one unit: either its records all reach the sink and ``importFile(at:into:)`` returns a report,
/// or it throws and the caller discards what the sink received (a store rolls back its transaction).
public struct InventoryImporter: Sendable {
    public let classifier: any InventoryClassifying
    public let options: ImportOptions

    public init(classifier: any InventoryClassifying, options: ImportOptions) {
        self.classifier = classifier
        self.options = options
    }

    /// Imports one file into memory.
    public func importFile(at url: URL) throws(ImportError) -> FileImport {
        let sink = CollectingSink()
        let report = try importFile(at: url, into: sink)
        return FileImport(report: report, records: sink.records, declarations: sink.declarations)
    }

    /// Imports one file, streaming its records into `sink`, on the calling thread and in file order (large CSV
    /// files are read and split into rows on a second thread, see ``ImportOptions/rowPrefetchMinimumBytes``).
    public func importFile(at url: URL, into sink: any ImportSink) throws(ImportError) -> FileImportReport {
        let file = try ChunkedFile(url: url)
        return try importRecords(file: file, url: url, into: sink)
    }

    func importRecords(
        file: ChunkedFile, url: URL, into sink: any ImportSink
    ) throws(ImportError)
        -> FileImportReport
    {
        let path = url.path
        let size = file.fileSize ?? 0
        var report = FileImportReport(path: path, source: url.lastPathComponent, format: .csv, fileSize: size)
        let emitter = RecordEmitter(options: options, classifier: classifier, sink: sink, report: report)

        let stream = try TextStream(file: file)
        let rawPrefix = stream.rawPrefix
        if rawPrefix.isEmpty { throw .emptyFile(file: path) }
        let isZip = FormatSniffer.isZip(rawPrefix)
        let format: InputFormat
        // Whether a JSON file is one object per line (decided by detection; nil: the reader's own rule).
        var lineDelimitedJSON: Bool?
        if let forced = options.inputFormat {
            format = forced
        } else if isZip {
            format = .xlsx  // refined to xlsx/ods (or kitos) from the archive's parts
        } else {
            let prefix = stream.peekPrefix()
            if FormatSniffer.startsLikeJSON(prefix) {
                // Decided from the document's top-level keys wherever they are, not from a prefix.
                switch try JSONDetector.detect(stream: stream, maxDepth: options.maxNestingDepth) {
                case .format(let detected, let lineDelimited):
                    format = detected
                    lineDelimitedJSON = lineDelimited
                case .notAnInventory(let what):
                    throw .notAnInventory(file: path, what: what)
                case .tooDeep(let line):
                    throw .nestingTooDeep(file: path, line: line, limit: options.maxNestingDepth)
                }
            } else if let detected = FormatSniffer.detect(text: prefix) {
                format = detected
            } else if let what = FormatSniffer.refusal(text: prefix) {
                throw .notAnInventory(file: path, what: what)
            } else {
                format = .csv
            }
        }
        emitter.report.format = format
        emitter.report.encoding = isZip ? nil : stream.encoding
        emitter.fileIdentity = Self.fileHostKey(for: url)
        if format.isOneFilePerHost { emitter.fileHost = emitter.fileIdentity }

        if isZip {
            try SpreadsheetReader.importWorkbook(stream: stream, forced: options.inputFormat, emitter: emitter)
        } else {
            switch format {
            case .csv, .usageCSV, .usageEvidence, .kitos:
                try TableImporter.importCSV(stream: stream, forced: format, emitter: emitter)
            case .xlsx, .ods:
                throw .unrecognisedFormat(
                    file: path, detail: "not a ZIP archive, so not an \(format.rawValue) workbook")
            case .dpkgStatus, .dpkgQuery, .dpkgList, .rpm, .wingetList, .reg:
                try LineFormats.importLines(stream: stream, format: format, emitter: emitter)
            case .cyclonedx where FormatSniffer.startsLikeXML(stream.peekPrefix()):
                try CycloneDXXML.importXML(stream: stream, emitter: emitter)
            case .glpiJSON, .cyclonedx, .spdx, .wingetExport, .osquery, .defenderJSON:
                try JSONFormats.importJSON(
                    stream: stream, format: format, lineDelimited: lineDelimitedJSON, emitter: emitter)
            case .agentXML:
                try AgentXML.importXML(stream: stream, emitter: emitter)
            }
        }
        try file.drain()
        report = emitter.report
        for (status, count) in report.notInstalled.sorted(by: { $0.key < $1.key }) {
            report.notes.append(
                Diagnostic(
                    .note, .fileNote, file: report.source,
                    message: "\(count) not installed (\(status)): recorded, not counted as installations"))
        }
        report.fileHash = file.digest
        report.fileSize = file.bytesRead
        // Lines that could not be read and not one record: the file was read as the wrong thing. Failing it
        // keeps a wrong guess from passing as an empty inventory (and replacing a host's list with nothing).
        if report.softwareRecords == 0, report.usageDeclarations == 0, report.unreadableLines > 0 {
            let first = report.diagnostics.first
            throw .nothingReadable(
                file: path, format: report.format.rawValue, unreadableLines: report.unreadableLines,
                firstLine: first?.line ?? 0, reason: first?.message ?? "")
        }
        if options.strict, report.unreadableLines > 0 {
            throw .strictFailure(
                file: path, unreadableLines: report.unreadableLines, firstLine: report.diagnostics.first?.line ?? 0)
        }
        return report
    }
}

extension InventoryImporter {
    /// The host of a file that names none (a `.reg` or winget export, dpkg's `status`, an SBOM of a directory):
    /// `file:` + the nearest folder + `/` + the file name. Collections keep one folder per machine with the tool's
    /// default name (`PC042/Uninstall.reg`, `PC042/status`) or name the files per machine (`exports/PC042.reg`), so
    /// both parts are needed to tell machines apart; neither changes when next month's export is imported from
    /// the same place, however the path is written. Folders named by a date or a number (`2026-11`, `20261130`)
    /// are passed over, so dated collections (`2026-11/PC042.reg`, `PC042/2026-11/status`) keep one host per
    /// machine. Only these two names are kept, never the path above them.
    public static func fileHostKey(for url: URL) -> String {
        let components = url.standardizedFileURL.pathComponents
        let name = components.last ?? url.lastPathComponent
        let folder = components.dropLast().last { $0 != "/" && !$0.isEmpty && !isDateLikeFolder($0) }
        return "file:" + (folder.map { $0 + "/" } ?? "") + name
    }

    /// Whether an SBOM's subject name says nothing about which machine it is: empty, `NOASSERTION`, or a path
    /// (syft names a directory scan after the directory it was given: `.`, `/`, `./build`, `C:\\`).
    public static func isGenericSubjectName(_ name: String) -> Bool {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed == "NOASSERTION" { return true }
        if trimmed.allSatisfy({ $0 == "." || $0 == "/" || $0 == "\\" }) { return true }
        if trimmed.hasPrefix("/") || trimmed.hasPrefix("./") || trimmed.hasPrefix("../") || trimmed.hasPrefix("~")
            || trimmed.hasPrefix(".\\") || trimmed.hasPrefix("..\\") || trimmed.hasPrefix("\\")
        {
            return true
        }
        // A Windows drive path (`C:\\`, `D:/scan`).
        let characters = Array(trimmed)
        return characters.count >= 2 && characters[0].isLetter && characters[1] == ":"
            && (characters.count == 2 || characters[2] == "\\" || characters[2] == "/")
    }

    /// Digits with separators only (`2026-11`, `2026_11_30`, `20261130`, `7`).
    static func isDateLikeFolder(_ name: String) -> Bool {
        name.contains(where: \.isNumber) && name.allSatisfy { $0.isNumber || "-_. ".contains($0) }
    }

    /// The catalog's answer for a line, with what the inventory says of it: a package listed as not installed
    /// (`+dpkg:not-installed` and the like) never counts as an installation. Import and reclassification both
    /// come here, so a stored line reclassified equals the line imported again.
    public static func classification(_ answer: Classification, notInstalledSuffix: String?) -> Classification {
        guard let notInstalledSuffix else { return answer }
        var classification = answer
        classification.countsAsInstallation = false
        classification.rule += notInstalledSuffix
        return classification
    }

    /// The not-installed suffixes an importer adds to a rule (see ``classification(_:notInstalledSuffix:)``).
    public static let notInstalledSuffixes = [dpkgNotInstalledSuffix]

    /// A dpkg package in a state other than installed (removed with its configuration left, half-installed...).
    static let dpkgNotInstalledSuffix = "+dpkg:not-installed"
}
