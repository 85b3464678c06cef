public import ArgumentParser
import Catalog
import Foundation
import ODFValidation
import Geography
import OfficeDocuments
import OverblikModel
import Store

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `overblik scan`: which suite wrote each office document under the given folders, in which format and
/// ODF version. Reads metadata only, never content.
public struct ScanCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan folders for office documents: family, format, ODF version, producing suite.",
        discussion: """
            Walks each PATH (symbolic links are not followed unless --follow-symlinks; FIFOs and devices are \
            never opened), reads every office document's metadata in parallel (never its content) and writes \
            one record per file, or a summary. Personal metadata (authors, titles, keywords) is read only with \
            --include-personal-data.

            Each scan is recorded in the estate store (--store, $OVERBLIK_STORE, else overblik.sqlite here; one \
            transaction per folder, so an interrupted scan leaves nothing half-written). A file whose size and \
            modification time are unchanged since the last scan of the same folder is not read again (--full \
            reads everything); the store reports new, changed, unchanged and deleted files. Paths are stored as \
            a keyed hash plus the top-level folder name unless --include-paths. --no-store only prints.

            Exit status: 0 when the scan ran, whatever individual files held (their failures are recorded); \
            64 for usage errors; 66 when a PATH cannot be read; 73 when the output cannot be written; 74 when the \
            store fails (the same statuses as every command: see `overblik --help`).

            Examples:
              overblik scan /srv/share
              overblik scan /srv/share --format jsonl --output share.jsonl --jobs 16
              overblik scan /mnt/p /mnt/q --format csv --output documents.csv --organisation 751
            """)

    @Argument(help: "Folders or files to scan.")
    var paths: [String]

    @Option(help: "Municipality or region: code (751), name or alias (\"Aarhus Kommune\", Århus).")
    var organisation: String?

    @Option(help: "Parallel readers, fixed (default: chosen while reading, from the cores up; more on network shares).")
    var jobs: Int?

    @Option(
        help: "summary | jsonl | csv | json (default: summary on a terminal, else jsonl; or from --output's extension)."
    )
    var format: ScanOutputFormat?

    @Option(help: "Write records to FILE instead of standard output (the summary then goes to standard output).")
    var output: String?

    @Flag(help: "Also read personal metadata (creator, titles, descriptions, keywords, user-defined fields).")
    var includePersonalData = false

    @Flag(help: "Follow symbolic links (loops are detected; each directory is read once).")
    var followSymlinks = false

    @Flag(help: "Read every regular file, not only files with office-document extensions.")
    var allFiles = false

    @OptionGroup var catalogOptions: CatalogOptions

    @OptionGroup var storeOptions: StoreOptions

    @Flag(name: .customLong("no-store"), help: "Do not record the scan in the estate store; only print or write it.")
    var noStore = false

    @Flag(help: "Keep full paths in the store (default: a keyed hash plus the top-level folder name).")
    var includePaths = false

    @Flag(
        name: .customLong("validate"),
        help: """
            Also check each ODF file's conformance (as `overblik validate --level extended`) and add the verdict to \
            its record ("conformance").
            """)
    var checksConformance = false

    @Flag(help: "Read every file again, even those unchanged since the last scan of the same folder.")
    var full = false

    public init() {}

    public func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one folder or file to scan.") }
        if let jobs, !(1...512).contains(jobs) { throw ValidationError("--jobs must be between 1 and 512.") }
        // Guessing would write JSON lines into a file named for another format (x.xlsx).
        if format == nil, let output, Self.format(forOutput: output) == nil {
            throw ValidationError(
                "Cannot tell the output format from '\(output)': name it .jsonl, .csv or .json, "
                    + "or give --format summary|jsonl|csv|json.")
        }
        if let organisation {
            do {
                _ = try AuthorityDirectory.denmark.resolve(organisation)
            } catch {
                throw ValidationError("--organisation: \(error)")
            }
        }
    }

    var resolvedFormat: ScanOutputFormat {
        if let format { return format }
        if let output, let value = Self.format(forOutput: output) { return value }
        return isatty(STDOUT_FILENO) == 1 ? .summary : .jsonl
    }

    /// The record format an output file's extension names; nil for any other extension.
    static func format(forOutput path: String) -> ScanOutputFormat? {
        switch (path as NSString).pathExtension.lowercased() {
        case "csv": .csv
        case "json": .json
        case "jsonl": .jsonl
        default: nil
        }
    }

    public func run() async throws {
        // The scanner and the store sink block; keep them off Swift's cooperative pool.
        let command = self
        try await DedicatedThread.run { try command.runBlocking() }
    }

    func runBlocking() throws {
        let format = resolvedFormat
        let organisationCode = try organisation.map { try AuthorityDirectory.denmark.resolve($0).code }
        // The catalog's files are read (not parsed) while the store opens. The catalog is parsed when the
        // first file needs classifying, or as soon as it is clear one will: a rescan that finds every file
        // unchanged needs only its stamp, which the store remembers under the files' fingerprint.
        let catalogOptions = self.catalogOptions
        let sources = LazyValue.started { try catalogOptions.readSources() }
        let catalog = LazyValue { try CatalogOptions.load(sources.value()) }
        let catalogNeeded = noStore || full
        if catalogNeeded { catalog.start() }
        // With the store, roots are absolute so the same folder is recognised from any working directory.
        let roots = noStore ? paths : StoreScanSink.outermost(paths.map(StoreScanSink.absoluteRoot))
        let storeSink =
            noStore
            ? nil : try openStoreSink(roots: roots, organisation: organisationCode, sources: sources, catalog: catalog)
        // A catalog that will be needed fails here, before anything is scanned, as a usage error.
        if catalogNeeded { _ = try catalog.value() }
        let readerOptions = DocumentReaderOptions(includePersonalData: includePersonalData)
        var scanner = DocumentScanner(
            makeReader: { [checksConformance] in
                var reader = DocumentReader(
                    classifier: Classifier(catalog: try catalog.value()), options: readerOptions)
                if checksConformance { reader.conformance = ODFConformanceCheck() }
                return reader
            },
            options: ScanOptions(jobs: jobs, followSymlinks: followSymlinks, allFiles: allFiles))
        let sink: ScanOutputSink
        do {
            sink = ScanOutputSink(format: format, writer: try outputWriter(format))
        } catch {
            storeSink?.cancel()
            throw error
        }
        if let storeSink {
            if !full { scanner.skipUnchanged = storeSink.unchangedFiles }
            sink.additionalSinks = [storeSink]
        }
        try sink.begin()
        let progress = ProgressLine(
            enabled: isatty(STDERR_FILENO) == 1, expected: storeSink?.previouslyStored, roots: roots,
            options: scanner.options)
        let stats: ScanProgress
        do {
            stats = try scanner.run(roots: roots, sink: sink) { progress.update($0) }
        } catch {
            progress.finish(nil)
            storeSink?.cancel()
            throw error
        }
        progress.finish(stats)
        if checksConformance { ODFSchemaSet.stopIdleWorkers() }
        try sink.end(elapsed: stats.elapsed)
        // The summary goes to standard output unless it was itself written to --output. With the store it
        // describes what the store now holds under the roots (a rescan reads little), headed by what was read.
        // `--output /dev/stdout` (or any name of the same file) is standard output: the records keep it alone.
        let summaryToStandardOutput = (format == .summary) != (output != nil && !outputIsStandardOutput)
        if let storeSink {
            try finish(
                storeSink, roots: roots, read: sink.summary, stats: stats, format: format,
                summary: summaryToStandardOutput)
        } else if summaryToStandardOutput {
            let text = SummaryRenderer.render(sink.summary) + SummaryRenderer.featureBlock(readIn: sink.summary)
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    /// The store sink: one session per root, the store's catalog stamp found or made while the catalog loads.
    func openStoreSink(
        roots: [String], organisation: Int?, sources: LazyValue<CatalogSources>, catalog: LazyValue<ProductCatalog>
    ) throws -> StoreScanSink {
        let catalogStamp = { (store: any EstateStore) in
            try Self.catalogStamp(store: store, sources: sources.value(), catalog: catalog)
        }
        return try StoreScanSink(
            location: storeOptions.location, organisation: organisation,
            roots: roots, includePaths: includePaths,
            readingAgain: checksConformance ? .odfWithoutConformance : .none, catalog: catalogStamp,
            rowClassifier: { CatalogRowClassifier(catalog: try catalog.value()) })
    }

    /// Whether --output names the file standard output already is (`/dev/stdout`, `/proc/self/fd/1`, the
    /// same pipe or file under another name).
    var outputIsStandardOutput: Bool {
        output.map { DurableFile.standardStream(URL(fileURLWithPath: $0)) == STDOUT_FILENO } ?? false
    }

    /// Where records go: --output, else standard output unless only the summary is asked for.
    func outputWriter(_ format: ScanOutputFormat) throws -> OutputStreamWriter? {
        if let output { return try OutputStreamWriter.file(output) }
        return format == .summary ? nil : OutputStreamWriter(fd: STDOUT_FILENO, ownsDescriptor: false)
    }

    /// Commits the scan to the store, then prints what the store holds under the roots (`summary`) and what
    /// changed.
    func finish(
        _ storeSink: StoreScanSink, roots: [String], read readSummary: OfficeDocuments.ScanSummary,
        stats: ScanProgress, format: ScanOutputFormat, summary: Bool
    ) throws {
        let summaries = try storeSink.finish(estate: summary)
        if let estate = storeSink.estate {
            let read = readSummary.files
            let heading =
                "Scanned \(read + stats.unchanged) files in \(SummaryRenderer.format(stats.elapsed)) s: "
                + "\(read) read, \(stats.unchanged) unchanged and not read again. "
                + "The store holds \(estate.files) file\(estate.files == 1 ? "" : "s") under "
                + (roots.count == 1 ? "this folder:" : "these \(roots.count) folders:")
            let text =
                SummaryRenderer.render(estate, heading: heading) + SummaryRenderer.featureBlock(readIn: readSummary)
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        var report = StoreScanSink.render(summaries, location: storeOptions.location, unchangedSkipped: stats.unchanged)
        if let reclassification = storeSink.reclassification {
            report += CatalogInForce.describe(reclassification) + "\n"
        }
        // Keep machine-readable output on stdout clean.
        if format == .summary || (output != nil && !outputIsStandardOutput) {
            FileHandle.standardOutput.write(Data(report.utf8))
        } else {
            FileHandle.standardError.write(Data(report.utf8))
        }
    }

    /// How the store sink gets the catalog stamp: the one the store remembers under the sources' fingerprint
    /// (nothing parsed), else the parsed catalog's, which starts loading now and is remembered for next time.
    static func catalogStamp(
        store: any EstateStore, sources: CatalogSources, catalog: LazyValue<ProductCatalog>
    ) throws -> () throws -> CatalogStamp {
        if let fingerprint = sources.fingerprint,
            let stamp = try BlockingBridge.wait({ try await store.rememberedCatalogStamp(fingerprint: fingerprint) })
        {
            return { stamp }
        }
        catalog.start()
        let stamp = LazyValue {
            let stamp = try catalog.value().stamp
            if let fingerprint = sources.fingerprint {
                try BlockingBridge.wait { try await store.rememberCatalogStamp(stamp, fingerprint: fingerprint) }
            }
            return stamp
        }
        return { try stamp.value() }
    }
}
