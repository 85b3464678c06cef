import ArgumentParser
import Foundation
import OverblikCLI
import OverblikModel
import Store
import Testing
import TestSupport
import Submissions

/// Mistakes refused, not recorded: an empty export, an empty submission compiled (the order of compiled
/// files is StoreTests' CompileOrderTests).
@Suite struct SubmissionSafetyTests {
    func run(_ arguments: [String]) async throws { try await runOverblik(arguments) }

    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static func submission(
        _ code: Int, _ name: String, created: String, hosts: Int, empty: Bool = false
    ) throws -> Submission {
        let counts: [Submission.InstallationCount] =
            hosts > 0 ? [.init(product: "libreoffice", versionLine: "25.8", hosts: hosts)] : []
        return try Submission(
            body: Submission.Body(
                organisation: .init(code: code, name: name, kind: "municipality"), period: "2026",
                created: date(created), catalog: CatalogStamp(version: "test", digest: "sha256:test"), comment: nil,
                synthetic: false, documents: .init(asOf: nil, counts: [], errors: []),
                installations: .init(asOf: date(created), hosts: hosts, counts: counts), usage: [],
                unknownTitles: nil, empty: empty))
    }

    static func write(_ submission: Submission, _ name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try encodeSubmission(submission).write(to: url)
        return url
    }

    // MARK: - Compile

    @Test func compileRefusesAnEmptyBodyUnlessItIsMarkedEmpty() async throws {
        let directory = try Fixtures.temporaryDirectory("compile-empty")
        defer { try? FileManager.default.removeItem(at: directory) }
        let empty = try Self.write(
            try Self.submission(101, "Københavns Kommune", created: "2026-06-01T00:00:00Z", hosts: 0), "empty.json",
            in: directory)
        let marked = try Self.write(
            try Self.submission(147, "Frederiksberg Kommune", created: "2026-06-01T00:00:00Z", hosts: 0, empty: true),
            "marked.json", in: directory)
        let contradiction = try Self.write(
            try Self.submission(151, "Ballerup Kommune", created: "2026-06-01T00:00:00Z", hosts: 4, empty: true),
            "marked-but-full.json", in: directory)
        let store = try SQLiteEstateStore(path: directory.appendingPathComponent("national.sqlite").path)
        let results = await SubmissionCompiler.compile(
            files: [empty, marked, contradiction], into: store, verifier: try SubmissionVerifier())
        try await store.close()
        #expect(results.map(\.isRejected) == [true, false, true])
        #expect(results[0].problems.contains { $0.contains("body is empty") && $0.contains("--allow-empty") })
        #expect(results[1].outcome == .current)
        #expect(results[2].problems.contains { $0.contains("marked \"empty\": true but holds data") })
        // The command fails for the refused file.
        await #expect(throws: ExitCode(1)) {
            try await run(["compile", empty.path, "--store", directory.appendingPathComponent("cli.sqlite").path])
        }
    }

    /// `empty` is written only when true, so every submission exported before it existed keeps its digest.
    @Test func submissionsWithoutTheEmptyMarkKeepTheirDigests() throws {
        let url = Fixtures.url("demo/submissions/2026/0101.json")
        let data = try Data(contentsOf: url)
        let submission = try decodeSubmission(data)
        #expect(submission.body.empty == nil)
        #expect(try Submission(body: submission.body).digest == submission.digest)
        #expect(!String(decoding: try encodeSubmission(submission), as: UTF8.self).contains("\"empty\""))
        let marked = try Self.submission(
            147, "Frederiksberg Kommune", created: "2026-06-01T00:00:00Z", hosts: 0, empty: true)
        #expect(String(decoding: try encodeSubmission(marked), as: UTF8.self).contains("\"empty\" : true"))
        _ = try SubmissionVerifier().verify(data: try encodeSubmission(marked), name: "marked.json")
    }

    // MARK: - Export

    @Test func exportOfAnOrganisationWithoutDataFailsUnlessAllowedEmpty() async throws {
        let directory = try Fixtures.temporaryDirectory("export-empty")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("aarhus.sqlite").path
        let inventory = Fixtures.url("inventory/intune-csv/AppInvAggregate.constructed.csv").path
        try await run(["import", inventory, "--organisation", "751", "--store", store])
        let output = directory.appendingPathComponent("kbh.json")
        // Aarhus' store holds nothing for København.
        await #expect(throws: ExitCode(1)) {
            try await run(["export", "--organisation", "101", "--store", store, "--output", output.path])
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
        try await run([
            "export", "--organisation", "101", "--store", store, "--output", output.path, "--allow-empty",
        ])
        let submission = try SubmissionVerifier().verify(fileAt: output)
        #expect(submission.body.empty == true)
        #expect(submission.body.holdsNoData)
        // The authority's own data still exports, unmarked.
        let aarhus = directory.appendingPathComponent("aarhus.json")
        try await run(["export", "--organisation", "751", "--store", store, "--output", aarhus.path])
        #expect(try SubmissionVerifier().verify(fileAt: aarhus).body.empty == nil)
        try await run([
            "compile", output.path, aarhus.path, "--store", directory.appendingPathComponent("n.sqlite").path,
        ])
    }

    @Test func theEmptyExportMessageNamesTheOrganisationAndTheStore() async throws {
        let binary = try overblikBinary()
        let directory = try Fixtures.temporaryDirectory("export-message")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("aarhus.sqlite").path
        let inventory = Fixtures.url("inventory/intune-csv/AppInvAggregate.constructed.csv").path
        #expect(
            try await runBinary(binary, ["import", inventory, "--organisation", "751", "--store", store]).status == 0)
        let result = try await runBinary(
            binary,
            [
                "export", "--organisation", "101", "--store", store, "--output",
                directory.appendingPathComponent("x.json").path,
            ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("Københavns Kommune (101)"), "\(result.stderr)")
        #expect(result.stderr.contains(store), "\(result.stderr)")
        #expect(result.stderr.contains("--allow-empty"))
    }
}

/// The `overblik` executable built beside the tests.
func overblikBinary() throws -> URL {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("overblik")
    try #require(
        FileManager.default.isExecutableFile(atPath: binary.path),
        "overblik is not built next to the tests; run `swift build --build-tests` first")
    return binary
}

/// Runs the executable in `directory` (default: a fresh one) with `environment` replacing the inherited one.
func runBinary(
    _ binary: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil
) async throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if let environment { process.environment = environment }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes while it runs, so neither fills up and blocks it.
    async let errorData = err.readAll()
    let outputData = await out.readAll()
    let errorText = await errorData
    await process.ended()
    return (
        process.terminationStatus, String(decoding: outputData, as: UTF8.self),
        String(decoding: errorText, as: UTF8.self)
    )
}
