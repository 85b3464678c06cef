import ArgumentParser
import Catalog
import Foundation
import InventoryImport
import OverblikModel

/// `overblik classify`: which product is this title or generator string?
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify a software title or a document generator string against the product catalog.",
        discussion: """
            One title (with --publisher/--version) or generator (--generator), or a whole file with --input:
            a TSV with a header (title<TAB>publisher<TAB>version; also package and platform columns) or, with
            --generator, one generator string per line. File input writes one JSON line per input line, in order.

            Examples:
              overblik classify "LibreOffice 7.5 Help Pack (Danish)" --explain
              overblik classify "Microsoft Office Professional Plus 2016" --version 16.0.4266.1001
              overblik classify --generator 'LibreOffice/7.6.4.1$Linux_X86_64 LibreOffice_project/60$Build-1'
              overblik classify --input titles.tsv > classified.jsonl
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "The title (or generator string with --generator).")
    var text: String?

    @Option(help: "Publisher shown beside the title.")
    var publisher: String?

    @Option(help: "Version shown beside the title.")
    var version: String?

    @Option(help: "Package id (Debian/RPM name, winget id, MSI code).")
    var package: String?

    @Option(help: "Platform (windows, linux, macos, ...).")
    var platform: String?

    @Flag(
        help:
            "Treat the input as document generator strings (meta:generator, OOXML Application, or a scan record's generator: Application and AppVersion)."
    )
    var generator = false

    @Flag(help: "Show the rule that matched and the product's support status.")
    var explain = false

    @Option(help: "Output for a single input: text or json.")
    var format: Format = .text

    @Option(help: "Classify every line of this file (TSV with header, or generators with --generator); - for stdin.")
    var input: String?

    @OptionGroup var catalogOptions: CatalogOptions

    func validate() throws {
        if input == nil && text == nil { throw ValidationError("Give a TEXT to classify or --input FILE.") }
        if input != nil && text != nil { throw ValidationError("Give either TEXT or --input, not both.") }
    }

    func run() throws {
        let classifier = try catalogOptions.makeClassifier()
        if let input {
            try BatchClassifier(classifier: classifier, generatorMode: generator).run(
                path: input, output: .standardOutput)
            return
        }
        guard let text else { return }
        let explanation: Explanation
        if generator {
            explanation = classifier.explain(recordGenerator: text)
        } else {
            explanation = classifier.explain(
                InventoryItem(title: text, publisher: publisher, version: version, package: package, platform: platform)
            )
        }
        let result = explanation.classification
        let support = classifier.catalog.supportStatus(
            product: result.product, versionLine: result.versionLine, on: Date())
        switch format {
        case .json:
            var line = ClassificationJSON.line(input: text, result)
            if explain {
                line.removeLast()
                line += ",\"matched\":" + ClassificationJSON.string(explanation.ruleDescription)
                if explanation.ruleDescription == nil {
                    line +=
                        ",\"closest\":["
                        + explanation.nearest.map { ClassificationJSON.string($0.rule) }.joined(separator: ",") + "]"
                }
                line += ",\"support\":" + ClassificationJSON.string(Self.describe(support)) + "}"
            }
            print(line)
        case .text:
            let name = explanation.productName.map { " (\($0))" } ?? ""
            print("product:                \(result.product)\(name)")
            print("version:                \(result.version ?? "-")")
            print("version line:           \(result.versionLine ?? "-")")
            print("component:              \(result.component ?? "-")")
            print("counts as installation: \(result.countsAsInstallation ? "yes" : "no")")
            print("rule:                   \(result.rule)")
            if explain {
                print("matched:                \(explanation.ruleDescription ?? "no rule matched")")
                if explanation.ruleDescription == nil {
                    if explanation.nearest.isEmpty {
                        print("closest rules:          none (no rule names a word of the input)")
                    }
                    for (index, near) in explanation.nearest.enumerated() {
                        print((index == 0 ? "closest rules:          " : "                        ") + near.summary)
                        print("                          \(near.conditions)")
                    }
                }
                print("input as matched:       \(explanation.normalisedInput)")
                if let platform = explanation.platform { print("platform:               \(platform)") }
                if let build = explanation.build { print("build:                  \(build)") }
                print("support:                \(Self.describe(support))")
                print("catalog:                \(classifier.catalog.stamp.version) \(classifier.catalog.stamp.digest)")
            }
        }
    }

    static func describe(_ status: SupportStatus) -> String {
        switch status {
        case .supported: "supported"
        case .endOfLife(let date): "end of life since \(date)"
        case .unknown: "unknown"
        }
    }
}

/// Hand-written JSON lines: the batch path writes a million of them, and `JSONEncoder` per line is too slow.
enum ClassificationJSON {
    static func line(input: String, _ result: Classification) -> String {
        var out = "{\"input\":" + string(input)
        out += ",\"product\":" + string(result.product)
        out += ",\"version\":" + string(result.version)
        out += ",\"version_line\":" + string(result.versionLine)
        out += ",\"component\":" + string(result.component)
        out += ",\"counts_as_installation\":" + (result.countsAsInstallation ? "true" : "false")
        out += ",\"rule\":" + string(result.rule) + "}"
        return out
    }

    static func string(_ value: String?) -> String { JSONText.string(value) }
}

/// Classifies a file line by line, in order, remembering each distinct line's output.
struct BatchClassifier {
    let classifier: Classifier
    let generatorMode: Bool

    struct Columns {
        var title = 0
        var publisher: Int?
        var version: Int?
        var package: Int?
        var platform: Int?
    }

    /// Reads `path` and writes one JSON line per input line (after the TSV header) to `output`.
    func run(path: String, output: FileHandle) throws {
        let data: Data
        do {
            if path == "-" {
                data = try FileHandle.standardInput.readToEnd() ?? Data()
            } else {
                data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
            }
        } catch {
            throw UnreadableInputError(path: path, reason: error.localizedDescription)
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var seen: [Substring: String] = [:]
        var columns: Columns?
        var isFirst = true
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            // Skip a UTF-8 byte-order mark.
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                var lineEnd = end
                if lineEnd > start, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let line = Substring(
                    String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<lineEnd]), as: UTF8.self))
                start = end + 1
                if isFirst && !generatorMode {
                    isFirst = false
                    columns = Self.columns(fromHeader: line)
                    continue
                }
                isFirst = false
                let json: String
                if let cached = seen[line] {
                    json = cached
                } else {
                    json = classify(line: line, columns: columns ?? Columns())
                    // Only short lines are remembered: memory stays bounded whatever the file holds.
                    if seen.count < 200_000 && line.utf8.count <= 1024 { seen[line] = json }
                }
                buffer.append(contentsOf: json.utf8)
                buffer.append(0x0A)
                if buffer.count >= 1 << 20 {
                    try output.write(contentsOf: buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
        }
        try output.write(contentsOf: buffer)
    }

    private func classify(line: Substring, columns: Columns) -> String {
        if generatorMode {
            return ClassificationJSON.line(input: String(line), classifier.classify(recordGenerator: String(line)))
        }
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        func field(_ index: Int?) -> String? {
            guard let index, index < fields.count else { return nil }
            let value = fields[index].trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        let title = field(columns.title) ?? ""
        let item = InventoryItem(
            title: title, publisher: field(columns.publisher), version: field(columns.version),
            package: field(columns.package), platform: field(columns.platform))
        return ClassificationJSON.line(input: title, classifier.classify(item))
    }

    /// Column roles from the header, found by name as `import` finds them; title, publisher and version fall back
    /// to the first three columns by position.
    static func columns(fromHeader header: Substring) -> Columns {
        let names = header.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        let found = ColumnMapping.recognise(header: names)?.columns ?? [:]
        var columns = Columns()
        columns.title = found[.title] ?? 0
        columns.publisher = found[.publisher] ?? (names.count > 1 ? 1 : nil)
        columns.version = found[.version] ?? (names.count > 2 ? 2 : nil)
        columns.package = found[.package]
        columns.platform = found[.platform]
        return columns
    }
}

/// A file given to a command could not be read; ArgumentParser prints it and exits 1 (no usage text).
struct UnreadableInputError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "Cannot read \(path): \(reason)" }
}
