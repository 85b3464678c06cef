import Foundation
import OverblikModel
import Store
import Submissions
import Testing
import TestSupport

/// A first scan killed at any point (SIGKILL) and started again reads only what it had not staged, and ends
/// with the figures of an undisturbed run: the real binary, killed at seeded points, against a fresh store loaded
/// once (the oracle).
@Suite(.serialized, .tags(.store, .slow)) struct ResumableScanTests {
    /// About 12 batches of the recorder's 2,000 documents: a kill can land in the first, a middle or the last.
    static let copies = 500

    /// A share of real documents: the shipped fixtures, hard-linked `copies` times into folders.
    static func share() throws -> URL {
        let root = try Fixtures.temporaryDirectory("resumable").appendingPathComponent("share")
        let sources = try FileManager.default.subpathsOfDirectory(atPath: Fixtures.url("documents").path)
            .filter { !$0.hasPrefix("damaged") && DocumentScannerNames.isCandidate($0) }
        for copy in 0..<copies {
            let folder = root.appendingPathComponent("dept\(copy % 20)/copy\(copy)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (number, source) in sources.enumerated() {
                let name = "\(number)-" + (source as NSString).lastPathComponent
                try FileManager.default.linkItem(
                    at: Fixtures.url("documents").appendingPathComponent(source),
                    to: folder.appendingPathComponent(name))
            }
        }
        return root
    }

    static func binary() -> URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("overblik")
    }

    static func startScan(_ share: URL, store: String, errors: Pipe? = nil) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = binary()
        process.arguments = ["scan", share.path, "--organisation", "751", "--store", store, "--format", "summary"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = errors ?? FileHandle.nullDevice
        try process.run()
        return (process, pipe)
    }

    /// Waits until the running scan has staged at least `documents`, then kills it; returns what was staged.
    /// One reader watches (WAL: it never waits for the scan's writes).
    static func kill(_ process: Process, store: String, after documents: Int) async throws -> Int {
        let deadline = Date().addingTimeInterval(300)
        var watcher: SQLiteEstateStore?
        var seen: [Int] = []
        var failures: [String] = []
        defer { if let watcher { Task { try? await watcher.close() } } }
        while Date() < deadline, process.isRunning {
            if watcher == nil, FileManager.default.fileExists(atPath: store) {
                watcher = try? SQLiteEstateStore(path: store)
            }
            var staged = 0
            if let watcher {
                do { staged = try await watcher.unfinishedScans().map(\.staged).reduce(0, +) } catch {
                    failures.append("\(error)")
                }
                if seen.last != staged { seen.append(staged) }
            }
            if staged >= documents {
                Foundation.kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return staged
            }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        Issue.record(
            "the scan ended or stalled before staging \(documents) documents; seen \(seen), \(failures.prefix(3))")
        return 0
    }

    static func export(_ store: String) async throws -> Submission.Body {
        let output = try Fixtures.temporaryDirectory("resumable-export").appendingPathComponent("s.json").path
        try await runOverblik(["export", "--organisation", "751", "--store", store, "--output", output])
        return try decodeSubmission(Data(contentsOf: URL(fileURLWithPath: output))).body
    }

    @Test func aKilledFirstScanIsTakenOverAndEndsWithTheUndisturbedFigures() async throws {
        let share = try Self.share()
        let oracleStore = try Fixtures.temporaryDirectory("resumable-oracle").appendingPathComponent("s.sqlite").path
        let (oracle, oraclePipe) = try Self.startScan(share, store: oracleStore)
        let oracleSummary = String(decoding: oraclePipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        oracle.waitUntilExit()
        #expect(oracle.terminationStatus == 0)
        let expected = try await Self.export(oracleStore)
        let total =
            expected.documents.counts.reduce(0) { $0 + $1.count }
            + expected.documents.errors.reduce(0) {
                $0 + $1.count
            }
        #expect(total > 20_000)  // about ten batches of 2,000

        var generator = SeededGenerator(seed: 20_261_206)
        for round in 0..<3 {
            let store = try Fixtures.temporaryDirectory("resumable-\(round)").appendingPathComponent("s.sqlite").path
            // Killed once or twice, each time after a seeded share of the files was staged.
            var staged = 0
            for _ in 0...(round % 2) {
                let (process, _) = try Self.startScan(share, store: store)
                let point = staged + Int.random(in: 1...(total - staged) / 2, using: &generator)
                staged = try await Self.kill(process, store: store, after: point)
                #expect(process.terminationReason == .uncaughtSignal)
            }
            // Nothing of a killed scan counts.
            let halfway = try SQLiteEstateStore(path: store)
            #expect(try await halfway.scans(organisation: nil).isEmpty)
            #expect(try await halfway.documentCounts(organisation: 751).isEmpty)
            try await halfway.close()

            let errors = Pipe()
            let (resumed, pipe) = try Self.startScan(share, store: store, errors: errors)
            let summary = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            resumed.waitUntilExit()
            #expect(said.contains("Taking over the unfinished scan of \(share.path)"), "\(said)")
            #expect(resumed.terminationStatus == 0)
            // What the killed runs staged is not read again (the stage may have grown after the last look).
            let notReadAgain = try #require(
                summary.firstMatch(of: /\((\d+) not read again\)/).flatMap { Int($0.1) }, "\(summary)")
            #expect(notReadAgain >= staged, "round \(round): \(summary)")
            #expect(notReadAgain < total)
            let body = try await Self.export(store)
            #expect(body.documents.counts == expected.documents.counts, "round \(round)")
            #expect(body.documents.errors == expected.documents.errors, "round \(round)")
            // The same files as new, as the undisturbed first scan said; no stage is left.
            let newCount = { (text: String) in text.firstMatch(of: /: (\d+) new,/).flatMap { Int($0.1) } }
            #expect(newCount(summary) == newCount(oracleSummary))
            let after = try SQLiteEstateStore(path: store)
            #expect(try await after.unfinishedScans().isEmpty)
            #expect(try await after.integrityCheck() == "ok")
            try await after.close()
        }
    }
}
