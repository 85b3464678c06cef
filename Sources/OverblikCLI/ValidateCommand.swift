public import ArgumentParser
import Catalog
import Dispatch
import Foundation
import OfficeDocuments
import OverblikModel
public import ODFValidation
import Synchronization

/// `overblik validate`: is this good ODF? Per file the verdict and its problems, then a summary.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check ODF documents for conformance: package rules, well-formedness, the OASIS schemas.",
        discussion: """
            Each file (directories are searched for ODF files) is checked against the schema of its own ODF \
            version (1.0 to 1.4). Verdicts: conforming; extended-conforming (valid once foreign elements and \
            attributes such as LibreOffice's loext: are removed, as ODF 1.2+ allows; only passes with \
            --level extended); not-conforming; unknown-version; not-checked (a schema check did not finish within \
            --time-limit and was stopped; never counted as conforming). Exit status 1 when any file does not pass.

            Examples:
              overblik validate report.odt
              overblik validate /srv/share --level extended --format jsonl > verdicts.jsonl
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, jsonl
    }

    @Argument(help: "ODF files or directories.")
    var paths: [String]

    @Option(help: "Output: text or jsonl.")
    var format: Format = .text

    @Option(help: "strict (only conforming passes) or extended (extended-conforming passes too).")
    var level: ConformanceLevel = .strict

    @Option(help: "Files validated in parallel (default: the number of cores).")
    var jobs: Int?

    @Option(help: "Seconds the schema checks of one document may take before it is 'not-checked'.")
    var timeLimit: Int = 60

    @Option(help: "Write to this file instead of standard output.")
    var output: String?

    @OptionGroup var catalogOptions: CatalogOptions

    func validate() throws {
        if let jobs, !(1...512).contains(jobs) { throw ValidationError("--jobs must be between 1 and 512.") }
        if !(1...86_400).contains(timeLimit) { throw ValidationError("--time-limit must be between 1 and 86400.") }
    }

    func run() async throws {
        // The validating threads wait on RELAX NG worker processes: the command waits on a thread of its own, not
        // on a thread of Swift's cooperative pool.
        let command = self
        try await DedicatedThread.run { try command.runBlocking() }
    }

    func runBlocking() throws {
        let files = try ValidationInputs.files(in: paths)
        let validator = ODFValidator(level: level, schemaTimeLimit: .seconds(timeLimit))
        var summary = ValidationSummary()
        // The catalog (for the producing suites) loads while the first files are validated.
        let (renderer, writer) = try ValidationRun.run(
            files, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, validator: validator,
            prepare: {
                let renderer = ValidationOutput(
                    format: format, level: level, classifier: try catalogOptions.makeClassifier())
                let writer =
                    try output.map(OutputStreamWriter.file) ?? OutputStreamWriter(fd: 1, ownsDescriptor: false)
                return (renderer, writer)
            },
            deliver: { prepared, outcome in
                let (renderer, writer) = prepared
                summary.add(outcome, suite: renderer.suite(of: outcome), passes: renderer.passes(outcome))
                try writer.write(renderer.render(outcome))
            })
        ODFSchemaSet.stopIdleWorkers()
        try writer.write(renderer.render(summary))
        try writer.close()
        if summary.failures > 0 { throw ExitCode(1) }
    }
}

extension ConformanceLevel: ExpressibleByArgument {}

/// A file's result: its report, or why it could not be validated.
typealias ValidationOutcome = (path: String, result: ValidationResult)

/// The files named on the command line; directories are searched for ODF extensions.
enum ValidationInputs {
    static let extensions: Set<String> = [
        "odt", "ott", "odm", "otm", "oth", "ods", "ots", "odp", "otp", "odg", "otg", "odc", "otc", "odf", "otf",
        "odi", "oti", "odb", "fodt", "fods", "fodp", "fodg",
    ]

    static func files(in paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("\(path): no such file or directory.")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            // The scanner's walker: symbolic links not followed, devices and pipes never opened, and names that
            // are not UTF-8 kept so that they can be opened.
            let found = PathCollector()
            TreeWalker().walk(roots: [path], threads: 1, withStatus: false) { found }
            files += found.paths.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        }
        return files
    }
}

/// The regular files a walk finds (one walker thread, so one visitor touches `paths`).
private final class PathCollector: WalkVisitor, @unchecked Sendable {
    var paths: [String] = []

    func file(_ path: String, status: FileStatus?) -> Bool {
        paths.append(path)
        return true
    }

    func issue(_ issue: WalkIssue) {}
    func finish() {}
}
