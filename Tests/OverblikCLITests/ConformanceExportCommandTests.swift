import Foundation
import Store
import TestSupport
import Testing

/// `scan --validate` into a store (SQLite and PostgreSQL), then `export`: the submission's `documents.conformance`
/// must equal what an independent count gives, made by Python from `overblik validate --format jsonl` over the same
/// folders (each file's verdict and producing suite) and the scan's own records (which files were read as ODF, their
/// suite version line and ODF version). A store scanned without `--validate` exports no conformance at all.
///
/// The ODF version is the scan's, as in `documents.counts`: the scanner takes the first `office:version` stated
/// (`meta.xml`, then the root of `content.xml` or `styles.xml`, then the manifest's `manifest:version`), the validator
/// the one of the part it checks (or the manifest when the content is encrypted). The test fails on any file where
/// the two differ.
@Suite(.tags(.store, .postgres, .odf)) struct ConformanceExportCommandTests {
    static let folders = ["validation", "documents/corpus", "documents/generated", "documents/damaged"].map {
        Fixtures.url($0).path
    }

    /// The verdict rows Python counts: `[verdict, suite, suite_version_line, odf_version, count]`, sorted; then the
    /// files whose ODF version the validator reads otherwise.
    static let oracleScript = """
        import json, sys
        verdicts = {}
        for line in open(sys.argv[1]):
            item = json.loads(line)
            if item.get("type") == "document":
                verdicts[item["path"]] = item
        rows, disagreements = {}, []
        for line in open(sys.argv[2]):
            record = json.loads(line)
            if record.get("family") != "odf" or record.get("error") is not None:
                continue
            checked = verdicts[record["path"]]
            key = (checked["verdict"], checked["suite"], record.get("suite_version_line"), record.get("odf_version"))
            rows[key] = rows.get(key, 0) + 1
            if checked.get("odf_version") != record.get("odf_version"):
                disagreements.append(record["path"].rsplit("/", 1)[-1])
        print(json.dumps({"rows": sorted([list(key) + [n] for key, n in rows.items()], key=str),
                          "disagreements": sorted(disagreements)}))
        """

    /// A fresh store location for `backend`: a temporary SQLite file, or a schema of its own on the test server.
    static func freshStore(_ backend: String) throws -> String {
        if backend == "sqlite" {
            return try Fixtures.temporaryDirectory("conformance-store").appendingPathComponent("store.sqlite").path
        }
        let url = try #require(
            ProcessInfo.processInfo.environment["OVERBLIK_TEST_POSTGRES_URL"],
            "OVERBLIK_TEST_POSTGRES_URL is not set: run the tests through scripts/with-postgres.sh (make test does)")
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return url + (url.contains("?") ? "&" : "?") + "schema=" + schema
    }

    static func export(_ binary: URL, store: String, into directory: URL) async throws -> [String: Any] {
        let output = directory.appendingPathComponent("submission.json")
        let export = try await runBinary(
            binary, ["export", "--organisation", "751", "--period", "2026", "--store", store, "--output", output.path])
        try #require(export.status == 0, "export: \(export.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any]
        let body = try #require(object?["body"] as? [String: Any])
        return try #require(body["documents"] as? [String: Any])
    }

    @Test(arguments: ["sqlite", "postgres"])
    func exportedVerdictsAreWhatValidateSaysOfTheSameFiles(backend: String) async throws {
        let binary = try overblikBinary()
        let directory = try Fixtures.temporaryDirectory("conformance-export")
        let store = try Self.freshStore(backend)
        let scan = try await runBinary(
            binary,
            ["scan", "--validate", "--organisation", "751", "--store", store, "--format", "jsonl"] + Self.folders)
        try #require(scan.status == 0, "scan: \(scan.stderr)")
        let validate = try await runBinary(
            binary, ["validate", "--level", "extended", "--format", "jsonl"] + Self.folders)
        let records = directory.appendingPathComponent("scan.jsonl")
        let verdicts = directory.appendingPathComponent("validate.jsonl")
        try scan.stdout.write(to: records, atomically: true, encoding: .utf8)
        try validate.stdout.write(to: verdicts, atomically: true, encoding: .utf8)
        let oracle = try await runProgram("python3", ["-c", Self.oracleScript, verdicts.path, records.path])
        try #require(oracle.status == 0, "python3: \(oracle.output)")
        let answer = try JSONSerialization.jsonObject(with: Data(oracle.output.utf8)) as? [String: Any]
        let expected = try #require(answer?["rows"] as? [[Any]])
        let disagreements = try #require(answer?["disagreements"] as? [String])
        #expect(disagreements.isEmpty, "the scanner and the validator read another ODF version: \(disagreements)")

        let documents = try await Self.export(binary, store: store, into: directory)
        let conformance = try #require(documents["conformance"] as? [String: Any])
        let counts = try #require(conformance["counts"] as? [[String: Any]])
        func row(_ values: [Any?]) -> String { values.map { $0.map { "\($0)" } ?? "null" }.joined(separator: "|") }
        let exported = counts.map {
            row([$0["verdict"], $0["suite"], $0["suite_version_line"], $0["odf_version"], $0["count"]])
        }
        let oracleRows = expected.map { row($0.map { $0 is NSNull ? nil : $0 }) }
        #expect(exported.sorted() == oracleRows.sorted())
        let total = expected.reduce(0) { $0 + (($1.last as? Int) ?? 0) }
        #expect(conformance["measured"] as? Int == total)
        // Enough real variety for the comparison to mean something.
        #expect(total >= 40)
        #expect(Set(counts.compactMap { $0["verdict"] as? String }).count >= 4)
        #expect(Set(counts.compactMap { $0["suite"] as? String }).count >= 6)

        // The same folders scanned without --validate into a fresh store: not measured, so no section at all.
        let plain = try Self.freshStore(backend)
        let unvalidated = try await runBinary(
            binary, ["scan", "--organisation", "751", "--store", plain, "--format", "summary"] + Self.folders)
        try #require(unvalidated.status == 0, "scan: \(unvalidated.stderr)")
        let without = try await Self.export(binary, store: plain, into: directory)
        #expect(without["conformance"] == nil)
        #expect((without["counts"] as? [Any])?.isEmpty == false)
    }

    /// A store first scanned without `--validate`, then rescanned with it (no `--full`), must hold what a fresh store
    /// scanned once with `--validate` holds: the unchanged ODF documents are read again for their verdict (counted
    /// as unchanged, nothing new or changed), and a third scan with `--validate` reads nothing.
    @Test(arguments: ["sqlite", "postgres"])
    func aValidatingRescanMeasuresWhatEarlierScansLeftUnmeasured(backend: String) async throws {
        let binary = try overblikBinary()
        let directory = try Fixtures.temporaryDirectory("conformance-rescan")
        let tree = directory.appendingPathComponent("share")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        for folder in Self.folders {
            try FileManager.default.copyItem(
                atPath: folder, toPath: tree.appendingPathComponent(URL(fileURLWithPath: folder).lastPathComponent).path
            )
        }
        func scan(_ store: String, _ extra: [String]) async throws -> (read: Int, unchanged: Int, stderr: String) {
            let result = try await runBinary(
                binary,
                ["scan", "--organisation", "751", "--store", store, "--format", "summary"] + extra + [tree.path])
            try #require(result.status == 0, "scan: \(result.stderr)")
            let numbers = try #require(
                result.stdout.firstMatch(of: /(\d+) read, (\d+) unchanged and not read again/), "\(result.stdout)")
            return (Int(numbers.1)!, Int(numbers.2)!, result.stderr)
        }
        let stepwise = try Self.freshStore(backend)
        let first = try await scan(stepwise, [])
        #expect(first.read > 0 && first.unchanged == 0)
        let validating = try await scan(stepwise, ["--validate"])
        let again = try await scan(stepwise, ["--validate"])
        #expect(again.read == 0 && again.unchanged == first.read)

        let once = try Self.freshStore(backend)
        _ = try await scan(once, ["--validate"])
        let expected = try await Self.export(binary, store: once, into: directory)
        let measured = try #require((expected["conformance"] as? [String: Any])?["measured"] as? Int)
        // Only the ODF documents without a verdict were read again, and the scan said how many.
        #expect(validating.read == measured && validating.unchanged == first.read - measured)
        #expect(validating.stderr.contains("Validating \(measured) unchanged ODF documents"), "\(validating.stderr)")
        let actual = try await Self.export(binary, store: stepwise, into: directory)
        for key in ["counts", "conformance"] {
            let left = try JSONSerialization.data(withJSONObject: try #require(actual[key]), options: .sortedKeys)
            let right = try JSONSerialization.data(withJSONObject: try #require(expected[key]), options: .sortedKeys)
            #expect(left == right, "documents.\(key) differs from a store scanned once with --validate")
        }
        #expect(measured >= 40)
    }

    /// `scan --format csv` carries the verdict in its last column with `--validate`, and leaves it empty without.
    @Test func scanCSVCarriesTheVerdictColumn() async throws {
        let binary = try overblikBinary()
        let folder = Fixtures.url("validation").path
        func column(_ arguments: [String]) async throws -> [String: String] {
            let result = try await runBinary(binary, ["scan", "--no-store", "--format", "csv"] + arguments + [folder])
            try #require(result.status == 0, "scan: \(result.stderr)")
            let script = """
                import csv, json, sys
                rows = csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline=""))
                print(json.dumps({row["path"]: row["conformance"] for row in rows}))
                """
            let input = try Fixtures.temporaryDirectory("scan-csv").appendingPathComponent("scan.csv")
            try result.stdout.write(to: input, atomically: true, encoding: .utf8)
            let parsed = try await runProgram("python3", ["-c", script, input.path])
            try #require(parsed.status == 0, "python3: \(parsed.output)")
            return try #require(try JSONSerialization.jsonObject(with: Data(parsed.output.utf8)) as? [String: String])
        }
        let validated = try await column(["--validate"])
        let validate = try await runBinary(binary, ["validate", "--level", "extended", "--format", "jsonl", folder])
        var expected: [String: String] = [:]
        for line in validate.stdout.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            if object?["type"] as? String == "document", let path = object?["path"] as? String {
                expected[path] = object?["verdict"] as? String
            }
        }
        #expect(validated.count >= 20)
        for (path, verdict) in validated where !verdict.isEmpty { #expect(verdict == expected[path], "\(path)") }
        #expect(validated.values.filter { !$0.isEmpty }.count >= 20)
        #expect(try await column([]).values.allSatisfy(\.isEmpty))
    }
}
