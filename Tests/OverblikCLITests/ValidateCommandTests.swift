import ArgumentParser
import Foundation
import OverblikCLI
import TestSupport
import Testing

/// `overblik validate`: exit status, output formats and the summary, run in process.
@Suite struct ValidateCommandTests {
    /// Runs the command writing to a file; returns the exit code (0 when it returned normally) and the output.
    func run(_ arguments: [String]) async throws -> (code: Int32, output: String) {
        let dir = try Fixtures.temporaryDirectory("validate-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out").path
        var code: Int32 = 0
        do {
            try await runOverblik(["validate"] + arguments + ["--output", output])
        } catch let exit as ExitCode {
            code = exit.rawValue
        }
        return (code, try String(contentsOfFile: output, encoding: .utf8))
    }

    static let conforming = Fixtures.url("validation/webodf__loadsave.odt").path
    static let extendedOnly = Fixtures.url("validation/loonline__hello.ods").path
    static let notAZip = Fixtures.url("documents/damaged/not-a-zip.odt").path

    @Test func conformingFilesExitZero() async throws {
        let (code, output) = try await run([Self.conforming])
        #expect(code == 0)
        #expect(output.contains("webodf__loadsave.odt: conforming (ODF 1.2, libreoffice)"))
        #expect(output.contains("By producing suite:"))
    }

    @Test func extendedConformingPassesOnlyAtTheExtendedLevel() async throws {
        #expect(try await run([Self.extendedOnly]).code == 1)
        let (code, output) = try await run([Self.extendedOnly, "--level", "extended"])
        #expect(code == 0)
        #expect(output.contains("extended-conforming"))
    }

    @Test func aBadFileFailsTheBatchButNotTheOthers() async throws {
        let (code, output) = try await run([Self.notAZip, Self.conforming, "--format", "jsonl", "--jobs", "2"])
        #expect(code == 1)
        let objects = try output.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.count == 3)
        #expect(objects[0]["verdict"] as? String == "unreadable")
        #expect((objects[0]["error"] as? String)?.contains("not-a-zip.odt") == true)
        #expect(objects[1]["verdict"] as? String == "conforming")
        #expect(objects[1]["odf_version"] as? String == "1.2")
        let summary = objects[2]
        #expect(summary["type"] as? String == "summary")
        #expect(summary["failing"] as? Int == 1)
        #expect(summary["by_verdict"] as? [String: Int] == ["unreadable": 1, "conforming": 1])
    }

    @Test func jsonlProblemsCarryCodePartLineAndMessage() async throws {
        let (code, output) = try await run([Fixtures.url("validation").path, "--format", "jsonl"])
        #expect(code == 1)
        let objects = try output.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let documents = objects.filter { $0["type"] as? String == "document" }
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.url("validation").path)
        #expect(documents.count == files.filter { !$0.hasSuffix(".md") }.count)
        let problems = documents.flatMap { ($0["problems"] as? [[String: Any]]) ?? [] }
        #expect(!problems.isEmpty)
        for problem in problems {
            #expect(problem["code"] is String && problem["part"] is String && problem["message"] is String)
            #expect(problem["line"] is Int && problem["column"] is Int)
        }
        let summary = try #require(objects.last)
        let byVerdict = try #require(summary["by_verdict"] as? [String: Int])
        #expect(byVerdict.values.reduce(0, +) == documents.count)
    }

    @Test func jobsMustBeInRange() {
        #expect(throws: (any Error).self) { try OverblikCommand.parseAsRoot(["validate", "x.odt", "--jobs", "0"]) }
    }
}
