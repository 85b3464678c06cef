import ArgumentParser
import Foundation
import OverblikCLI
import Reporting
import TestSupport
import Testing

/// Every exit class of `overblik`, from the real binary on real inputs, against the numbers of the C library's
/// own `sysexits.h` (the oracle: the statuses are meant to be those).
@Suite struct CommandExitStatusTests {
    /// `EX_USAGE` → 64 and the rest, read from the system header.
    static let sysexits: [String: Int32] = {
        guard let header = try? String(contentsOfFile: "/usr/include/sysexits.h", encoding: .utf8) else { return [:] }
        var values: [String: Int32] = [:]
        for line in header.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count >= 3, fields[0] == "#define", let value = Int32(fields[2]) {
                values[String(fields[1])] = value
            }
        }
        return values
    }()

    func expected(_ name: String) throws -> Int32 {
        try #require(Self.sysexits[name], "/usr/include/sysexits.h (libc6-dev) names no \(name)")
    }

    let directory: URL
    let binary: URL

    init() throws {
        directory = try Fixtures.temporaryDirectory("exit-status")
        binary = try overblikBinary()
    }

    func status(_ arguments: [String]) async throws -> (status: Int32, stderr: String) {
        let result = try await runBinary(binary, arguments, in: directory)
        return (result.status, result.stderr)
    }

    @Test func theStatusesAreTheSysexitsNumbers() throws {
        let names: [CommandExitStatus: String] = [
            .usage: "EX_USAGE", .dataError: "EX_DATAERR", .noInput: "EX_NOINPUT", .software: "EX_SOFTWARE",
            .cannotCreate: "EX_CANTCREAT", .ioError: "EX_IOERR",
        ]
        for (status, name) in names { #expect(status.rawValue == (try expected(name)), "\(name)") }
    }

    @Test func badArgumentsAreUsageErrors() async throws {
        let usage = try expected("EX_USAGE")
        #expect(try await status(["report", "--lang", "fr"]).status == usage)
        #expect(try await status(["scan", "/tmp", "--format", "xlsx"]).status == usage)
        #expect(try await status(["export", "--organisation", "Atlantis", "--output", "x.json"]).status == usage)
    }

    @Test func aBadInputFileIsADataError() async throws {
        let evidence = directory.appendingPathComponent("evidence.tsv")
        try Data("no\tcolumns\there\nx\ty\tz\n".utf8).write(to: evidence)
        let result = try await status(["report", "--evidence", evidence.path, "--output-dir", "out"])
        #expect(result.status == (try expected("EX_DATAERR")), "\(result.stderr)")
        #expect(result.stderr.contains("evidence.tsv"), "\(result.stderr)")
    }

    @Test(.tags(.store)) func aMissingInputIsNoInput() async throws {
        let noInput = try expected("EX_NOINPUT")
        #expect(
            try await status(["scan", directory.appendingPathComponent("absent").path, "--no-store"]).status == noInput)
        let missingStore = directory.appendingPathComponent("absent.sqlite").path
        let report = try await status(["report", "--store", missingStore])
        #expect(report.status == noInput, "\(report.stderr)")
        #expect(report.stderr.contains("No estate store at \(missingStore)"), "\(report.stderr)")
    }

    @Test func anUnwritableOutputIsCannotCreate() async throws {
        let output = directory.appendingPathComponent("absent-folder/records.jsonl").path
        let scan = try await status([
            "scan", Fixtures.url("documents/generated").path, "--no-store", "--output", output,
        ])
        #expect(scan.status == (try expected("EX_CANTCREAT")), "\(scan.stderr)")
        #expect(scan.stderr.contains(output), "\(scan.stderr)")
    }

    /// The same broken store gives the same status from every command that writes to it (it was 64 from
    /// `import` and 74 from `scan`).
    @Test(.tags(.store)) func aFailingStoreIsAnIOErrorEverywhere() async throws {
        let broken = directory.appendingPathComponent("broken.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: broken)
        let inventory = Fixtures.url("inventory/intune-csv/AppInvAggregate.constructed.csv").path
        for arguments in [
            ["import", inventory, "--organisation", "751", "--store", broken.path],
            ["scan", Fixtures.url("documents/generated").path, "--organisation", "751", "--store", broken.path],
            ["export", "--organisation", "751", "--store", broken.path, "--output", "x.json"],
        ] {
            let result = try await status(arguments)
            #expect(result.status == (try expected("EX_IOERR")), "\(arguments[0]): \(result.stderr)")
            #expect(result.stderr.hasPrefix("error: "), "\(arguments[0]): \(result.stderr)")
        }
    }

    /// A run that did its work but refused part of it (here: a tampered submission among good ones) says so
    /// with status 1.
    @Test func aPartlyFailedRunExitsOne() async throws {
        let tampered = directory.appendingPathComponent("tampered.json")
        let good = Fixtures.url("demo/submissions/2026").path
        let files = try FileManager.default.contentsOfDirectory(atPath: good).filter { $0.hasSuffix(".json") }.sorted()
        let original = try String(contentsOfFile: good + "/" + files[0], encoding: .utf8)
        try Data(original.replacingOccurrences(of: "\"period\"", with: "\"periode\"").utf8).write(to: tampered)
        let result = try await status(["submission", "verify", good + "/" + files[1], tampered.path])
        #expect(result.status == 1, "\(result.stderr)")
    }
}
