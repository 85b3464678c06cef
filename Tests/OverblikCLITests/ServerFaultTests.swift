import Foundation
import OverblikModel
import Store
import StorePostgres
import Submissions
import Testing
import TestSupport

/// A PostgreSQL server restarted or stopped in the middle of a compile and of an import, and a compile killed at
/// seeded points: no submission or inventory row lost or doubled, and never a wait without end. The real binary
/// against a server of the test's own (stopped with `pg_ctl -m immediate`, as a crash would); the oracle is the
/// same work done undisturbed. Every run has a deadline: a command that waits forever fails the test, it does
/// not hang the suite.
@Suite(.tags(.store, .postgres, .slow)) struct ServerFaultTests {
    static let submissions: [String] = {
        let root = Fixtures.url("demo/submissions")
        let files = (try? FileManager.default.subpathsOfDirectory(atPath: root.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.sorted().map { root.appendingPathComponent($0).path }
    }()

    /// Every submission a store holds, one line each, in a fixed order: what a compile must leave.
    static func history(_ location: String) async throws -> [String] {
        let store = try await EstateStoreFactory.open(location)
        defer { Task { try? await store.close() } }
        return try await store.submissionHistory(organisation: nil, period: nil).map {
            "\($0.submission.body.organisation.code) \($0.submission.body.period) \($0.submission.digest) "
                + "superseded=\($0.superseded)"
        }.sorted()
    }

    /// `errors`: a file that receives the command's standard output and error (read by polling, not through a
    /// pipe).
    static func start(_ arguments: [String], fault: String? = nil, errors: URL? = nil) throws -> Process {
        let process = Process()
        var environment = ProcessInfo.processInfo.environment
        environment["OVERBLIK_FAULT"] = fault
        process.environment = environment
        process.executableURL = try overblikBinary()
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        if let errors {
            try Data().write(to: errors)
            let handle = try FileHandle(forWritingTo: errors)
            process.standardError = handle
            process.standardOutput = handle
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }

    /// The exit status, or nil when the command did not end within `deadline` seconds (it is then killed).
    static func finish(_ process: Process, deadline: TimeInterval = 300) async -> Int32? {
        let end = Date().addingTimeInterval(deadline)
        while process.isRunning && Date() < end { try? await Task.sleep(for: .milliseconds(50)) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            await process.ended()
            return nil
        }
        await process.ended()
        return process.terminationStatus
    }

    /// Waits until the file holds `needle`; false after `timeout` seconds.
    static func wait(for needle: String, in file: URL, timeout: TimeInterval = 180) async -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if let text = try? String(contentsOf: file, encoding: .utf8), text.contains(needle) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    static func text(_ file: URL) -> String { (try? String(contentsOf: file, encoding: .utf8)) ?? "" }

    @Test func aCompileCarriesOnThroughAServerRestart() async throws {
        let server = try await PrivatePostgres(label: "compile")
        #expect(Self.submissions.count > 150)
        let oracle = server.url + "?schema=undisturbed"
        #expect(await Self.finish(try Self.start(["compile"] + Self.submissions + ["--store", oracle])) == 0)
        let expected = try await Self.history(oracle)
        #expect(expected.count == Self.submissions.count)

        let restarted = server.url + "?schema=restarted"
        let errors = try Fixtures.temporaryDirectory("restart-compile").appendingPathComponent("stderr.txt")
        let compile = try Self.start(
            ["compile"] + Self.submissions + ["--store", restarted], fault: "compile-submission:40:pause:4",
            errors: errors)
        try #require(await Self.wait(for: "pausing", in: errors), "never reached its pause: \(Self.text(errors))")
        try await server.restart()
        #expect(await Self.finish(compile) == 0, "\(Self.text(errors))")
        #expect(try await Self.history(restarted) == expected)
        await server.shutDown()
    }

    /// The server stops and stays down: the compile says so and ends, with what it had loaded kept.
    @Test func aCompileWhoseServerStaysDownEndsWithAClearError() async throws {
        let server = try await PrivatePostgres(label: "compile-down")
        let store = server.url + "?schema=down"
        let errors = try Fixtures.temporaryDirectory("down-compile").appendingPathComponent("stderr.txt")
        let started = Date()
        let compile = try Self.start(
            ["compile"] + Self.submissions + ["--store", store], fault: "compile-submission:25:pause:3",
            errors: errors)
        try #require(await Self.wait(for: "pausing", in: errors), "never reached its pause: \(Self.text(errors))")
        try await server.stop()
        let status = await Self.finish(compile, deadline: 240)
        #expect(status != nil && status != 0, "\(Self.text(errors))")
        // It waited for the server (up to its patience), then gave up: not forever.
        #expect(Date().timeIntervalSince(started) < 200)
        #expect(Self.text(errors).contains("not reachable again"), "\(Self.text(errors))")
        try await server.start()
        #expect(try await Self.history(store).count == 25)
        await server.shutDown()
    }

    @Test func anImportCutByAServerRestartCountsNothingAndIsTakenOverToTheUndisturbedFigures() async throws {
        let server = try await PrivatePostgres(label: "import")
        let file = try await ResumableWorkTests.inventory()
        let oracle = server.url + "?schema=undisturbed"
        let arguments = ["import", file.path, "--organisation", "751", "--observed", "2026-11-30", "--store"]
        #expect(await Self.finish(try Self.start(arguments + [oracle])) == 0)
        let expected = try await ResumableWorkTests.export(oracle)

        let restarted = server.url + "?schema=restarted"
        let errors = try Fixtures.temporaryDirectory("restart-import").appendingPathComponent("stderr.txt")
        let cut = try Self.start(arguments + [restarted], fault: "import-batch:3:pause:4", errors: errors)
        try #require(await Self.wait(for: "pausing", in: errors), "never reached its pause: \(Self.text(errors))")
        try await server.restart()
        // The batch in flight died with its connection: it ends with an error that names the store.
        let status = await Self.finish(cut)
        #expect(status != nil && status != 0, "\(Self.text(errors))")
        #expect(Self.text(errors).contains("connection to the PostgreSQL server was lost"), "\(Self.text(errors))")
        let halfway = try await EstateStoreFactory.open(restarted)
        #expect(try await halfway.imports(organisation: nil).isEmpty)
        #expect(try await halfway.installationCounts(organisation: 751).isEmpty)
        // The three batches committed before the restart wait, unfinished, for the next import of the file.
        let unfinished = try await (halfway as? PostgresEstateStore)?.unfinishedImports()
        #expect(unfinished?.map(\.softwareRecords) == [15_000])
        try await halfway.close()

        #expect(await Self.finish(try Self.start(arguments + [restarted])) == 0)
        let body = try await ResumableWorkTests.export(restarted)
        #expect(body.installations.counts == expected.installations.counts)
        #expect(body.installations.hosts == expected.installations.hosts)
        let after = try await EstateStoreFactory.open(restarted)
        #expect(try await after.imports(organisation: 751).map(\.softwareRecords) == [150_000])
        try await after.close()
        await server.shutDown()
    }

    /// Killed (SIGKILL) right after a seeded submission was loaded, then run again: the store ends as an
    /// undisturbed compile leaves it, on both backends.
    @Test(arguments: ["sqlite", "postgres"]) func aKilledCompileRunAgainEndsWithTheUndisturbedFigures(
        _ backend: String
    ) async throws {
        let server = backend == "postgres" ? try await PrivatePostgres(label: "killed-compile") : nil
        func location(_ name: String) throws -> String {
            if let server { return server.url + "?schema=\(name)" }
            return try Fixtures.temporaryDirectory("killed-compile-\(name)").appendingPathComponent("s.sqlite").path
        }
        let oracle = try location("undisturbed")
        #expect(await Self.finish(try Self.start(["compile"] + Self.submissions + ["--store", oracle])) == 0)
        let expected = try await Self.history(oracle)

        var generator = SeededGenerator(seed: backend == "postgres" ? 57 : 58)
        for round in 0..<3 {
            let store = try location("killed\(round)")
            let point = Int.random(in: 1..<Self.submissions.count, using: &generator)
            let killed = try Self.start(
                ["compile"] + Self.submissions + ["--store", store], fault: "compile-submission:\(point)")
            #expect(await Self.finish(killed) != nil)
            #expect(killed.terminationReason == .uncaughtSignal && killed.terminationStatus == SIGKILL)
            #expect(try await Self.history(store).count == point, "killed after submission \(point)")
            #expect(await Self.finish(try Self.start(["compile"] + Self.submissions + ["--store", store])) == 0)
            #expect(try await Self.history(store) == expected, "round \(round), killed after \(point)")
        }
        await server?.shutDown()
    }
}
