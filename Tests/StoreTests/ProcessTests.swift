import Foundation
import OverblikModel
import Store
import StorePostgres
import Testing
import TestSupport

/// Runs `StoreStressHelper` (built beside the test bundle) as a child process.
struct Helper {
    static var executable: URL? {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [directory, directory.deletingLastPathComponent()].map {
            $0.appendingPathComponent("StoreStressHelper")
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    let process = Process()
    let output = Pipe()

    init(_ arguments: [String]) throws {
        guard let executable = Self.executable else {
            Issue.record("StoreStressHelper is not built; run `swift build --build-tests` first")
            throw TestSetupError.helperMissing("StoreStressHelper")
        }
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
    }

    /// Kills the child (SIGKILL) as soon as it prints a line starting with `prefix`, and waits for it to end; false
    /// when it ended before printing one. The kill is sent from the thread that reads the line: a test task
    /// resumed afterwards may run seconds later on a loaded machine, when the child has finished.
    func kill(afterLine prefix: String) async -> Bool {
        let handle = output.fileHandleForReading
        let pid = process.processIdentifier
        let seen =
            (try? await DedicatedThread.run { () -> Bool in
                var buffer = ""
                while true {
                    let data = handle.availableData
                    if data.isEmpty { return false }
                    buffer += String(decoding: data, as: UTF8.self)
                    if buffer.split(separator: "\n").contains(where: { $0.hasPrefix(prefix) }) {
                        Foundation.kill(pid, SIGKILL)
                        return true
                    }
                }
            }) ?? false
        await process.ended()
        return seen
    }

    /// Reads everything the child prints until it exits; returns its output and status.
    func finish() async -> (output: String, status: Int32) {
        let data = await output.readAll()
        await process.ended()
        return (String(decoding: data, as: UTF8.self), process.terminationStatus)
    }

}

func locationArgument(_ location: StoreLocation) -> String {
    switch location {
    case .sqlite(let path): return path
    case .sqliteInMemory: return ":memory:"
    case .postgres(let url): return url
    }
}

@Suite(.tags(.store, .postgres, .slow)) struct ProcessTests {
    static let documents = 12_000

    @Test(arguments: Backend.persistent)
    func scanKilledMidwayLeavesASoundStoreAndTheNextScanCompletes(backend: Backend) async throws {
        let location = try backend.freshLocation()
        let argument = locationArgument(location)
        let child = try Helper(["scan", argument, "751", "/srv/share", String(Self.documents), "100"])
        #expect(await child.kill(afterLine: "batch 3000"))
        #expect(child.process.terminationReason == .uncaughtSignal)

        let store = try await EstateStoreFactory.open(location)
        if let sqlite = store as? SQLiteEstateStore {
            #expect(try await sqlite.integrityCheck() == "ok")
        }
        // Nothing of the killed scan is visible.
        #expect(try await store.scans(organisation: nil).isEmpty)
        #expect(try await store.documentCounts(organisation: 751).isEmpty)
        try await store.close()

        // The next run completes with the same totals as an uninterrupted run into a fresh store.
        let rerun = try await Helper(["scan", argument, "751", "/srv/share", String(Self.documents)]).finish()
        #expect(rerun.status == 0)
        #expect(rerun.output.contains("done new=\(Self.documents) changed=0 unchanged=0 deleted=0"))
        let cleanLocation = try backend.freshLocation()
        let clean = try await Helper([
            "scan", locationArgument(cleanLocation), "751", "/srv/share", String(Self.documents),
        ])
        .finish()
        #expect(clean.status == 0)
        let recovered = try await EstateStoreFactory.open(location)
        let reference = try await EstateStoreFactory.open(cleanLocation)
        let recoveredCounts = try await recovered.documentCounts(organisation: 751)
        #expect(recoveredCounts.reduce(0) { $0 + $1.count } == Self.documents)
        #expect(recoveredCounts == (try await reference.documentCounts(organisation: 751)))
        try await recovered.close()
        try await reference.close()
    }

    @Test(arguments: Backend.persistent)
    func importKilledMidwayLeavesNothingAndCanBeRedone(backend: Backend) async throws {
        let location = try backend.freshLocation()
        let argument = locationArgument(location)
        let child = try Helper(["import", argument, "751", "sha256:killed", String(Self.documents), "100"])
        #expect(await child.kill(afterLine: "batch 3000"))

        let store = try await EstateStoreFactory.open(location)
        if let sqlite = store as? SQLiteEstateStore {
            #expect(try await sqlite.integrityCheck() == "ok")
        }
        #expect(try await store.importSummary(organisation: 751, fileHash: "sha256:killed") == nil)
        #expect(try await store.installationCounts(organisation: 751).isEmpty)
        try await store.close()

        let rerun = try await Helper(["import", argument, "751", "sha256:killed", String(Self.documents)]).finish()
        #expect(rerun.status == 0)
        #expect(rerun.output.contains("done records=\(Self.documents)"))
        let after = try await EstateStoreFactory.open(location)
        // 50 distinct hosts in the synthetic inventory.
        #expect(
            try await after.installationCounts(organisation: 751) == [
                .init(product: "libreoffice", versionLine: "7.6", hosts: 50)
            ])
        #expect(try await after.imports(organisation: 751).first?.softwareRecords == Self.documents)
        try await after.close()
    }

    @Test(arguments: Backend.persistent)
    func twoProcessesWriteOneStoreAtOnce(backend: Backend) async throws {
        let location = try backend.freshLocation()
        // Create the schema first, as a deployed store would have it.
        try await EstateStoreFactory.open(location).close()
        let argument = locationArgument(location)
        let children = try [
            Helper(["scan", argument, "751", "/srv/server1", "6000", "5"]),
            Helper(["scan", argument, "751", "/srv/server2", "6000", "5"]),
            Helper(["import", argument, "751", "sha256:one", "4000", "5"]),
            Helper(["import", argument, "101", "sha256:two", "4000", "5"]),
        ]
        var results: [(output: String, status: Int32)] = []
        for child in children { results.append(await child.finish()) }
        for result in results {
            #expect(result.status == 0, "child failed: \(result.output)")
            #expect(result.output.contains("done"))
        }
        let store = try await EstateStoreFactory.open(location)
        #expect(try await store.documentCounts(organisation: 751).reduce(0) { $0 + $1.count } == 12_000)
        #expect(try await store.scans(organisation: 751).count == 2)
        #expect(try await store.imports(organisation: nil).map(\.softwareRecords) == [4000, 4000])
        if let sqlite = store as? SQLiteEstateStore {
            #expect(try await sqlite.integrityCheck() == "ok")
        }
        try await store.close()
    }
}
