import Foundation
import OverblikModel
import Store
import StorePostgres
import Submissions
import Testing
import TestSupport

/// A PostgreSQL server restarted in the middle of a compile and of an import, and a compile killed at seeded
/// points: no submission or inventory row lost or doubled. The real binary against a server of the test's own
/// (restarted with `pg_ctl -m immediate`, as a crash would), and the oracle is the same work done undisturbed.
@Suite(.serialized, .tags(.store, .postgres, .slow)) struct ServerFaultTests {
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

    static func start(_ arguments: [String], fault: String? = nil, errors: StandardError? = nil) throws -> Process {
        let process = Process()
        var environment = ProcessInfo.processInfo.environment
        environment["OVERBLIK_FAULT"] = fault
        process.environment = environment
        process.executableURL = try overblikBinary()
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors?.pipe ?? FileHandle.nullDevice
        try process.run()
        return process
    }

    static func finish(_ process: Process) -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func aCompileCarriesOnThroughAServerRestart() async throws {
        let server = try PrivatePostgres(label: "compile")
        #expect(Self.submissions.count > 150)
        let oracle = server.url + "?schema=undisturbed"
        #expect(Self.finish(try Self.start(["compile"] + Self.submissions + ["--store", oracle])) == 0)
        let expected = try await Self.history(oracle)
        #expect(expected.count == Self.submissions.count)

        let restarted = server.url + "?schema=restarted"
        let errors = StandardError()
        let compile = try Self.start(
            ["compile"] + Self.submissions + ["--store", restarted], fault: "compile-submission:40:pause:4",
            errors: errors)
        try #require(errors.wait(for: "pausing", timeout: 120), "the compile never reached its pause: \(errors.text)")
        try server.restart()
        #expect(Self.finish(compile) == 0, "\(errors.text)")
        #expect(try await Self.history(restarted) == expected)
    }

    @Test func anImportCutByAServerRestartLeavesNothingAndRunsAgainToTheUndisturbedFigures() async throws {
        let server = try PrivatePostgres(label: "import")
        let file = try ResumableWorkTests.inventory()
        let oracle = server.url + "?schema=undisturbed"
        let arguments = ["import", file.path, "--organisation", "751", "--observed", "2026-11-30", "--store"]
        #expect(Self.finish(try Self.start(arguments + [oracle])) == 0)
        let expected = try await ResumableWorkTests.export(oracle)

        let restarted = server.url + "?schema=restarted"
        let errors = StandardError()
        let cut = try Self.start(arguments + [restarted], fault: "import-batch:3:pause:4", errors: errors)
        try #require(errors.wait(for: "pausing", timeout: 120), "the import never reached its pause: \(errors.text)")
        try server.restart()
        // The import's one transaction died with its connection: a store failure (74), said plainly.
        #expect(Self.finish(cut) == 74, "\(errors.text)")
        #expect(errors.text.contains("store"), "\(errors.text)")
        let halfway = try await EstateStoreFactory.open(restarted)
        #expect(try await halfway.imports(organisation: nil).isEmpty)
        #expect(try await halfway.installationCounts(organisation: 751).isEmpty)
        try await halfway.close()

        #expect(Self.finish(try Self.start(arguments + [restarted])) == 0)
        let body = try await ResumableWorkTests.export(restarted)
        #expect(body.installations.counts == expected.installations.counts)
        #expect(body.installations.hosts == expected.installations.hosts)
        let after = try await EstateStoreFactory.open(restarted)
        #expect(try await after.imports(organisation: 751).map(\.softwareRecords) == [150_000])
        try await after.close()
    }

    /// Killed (SIGKILL) right after a seeded submission was loaded, then run again: the store ends as an
    /// undisturbed compile leaves it, on both backends.
    @Test(arguments: ["sqlite", "postgres"]) func aKilledCompileRunAgainEndsWithTheUndisturbedFigures(
        _ backend: String
    ) async throws {
        let server = backend == "postgres" ? try PrivatePostgres(label: "killed-compile") : nil
        func location(_ name: String) throws -> String {
            if let server { return server.url + "?schema=\(name)" }
            return try Fixtures.temporaryDirectory("killed-compile-\(name)").appendingPathComponent("s.sqlite").path
        }
        let oracle = try location("undisturbed")
        #expect(Self.finish(try Self.start(["compile"] + Self.submissions + ["--store", oracle])) == 0)
        let expected = try await Self.history(oracle)

        var generator = SeededGenerator(seed: backend == "postgres" ? 57 : 58)
        for round in 0..<3 {
            let store = try location("killed\(round)")
            let point = Int.random(in: 1..<Self.submissions.count, using: &generator)
            let killed = try Self.start(
                ["compile"] + Self.submissions + ["--store", store], fault: "compile-submission:\(point)")
            killed.waitUntilExit()
            #expect(killed.terminationReason == .uncaughtSignal && killed.terminationStatus == SIGKILL)
            #expect(try await Self.history(store).count == point, "killed after submission \(point)")
            #expect(Self.finish(try Self.start(["compile"] + Self.submissions + ["--store", store])) == 0)
            #expect(try await Self.history(store) == expected, "round \(round), killed after \(point)")
        }
    }
}

/// A child's standard error, collected as it comes, so a test can wait for a line.
final class StandardError: @unchecked Sendable {
    let pipe = Pipe()
    private let condition = NSCondition()
    private var collected = Data()

    init() {
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.condition.lock()
            self.collected.append(data)
            self.condition.broadcast()
            self.condition.unlock()
            if data.isEmpty { handle.readabilityHandler = nil }
        }
    }

    var text: String {
        condition.lock()
        defer { condition.unlock() }
        return String(decoding: collected, as: UTF8.self)
    }

    /// Waits until `needle` has been written; false after `timeout` seconds.
    func wait(for needle: String, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while !String(decoding: collected, as: UTF8.self).contains(needle) {
            if !condition.wait(until: deadline) { return false }
        }
        return true
    }
}
