import Foundation
import OverblikModel
import Store
import StorePostgres
import Submissions
import Testing
import TestSupport

/// A first scan or a large import killed at any point (SIGKILL) and started again does only what it had not
/// done, and ends with the figures of an undisturbed run: the real binary, killed at seeded points, against a
/// fresh store loaded once (the oracle). On SQLite and on PostgreSQL (a schema of its own on the server
/// `scripts/with-postgres.sh` starts).
@Suite(.tags(.store, .postgres, .slow)) struct ResumableWorkTests {
    static let backends = ["sqlite", "postgres"]

    /// A fresh store of the backend, as `--store` takes it.
    static func freshStore(_ backend: String, _ label: String) throws -> String {
        guard backend == "postgres" else {
            return try Fixtures.temporaryDirectory(label).appendingPathComponent("s.sqlite").path
        }
        let url = try #require(
            ProcessInfo.processInfo.environment["OVERBLIK_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 },
            "OVERBLIK_TEST_POSTGRES_URL is not set: run the tests through scripts/with-postgres.sh")
        let schema = "r_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return url + (url.contains("?") ? "&" : "?") + "schema=" + schema
    }

    /// What is unfinished in the store: documents staged by scans, software lines of imports, one per import.
    static func unfinished(_ location: String) async throws -> (staged: Int, imports: [Int]) {
        let store = try await EstateStoreFactory.open(location)
        defer { Task { try? await store.close() } }
        if let store = store as? PostgresEstateStore {
            return (
                try await store.unfinishedScans().map(\.staged).reduce(0, +),
                try await store.unfinishedImports().map(\.softwareRecords)
            )
        }
        let sqlite = try #require(store as? SQLiteEstateStore)
        return (
            try await sqlite.unfinishedScans().map(\.staged).reduce(0, +),
            try await sqlite.unfinishedImports().map(\.softwareRecords)
        )
    }

    /// SQLite's own check ("ok" when sound); PostgreSQL keeps its own consistency.
    static func integrity(_ location: String) async throws -> String {
        let store = try await EstateStoreFactory.open(location)
        defer { Task { try? await store.close() } }
        return try await (store as? SQLiteEstateStore)?.integrityCheck() ?? "ok"
    }

    /// About 12 batches of 2,000 documents (48 of 500 in SQLite): a kill can land in the first, a middle or the last.
    static let copies = 500

    /// The documents a scan stages per batch in the backend (where a killed scan's stage ends).
    static func batch(_ backend: String) -> Int { backend == "postgres" ? 2000 : 500 }

    /// `errors`: a pipe or file for standard error. `fault`: `OVERBLIK_FAULT` for the run (the binary kills itself
    /// with SIGKILL at that point, or pauses there).
    static func startScan(
        _ share: URL, store: String, errors: Any? = nil, fault: String? = nil
    ) throws -> (
        Process, Pipe
    ) {
        let process = Process()
        process.environment = environment(fault: fault)
        process.executableURL = try overblikBinary()
        process.arguments = [
            "scan", share.path, "--organisation", "751", "--store", store, "--format", "summary",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = errors ?? FileHandle.nullDevice
        try process.run()
        return (process, pipe)
    }

    static func environment(fault: String?) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["OVERBLIK_FAULT"] = fault
        return environment
    }

    /// Runs a scan or import that kills itself at its fault point and waits for it; it must die of SIGKILL.
    static func crash(_ process: Process) async {
        await process.ended()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
    }

    static func export(_ store: String) async throws -> Submission.Body {
        let output = try Fixtures.temporaryDirectory("resumable-export").appendingPathComponent("s.json").path
        try await runOverblik(["export", "--organisation", "751", "--store", store, "--output", output])
        return try decodeSubmission(Data(contentsOf: URL(fileURLWithPath: output))).body
    }

    @Test(arguments: backends) func aKilledFirstScanIsTakenOverAndEndsWithTheUndisturbedFigures(
        backend: String
    ) async throws {
        let share = try hardLinkedShare("resumable", copies: Self.copies, leavingOutDamaged: true)
        let oracleStore = try Self.freshStore(backend, "resumable-oracle")
        let (oracle, oraclePipe) = try Self.startScan(share, store: oracleStore)
        let oracleSummary = String(decoding: await oraclePipe.readAll(), as: UTF8.self)
        await oracle.ended()
        #expect(oracle.terminationStatus == 0)
        let expected = try await Self.export(oracleStore)
        let total =
            expected.documents.counts.reduce(0) { $0 + $1.count }
            + expected.documents.errors.reduce(0) {
                $0 + $1.count
            }
        #expect(total > 20_000)  // about forty batches

        var generator = SeededGenerator(seed: backend == "postgres" ? 20_261_208 : 20_261_206)
        for round in 0..<3 {
            let store = try Self.freshStore(backend, "resumable-\(round)")
            if round == 1 {
                // A store already holding documents (of another organisation): SQLite stages the rows keyed and
                // copies them at the finish, where into an empty store they are written once (the other rounds).
                let other = try hardLinkedShare("resumable-other", copies: 1, leavingOutDamaged: true)
                try await runOverblik(["scan", other.path, "--organisation", "101", "--store", store])
            }
            // Killed once or twice, each time right after a seeded batch was staged (a batch the
            // earlier runs staged is not read, so the next run's batches count from there).
            var staged = 0
            for _ in 0...(round % 2) {
                let batches = Int.random(in: 1...max(1, (total - staged) / Self.batch(backend) / 2), using: &generator)
                let (process, _) = try Self.startScan(share, store: store, fault: "scan-batch:\(batches)")
                await Self.crash(process)
                let now = try await Self.unfinished(store).staged
                #expect(now == staged + batches * Self.batch(backend), "round \(round)")
                staged = now
            }
            // Nothing of a killed scan counts.
            let halfway = try await EstateStoreFactory.open(store)
            #expect(try await halfway.scans(organisation: 751).isEmpty)
            #expect(try await halfway.documentCounts(organisation: 751).isEmpty)
            try await halfway.close()

            let errors = Pipe()
            let (resumed, pipe) = try Self.startScan(share, store: store, errors: errors)
            let summary = String(decoding: await pipe.readAll(), as: UTF8.self)
            let said = String(decoding: await errors.readAll(), as: UTF8.self)
            await resumed.ended()
            #expect(said.contains("Taking over the unfinished scan of \(share.path)"), "\(said)")
            #expect(resumed.terminationStatus == 0)
            // What the killed runs staged is not read again.
            let notReadAgain = try #require(
                summary.firstMatch(of: /\((\d+) not read again\)/).flatMap { Int($0.1) }, "\(summary)")
            #expect(notReadAgain == staged, "round \(round): \(summary)")
            #expect(notReadAgain < total)
            let body = try await Self.export(store)
            #expect(body.documents.counts == expected.documents.counts, "round \(round)")
            #expect(body.documents.errors == expected.documents.errors, "round \(round)")
            // The same files as new, as the undisturbed first scan said; no stage is left.
            let newCount = { (text: String) in text.firstMatch(of: /: (\d+) new,/).flatMap { Int($0.1) } }
            #expect(newCount(summary) == newCount(oracleSummary))
            #expect(try await Self.unfinished(store).staged == 0)
            #expect(try await Self.integrity(store) == "ok")
        }
    }

    /// A 150,000-line SCCM export of real titles (scripts/generate-sccm-csv.py, fixed seed).
    static func inventory() async throws -> URL {
        let file = try Fixtures.temporaryDirectory("resumable-import").appendingPathComponent("sccm.csv")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Fixtures.repositoryRoot.appendingPathComponent("scripts/generate-sccm-csv.py").path, "150000",
            file.path,
        ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        await process.ended()
        try #require(process.terminationStatus == 0, "python3 scripts/generate-sccm-csv.py failed")
        return file
    }

    static func startImport(_ file: URL, store: String, fault: String? = nil) throws -> Process {
        let process = Process()
        process.environment = environment(fault: fault)
        process.executableURL = try overblikBinary()
        process.arguments = [
            "import", file.path, "--organisation", "751", "--store", store, "--observed", "2026-11-30",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test(arguments: backends) func aKilledImportIsTakenOverAndEndsWithTheUndisturbedFigures(
        backend: String
    ) async throws {
        let file = try await Self.inventory()
        let oracleStore = try Self.freshStore(backend, "import-oracle")
        let oracle = try Self.startImport(file, store: oracleStore)
        await oracle.ended()
        #expect(oracle.terminationStatus == 0)
        let expected = try await Self.export(oracleStore)
        #expect(expected.installations.hosts > 1_000)
        let oracleReader = try await EstateStoreFactory.open(oracleStore)
        let expectedHash = try #require(try await oracleReader.imports(organisation: 751).first?.fileHash)
        try await oracleReader.close()

        var generator = SeededGenerator(seed: backend == "postgres" ? 20_261_209 : 20_261_207)
        for round in 0..<2 {
            let store = try Self.freshStore(backend, "import-\(round)")
            var stored = 0
            for _ in 0...round {
                // Killed right after a seeded batch of 5,000 lines was committed.
                let batches = Int.random(in: 1...(150_000 - stored) / 5000 / 2, using: &generator)
                await Self.crash(try Self.startImport(file, store: store, fault: "import-batch:\(batches)"))
                stored += batches * 5000
            }
            // A killed import counts nowhere: no import listed, no installation, the file not "already imported".
            let halfway = try await EstateStoreFactory.open(store)
            #expect(try await halfway.imports(organisation: nil).isEmpty)
            #expect(try await halfway.importSummary(organisation: 751, fileHash: expectedHash) == nil)
            #expect(try await halfway.installationCounts(organisation: 751).isEmpty)
            #expect(try await halfway.distinctHosts(organisation: 751) == 0)
            #expect(try await halfway.unknownTitles(organisation: 751, limit: 10).isEmpty)
            try await halfway.close()
            #expect(try await Self.unfinished(store).imports == [stored])

            let resumed = try Self.startImport(file, store: store)
            await resumed.ended()
            #expect(resumed.terminationStatus == 0)
            let body = try await Self.export(store)
            #expect(body.installations.counts == expected.installations.counts, "round \(round)")
            #expect(body.installations.hosts == expected.installations.hosts)
            #expect(try await Self.unfinished(store).imports.isEmpty)
            // Every line once: the lines stored before the kill were not stored again.
            let after = try await EstateStoreFactory.open(store)
            #expect(try await after.imports(organisation: 751).map(\.softwareRecords) == [150_000])
            try await after.close()
            #expect(try await Self.integrity(store) == "ok")
        }
    }

    /// The figures a `--format summary` store scan printed: files scanned, files the store holds under the root,
    /// and the store line's new, changed, unchanged, deleted and total.
    struct PrintedSummary: Equatable {
        var scanned = -1, held = -1, new = -1, changed = -1, unchanged = -1, deleted = -1, total = -1

        init(_ text: String) {
            if let match = text.firstMatch(of: /Scanned (\d+) files .* The store holds (\d+) files? under/) {
                scanned = Int(match.1) ?? -1
                held = Int(match.2) ?? -1
            }
            let store =
                /: (\d+) new, (\d+) changed, (\d+) unchanged \(\d+ not read again\), (\d+) deleted; (\d+) documents/
            if let match = text.firstMatch(of: store) {
                (new, changed, unchanged) = (Int(match.1) ?? -1, Int(match.2) ?? -1, Int(match.3) ?? -1)
                (deleted, total) = (Int(match.4) ?? -1, Int(match.5) ?? -1)
            }
        }
    }

    /// Two scans of one root started at once, on the stage a killed scan left: exactly one takes it over (the other
    /// reads those files itself), and each summary describes the whole tree, whichever finishes first. The
    /// oracle: an undisturbed scan of the same tree into a fresh store (its summary and its export). A pause after
    /// the first scan's file index (`file-index:1:pause:3`) makes sure the second reads its index meanwhile, and a
    /// pause before the second's finish lets the first finish first: the order in which a scan that thought the
    /// stage its own, but did not get it, would once say it held only the files it read.
    @Test(arguments: backends) func twoScansOfOneRootAtOnceEachDescribeTheWholeTree(backend: String) async throws {
        let share = try hardLinkedShare("overlap", copies: 150, leavingOutDamaged: true)
        let oracleStore = try Self.freshStore(backend, "overlap-oracle")
        let (oracle, oraclePipe) = try Self.startScan(share, store: oracleStore)
        let expectedSummary = PrintedSummary(String(decoding: await oraclePipe.readAll(), as: UTF8.self))
        await oracle.ended()
        let expected = try await Self.export(oracleStore)
        let files = expectedSummary.total
        #expect(files > 6_000 && expectedSummary.held == files && expectedSummary.new == files)

        let store = try Self.freshStore(backend, "overlap")
        let (killed, _) = try Self.startScan(share, store: store, fault: "scan-batch:2")
        await Self.crash(killed)
        #expect(try await Self.unfinished(store).staged == 2 * Self.batch(backend))

        let directory = try Fixtures.temporaryDirectory("overlap-errors")
        let firstErrors = directory.appendingPathComponent("first.txt")
        let secondErrors = directory.appendingPathComponent("second.txt")
        try Data().write(to: firstErrors)
        try Data().write(to: secondErrors)
        let (first, firstOutput) = try Self.startScan(
            share, store: store, errors: FileHandle(forWritingTo: firstErrors), fault: "file-index:1:pause:3")
        try #require(
            await ServerFaultTests.wait(for: "pausing", in: firstErrors), "\(ServerFaultTests.text(firstErrors))")
        let (second, secondOutput) = try Self.startScan(
            share, store: store, errors: FileHandle(forWritingTo: secondErrors), fault: "scan-finish:1:pause:3")
        async let firstText = firstOutput.readAll()
        let secondSummary = PrintedSummary(String(decoding: await secondOutput.readAll(), as: UTF8.self))
        let firstSummary = PrintedSummary(String(decoding: await firstText, as: UTF8.self))
        await first.ended()
        await second.ended()
        #expect(first.terminationStatus == 0 && second.terminationStatus == 0)

        // One of them continued the killed scan's stage.
        let saidTakingOver = [firstErrors, secondErrors].filter {
            ServerFaultTests.text($0).contains("Taking over the unfinished scan of \(share.path)")
        }
        #expect(saidTakingOver.count == 1, "\(saidTakingOver.map(\.lastPathComponent))")
        // Each summary: every file of the tree scanned, and held by the store, once as new in one of them.
        for summary in [firstSummary, secondSummary] {
            #expect(summary.scanned == files && summary.held == files && summary.total == files, "\(summary)")
            #expect(summary.new + summary.changed + summary.unchanged == files, "\(summary)")
            #expect(summary.changed == 0 && summary.deleted == 0, "\(summary)")
        }
        #expect(firstSummary.new + secondSummary.new == files)
        // The store as after one undisturbed scan, and nothing left staged.
        let body = try await Self.export(store)
        #expect(body.documents.counts == expected.documents.counts)
        #expect(body.documents.errors == expected.documents.errors)
        #expect(try await Self.unfinished(store).staged == 0)
        #expect(try await Self.integrity(store) == "ok")
    }
}
