import ArgumentParser
import Foundation
import OverblikCLI
import OverblikModel
import TestSupport
import Testing

@Suite struct ScanCommandTests {
    /// Runs a scan without the estate store (these tests are about the output formats; the store's own
    /// tests cover recording), so nothing is written to the working directory.
    func run(_ arguments: [String]) async throws {
        var command = try OverblikCommand.parseAsRoot(arguments + ["--no-store"])
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    }

    @Test func jsonlOutputHasOneDecodableRecordPerDocument() async throws {
        let dir = try Fixtures.temporaryDirectory("scan-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.jsonl").path
        try await run(["scan", Fixtures.url("documents/generated").path, "--output", output, "--jobs", "2"])
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.url("documents/generated").path)
        #expect(lines.count == names.count)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let records = try lines.map { try decoder.decode(DocumentRecord.self, from: Data($0.utf8)) }
        let writer = try #require(records.first { $0.path.hasSuffix("libreoffice-writer.odt") })
        #expect(writer.suite == "libreoffice")
        #expect(writer.odfVersion == "1.3")
        // Core fields are always present, null when empty.
        let raw = try #require(lines.first { $0.contains("libreoffice-writer.pdf") })
        #expect(raw.contains("\"error\":null"))
        #expect(raw.contains("\"odf_version\":null"))
    }

    @Test func csvOutputHasHeaderAndRows() async throws {
        let dir = try Fixtures.temporaryDirectory("scan-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.csv").path
        try await run(["scan", Fixtures.url("documents/damaged").path, "--output", output])
        // A UTF-8 byte-order mark first, as the report CSVs have.
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(data.starts(with: [0xEF, 0xBB, 0xBF, UInt8(ascii: "p")]))
        let lines = String(decoding: data.dropFirst(3), as: UTF8.self).split(separator: "\r\n")
        #expect(
            lines.first
                == "path,family,container,format,mimetype,odf_version,generator,suite,suite_version,encrypted,features,warnings,error,size,modified,conformance"
        )
        let bomb = try #require(lines.first { $0.contains("zip-bomb-meta.odt") })
        #expect(bomb.contains(",entry-too-large,"))
    }

    @Test func summaryCanBeWrittenToAFile() async throws {
        let dir = try Fixtures.temporaryDirectory("scan-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("summary.txt").path
        try await run(["scan", Fixtures.url("documents/corpus").path, "--format", "summary", "--output", output])
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.hasPrefix("Scanned 17 files"))
        #expect(text.contains("ODF share: "))
        #expect(text.contains("lotus-symphony"))
    }

    @Test func unreadableRootExitsNonZero() async throws {
        do {
            try await run(["scan", "/nonexistent/overblik-root", "--format", "jsonl"])
            Issue.record("expected a non-zero exit")
        } catch {
            #expect(CommandExitStatus.exitCode(for: error) == ExitCode(66))
        }
    }

    @Test func anOutputNamedForAnotherFormatIsAUsageError() async throws {
        let dir = try Fixtures.temporaryDirectory("scan-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = Fixtures.url("documents/generated").path
        for name in ["x.xlsx", "x.txt", "records"] {
            let output = dir.appendingPathComponent(name).path
            do {
                _ = try OverblikCommand.parseAsRoot(["scan", root, "--output", output, "--no-store"])
                Issue.record("\(name): expected a usage error")
            } catch {
                #expect(OverblikCommand.exitCode(for: error) == .validationFailure, "\(name)")
                #expect(OverblikCommand.message(for: error).contains("Cannot tell the output format"), "\(name)")
            }
            #expect(!FileManager.default.fileExists(atPath: output))
        }
        // An explicit --format writes whatever the name.
        let named = dir.appendingPathComponent("records.txt").path
        try await run(["scan", root, "--output", named, "--format", "jsonl"])
        #expect(try String(contentsOfFile: named, encoding: .utf8).hasPrefix("{"))
        for (name, first) in [("x.jsonl", "{"), ("x.JSON", "{\"documents\""), ("x.csv", "\u{FEFF}path,")] {
            let output = dir.appendingPathComponent(name)
            try await run(["scan", root, "--output", output.path])
            #expect(try Data(contentsOf: output).starts(with: Data(first.utf8)), "\(name)")
        }
    }

    /// Overblik's own reports, scanned, are counted as written by Overblik (the catalog's `overblik`).
    @Test func overbliksOwnODTAndODSAreRecognised() async throws {
        let dir = try Fixtures.temporaryDirectory("scan-own")
        defer { try? FileManager.default.removeItem(at: dir) }
        let reports = dir.appendingPathComponent("reports")
        let report = try #require(
            try OverblikCommand.parseAsRoot([
                "report", "--submissions", Fixtures.url("demo/submissions/2026").path, "--scope", "751",
                "--format", "odt,ods", "--output-dir", reports.path,
            ]) as? ReportCommand)
        try await report.run()
        let output = dir.appendingPathComponent("scan.jsonl").path
        try await run(["scan", reports.path, "--output", output])
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let records = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map {
            try decoder.decode(DocumentRecord.self, from: Data($0.utf8))
        }
        #expect(records.count == 2)
        for record in records {
            #expect(record.generator == "Overblik/\(ToolInfo.version)")
            #expect(record.suite == "overblik", "\(record.path)")
            #expect(record.suiteVersion == ToolInfo.version)
            #expect(record.family == .odf)
        }
    }

    @Test func badOptionsAreUsageErrors() {
        #expect(throws: (any Error).self) { try OverblikCommand.parseAsRoot(["scan", "x", "--format", "xml"]) }
        #expect(throws: (any Error).self) { try OverblikCommand.parseAsRoot(["scan", "x", "--jobs", "0"]) }
        #expect(throws: (any Error).self) {
            try OverblikCommand.parseAsRoot(["scan", "x", "--organisation", "Atlantis Kommune"])
        }
        #expect(throws: Never.self) { try OverblikCommand.parseAsRoot(["scan", "x", "--organisation", "Århus"]) }
    }
}
