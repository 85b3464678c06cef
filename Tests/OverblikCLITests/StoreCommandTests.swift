import ArgumentParser
import Catalog
import Foundation
import OfficeDocuments
import OverblikCLI
import OverblikModel
import Store
import StorePostgres
import Testing
import TestSupport

/// `scan`, `import`, `export`, `submission verify` and `compile` against a real store, end to end.
@Suite(.tags(.store)) struct StoreCommandTests {
    func run(_ arguments: [String]) async throws { try await runOverblik(arguments) }

    /// A copy of the shipped document fixtures, so tests can change files.
    func documentTree() throws -> URL {
        let directory = try Fixtures.temporaryDirectory("scan-tree")
        let tree = directory.appendingPathComponent("share")
        try FileManager.default.copyItem(at: Fixtures.url("documents"), to: tree)
        return tree
    }

    func regularFiles(under url: URL) -> [URL] {
        let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey])
        return (enumerator?.allObjects as? [URL] ?? []).filter {
            (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
        }
    }

    @Test func scanRecordsIncrementallyInTheStore() async throws {
        let tree = try documentTree()
        let store = tree.deletingLastPathComponent().appendingPathComponent("estate.sqlite").path
        let output = tree.deletingLastPathComponent().appendingPathComponent("scan.jsonl").path
        // Names the walker checks from their bytes: an upper-case extension, a name that is only an
        // extension, a non-ASCII folder, and a name without extension (not a document).
        let odt = Fixtures.url("documents/generated/odfpy.odt")
        let danish = tree.appendingPathComponent("Økonomi æøå")
        try FileManager.default.createDirectory(at: danish, withIntermediateDirectories: true)
        for name in ["BUDGET.ODT", ".odt", "Referat Ærø.odt", "README"] {
            try FileManager.default.copyItem(at: odt, to: danish.appendingPathComponent(name))
        }
        let files = regularFiles(under: tree)
        let arguments = ["scan", tree.path, "--organisation", "Århus", "--store", store, "--output", output]
        try await run(arguments)
        try await run(arguments)
        // Change one file, add one, remove one.
        let changed = files.first { $0.pathExtension == "odt" }!
        try Data("changed".utf8).write(to: changed)
        try FileManager.default.copyItem(at: changed, to: tree.appendingPathComponent("added.odt"))
        let removed = files.last { $0 != changed }!
        try FileManager.default.removeItem(at: removed)
        try await run(arguments)

        let estate = try SQLiteEstateStore(path: store)
        let scans = try await estate.scans(organisation: 751)
        #expect(scans.count == 3)
        let (third, second, first) = (scans[0], scans[1], scans[2])
        // Which of the files the reader records depends on its extension filter; the store counts what it got.
        #expect(first.new > 0 && first.changed == 0 && first.unchanged == 0 && first.deleted == 0)
        // The walker's byte-level name filter picks exactly the files the path-based one does.
        #expect(first.new == files.filter { DocumentScanner.isCandidate(path: $0.path) }.count)
        #expect(second.new == 0 && second.changed == 0 && second.unchanged == first.new && second.deleted == 0)
        #expect(third.new == 1 && third.changed == 1 && third.deleted <= 1)
        #expect(third.total == first.total + 1 - third.deleted)
        // Every stored file is counted once: as a document when it was read, as a read error when it was not.
        let documents = try await estate.documentCounts(organisation: 751).reduce(0) { $0 + $1.count }
        let errors = try await estate.documentErrorCounts(organisation: 751).reduce(0) { $0 + $1.count }
        #expect(errors > 0)
        #expect(documents + errors == third.total)
        try await estate.close()
    }

    @Test func aScanRecordsTheCatalogItClassifiedWith() async throws {
        let tree = try documentTree()
        let store = tree.deletingLastPathComponent().appendingPathComponent("estate.sqlite").path
        let userCatalog = Fixtures.url("catalog/user-catalog.example.yaml")
        try await run(["scan", tree.path, "--organisation", "751", "--store", store, "--format", "summary"])
        try await run([
            "scan", tree.path, "--organisation", "751", "--store", store, "--format", "summary", "--full",
            "--catalog", userCatalog.path,
        ])
        let estate = try SQLiteEstateStore(path: store)
        let scans = try await estate.scans(organisation: 751)
        try await estate.close()
        #expect(scans.count == 2)
        let bundled = try ProductCatalog.bundled().stamp
        let merged = try ProductCatalog.load(userFiles: [userCatalog]).stamp
        #expect(merged != bundled)
        #expect(scans.map(\.catalog) == [merged, bundled])
    }

    @Test func aRescanRecordsTheCatalogStampTheStoreRemembersAndClassifiesWhatItReads() async throws {
        let tree = try documentTree()
        let store = tree.deletingLastPathComponent().appendingPathComponent("estate.sqlite").path
        let arguments = ["scan", tree.path, "--organisation", "751", "--store", store, "--format", "summary"]
        try await run(arguments)
        let bundled = try ProductCatalog.bundled().stamp
        #if os(Linux)
        // The first scan parsed the catalog and left its stamp under the sources' fingerprint.
        let fingerprint = try #require(try CatalogSources.read(userFiles: []).fingerprint)
        var estate = try SQLiteEstateStore(path: store)
        #expect(try await estate.rememberedCatalogStamp(fingerprint: fingerprint) == bundled)
        // What the next scans record is that remembered stamp: a planted one shows it is the one used.
        let planted = CatalogStamp(version: "planted", digest: "sha256:planted")
        try await estate.rememberCatalogStamp(planted, fingerprint: fingerprint)
        try await estate.close()
        try await run(arguments)
        // A new file is read with a reader made only then, classifying with the parsed catalog.
        let writer = tree.appendingPathComponent("generated/libreoffice-writer.odt")
        try FileManager.default.copyItem(at: writer, to: tree.appendingPathComponent("copied-writer.odt"))
        let output = tree.deletingLastPathComponent().appendingPathComponent("read.jsonl").path
        try await run(["scan", tree.path, "--organisation", "751", "--store", store, "--output", output])
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let record = try decoder.decode(DocumentRecord.self, from: Data(try #require(lines.first).utf8))
        #expect(record.path.hasSuffix("copied-writer.odt"))
        #expect(record.suite == "libreoffice")
        // A user catalog is other sources: parsed, and its real stamp recorded, never the planted one.
        let userCatalog = Fixtures.url("catalog/user-catalog.example.yaml")
        try await run(arguments + ["--catalog", userCatalog.path])
        let merged = try ProductCatalog.load(userFiles: [userCatalog]).stamp
        estate = try SQLiteEstateStore(path: store)
        let scans = try await estate.scans(organisation: 751)
        try await estate.close()
        #expect(scans.map(\.catalog) == [merged, planted, planted, bundled])
        #expect(scans[1].new == 1 && scans[2].unchanged == scans[3].new)
        #endif
    }

    @Test func aBadUserCatalogStopsTheScanBeforeAnythingIsRecordedAsBefore() async throws {
        let tree = try documentTree()
        let store = tree.deletingLastPathComponent().appendingPathComponent("estate.sqlite").path
        let bad = Fixtures.url("catalog/user-catalog.bad.yaml").path
        let arguments = ["scan", tree.path, "--organisation", "751", "--store", store, "--format", "summary"]
        // A rescan would not parse a catalog it knows; one it does not know is parsed, and refused.
        try await run(arguments)
        await #expect(throws: ValidationError.self) { try await run(arguments + ["--catalog", bad]) }
        await #expect(throws: ValidationError.self) { try await run(arguments + ["--catalog", bad, "--full"]) }
        await #expect(throws: ValidationError.self) {
            try await run(["scan", tree.path, "--no-store", "--format", "summary", "--catalog", bad])
        }
        let missing = tree.appendingPathComponent("no-such-catalog.yaml").path
        await #expect(throws: ValidationError.self) { try await run(arguments + ["--catalog", missing]) }
        let estate = try SQLiteEstateStore(path: store)
        let scans = try await estate.scans(organisation: 751)
        try await estate.close()
        #expect(scans.count == 1)
    }

    @Test func importExportVerifyCompileAndStatus() async throws {
        let directory = try Fixtures.temporaryDirectory("commands")
        let store = directory.appendingPathComponent("aarhus.sqlite").path
        let inventory = Fixtures.url("inventory/intune-csv/AppInvAggregate.constructed.csv").path
        try await run(["import", inventory, "--organisation", "751", "--store", store])
        try await run(["import", inventory, "--organisation", "751", "--store", store])
        let estate = try SQLiteEstateStore(path: store)
        let imports = try await estate.imports(organisation: 751)
        #expect(imports.count == 1)
        #expect(imports.first?.softwareRecords ?? 0 > 0)
        try await estate.close()

        let submission = directory.appendingPathComponent("aarhus.json").path
        try await run([
            "export", "--organisation", "751", "--period", "2026-Q4", "--store", store, "--output", submission,
        ])
        try await run(["submission", "verify", submission])

        // A tampered copy is rejected; the good file still loads; the command fails.
        let tampered = directory.appendingPathComponent("tampered.json")
        let text = try String(contentsOfFile: submission, encoding: .utf8)
        try text.replacingOccurrences(of: "\"period\" : \"2026-Q4\"", with: "\"period\" : \"2026-Q3\"")
            .write(to: tampered, atomically: true, encoding: .utf8)
        await #expect(throws: ExitCode(1)) { try await run(["submission", "verify", tampered.path]) }
        let national = directory.appendingPathComponent("national.sqlite").path
        await #expect(throws: ExitCode(1)) {
            try await run(["compile", tampered.path, submission, "--store", national])
        }
        let compiled = try SQLiteEstateStore(path: national)
        #expect(try await compiled.latestSubmissions(period: "2026-Q4").map(\.body.organisation.code) == [751])
        #expect(try await compiled.periods() == ["2026-Q4"])
        try await compiled.close()
        try await run(["compile", submission, "--store", national])
        try await run(["status", "--store", national])
        try await run(["status", "--store", national, "--format", "json"])

        // The JSON status: one row per authority, Aarhus submitted with its digest, the other 102 missing.
        let reopened = try SQLiteEstateStore(path: national)
        let status = try await SubmissionStatus.build(store: reopened, period: nil)
        try await reopened.close()
        let json = try JSONSerialization.jsonObject(with: Data(try StatusCommand.json(status).utf8)) as? [String: Any]
        let rows = try #require(json?["authorities"] as? [[String: Any]])
        #expect(rows.count == 103)
        #expect(json?["period"] as? String == "2026-Q4")
        #expect(json?["submitted"] as? Int == 1)
        #expect((json?["missing"] as? [Int])?.count == 102)
        let aarhus = try #require(rows.first { $0["code"] as? Int == 751 })
        #expect(aarhus["name"] as? String == "Aarhus Kommune")
        #expect(aarhus["region"] as? Int == 1082)
        let digest = try SubmissionDigest.decoder().decode(
            Submission.self, from: Data(contentsOf: URL(fileURLWithPath: submission))
        ).digest
        #expect(aarhus["digest"] as? String == digest)
        #expect(aarhus["submitted"] is String)
        #expect(rows.first { $0["code"] as? Int == 101 }?["submitted"] is NSNull)
    }

    @Test func exportRefusesAMissingStoreAndUnknownOrganisation() async throws {
        let directory = try Fixtures.temporaryDirectory("refuse")
        let missing = directory.appendingPathComponent("none.sqlite").path
        await #expect(throws: (any Error).self) {
            try await run(["export", "--organisation", "751", "--store", missing, "--output", "x.json"])
        }
        #expect(!FileManager.default.fileExists(atPath: missing))
        await #expect(throws: ValidationError.self) {
            try await run(["export", "--organisation", "Atlantis", "--store", missing, "--output", "x.json"])
        }
    }

    /// The real binary, killed with SIGKILL mid-scan, leaves a sound store; the next scan matches a clean one.
    @Test func realScanKilledMidwayRecoversWithTheSameTotals() async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("overblik")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            Issue.record("overblik is not built next to the tests; run `swift build --build-tests` first")
            return
        }
        // 12,000 hard links to one real document: a big tree that costs no disk.
        let directory = try Fixtures.temporaryDirectory("kill")
        // Hard links count against the fixture's inode (ext4 allows 65,000): always remove them.
        defer { try? FileManager.default.removeItem(at: directory) }
        let tree = directory.appendingPathComponent("share")
        let source = try #require(regularFiles(under: Fixtures.url("documents")).first { $0.pathExtension == "odt" })
        for folder in 0..<40 {
            let sub = tree.appendingPathComponent("dept\(folder)")
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            for index in 0..<300 {
                try FileManager.default.linkItem(at: source, to: sub.appendingPathComponent("doc\(index).odt"))
            }
        }
        let store = directory.appendingPathComponent("estate.sqlite").path
        func scan(store: String) -> Process {
            let process = Process()
            process.executableURL = binary
            process.arguments = [
                "scan", tree.path, "--store", store, "--jobs", "1", "--format", "jsonl", "--organisation", "751",
            ]
            return process
        }
        let killed = scan(store: store)
        let pipe = Pipe()
        killed.standardOutput = pipe
        try killed.run()
        let output = pipe.fileHandleForReading
        let pid = killed.processIdentifier
        // Killed from the thread that counts the lines: a test task resumed afterwards may run seconds later on a
        // loaded machine, when the scan has finished.
        _ = try await DedicatedThread.run {
            var seen = 0
            while seen < 200 {
                let data = output.availableData
                if data.isEmpty { break }
                seen += data.filter { $0 == UInt8(ascii: "\n") }.count
            }
            kill(pid, SIGKILL)
        }
        await killed.ended()
        #expect(killed.terminationReason == .uncaughtSignal)

        let estate = try SQLiteEstateStore(path: store)
        #expect(try await estate.integrityCheck() == "ok")
        #expect(try await estate.scans(organisation: nil).isEmpty)
        try await estate.close()

        for target in [store, directory.appendingPathComponent("clean.sqlite").path] {
            let process = scan(store: target)
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            await process.ended()
            #expect(process.terminationStatus == 0)
        }
        let recovered = try SQLiteEstateStore(path: store)
        let clean = try SQLiteEstateStore(path: directory.appendingPathComponent("clean.sqlite").path)
        let recoveredScans = try await recovered.scans(organisation: 751)
        #expect(recoveredScans.map(\.new) == [12_000])
        #expect(
            try await recovered.documentCounts(organisation: 751) == (try await clean.documentCounts(organisation: 751))
        )
        try await recovered.close()
        try await clean.close()
    }
}
