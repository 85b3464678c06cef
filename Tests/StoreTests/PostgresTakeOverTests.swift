import Foundation
import OverblikModel
import Store
import StorePostgres
import Testing
import TestSupport

/// Who may take over a PostgreSQL scan or import left unfinished: only the next one on the same machine once
/// the process that wrote it is gone; never work held by a running process or by another machine (several
/// scanners write one PostgreSQL store), and never two at once. The oracle for "gone" is a process this test
/// ran to its end; the owner column is rewritten with psql as a killed or remote writer would have left it.
@Suite(.tags(.store, .postgres)) struct PostgresTakeOverTests {
    /// The store, its schema, and the server's URL without the schema (for psql).
    static func open() async throws -> (PostgresEstateStore, String, String) {
        let location = try Backend.postgres.freshLocation()
        guard case .postgres(let url) = location, let schema = url.components(separatedBy: "schema=").last,
            let base = Backend.postgresURL
        else { throw TestSetupError.postgresMissing }
        let store = try #require(try await EstateStoreFactory.open(location) as? PostgresEstateStore)
        return (store, schema, base)
    }

    /// The id of a process that ran and ended: certainly gone.
    static func endedProcess() async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        await process.ended()
        return process.processIdentifier
    }

    static func sql(_ base: String, _ schema: String, _ statement: String) async throws {
        let status = try await MigrationTests.psql(base, ["-c", "SET search_path TO \(schema); \(statement)"])
        try #require(status == 0, "psql failed: \(statement)")
    }

    static func header(_ root: String) -> ScanHeader {
        ScanHeader(organisation: 751, root: root, catalog: testCatalog, includePaths: false)
    }

    @Test func aStageIsTakenOverOnlyWhenItsProcessIsGoneAndNeverByTwo() async throws {
        let (store, schema, base) = try await Self.open()
        defer { Task { try? await store.close() } }
        let files = (1...5).map { document("/srv/t/\($0).odt", size: Int64($0)) }
        // A scan of this (running) process stages a batch and stops without finishing.
        let running = try await store.beginScan(Self.header("/srv/t"))
        try await running.add(files)
        #expect(try await store.unfinishedScans().map(\.staged) == [5])
        // Its process runs: the next scan neither knows its files nor takes its stage.
        #expect(try await store.fileIndex(organisation: 751, root: "/srv/t").takenOver == 0)
        let mine = try await Self.answer(base, "SELECT owner FROM \(schema).scan_progress")
        #expect(mine.split(separator: " ").count == 4)
        // Held by another machine: never taken over, whatever its process.
        try await Self.sql(base, schema, "UPDATE scan_progress SET owner = 'another-machine boot 1 1'")
        #expect(try await store.fileIndex(organisation: 751, root: "/srv/t").takenOver == 0)
        // Written by a process of this machine that has ended: its files are known as staged.
        let gone = try await Self.endedProcess()
        try await Self.sql(
            base, schema,
            "UPDATE scan_progress SET owner = regexp_replace('\(mine)', ' [0-9]+ [^ ]+$', ' \(gone) 0')")
        let index = try await store.fileIndex(organisation: 751, root: "/srv/t")
        #expect(index.takenOver == 5)
        #expect(index.stamp(forPath: "/srv/t/3.odt") == FileStamp(size: 3, modifiedSeconds: 1_700_000_000))
        // Four scans of the root begin at once: one takes the stage over, the others open their own.
        let sessions = try await withThrowingTaskGroup(of: (any ScanSession).self) { group in
            for _ in 0..<4 { group.addTask { try await store.beginScan(Self.header("/srv/t")) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(try await store.unfinishedScans().map(\.staged).sorted() == [0, 0, 0, 5])
        for session in sessions { await session.cancel() }
        await running.cancel()
        #expect(try await store.unfinishedScans().isEmpty)
    }

    /// psql's answer to one query, unaligned.
    static func answer(_ base: String, _ query: String) async throws -> String {
        let file = try Fixtures.temporaryDirectory("psql").appendingPathComponent("answer.txt")
        let status = try await MigrationTests.psql(base, ["-t", "-A", "-o", file.path, "-c", query])
        try #require(status == 0, "psql failed: \(query)")
        return try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func anImportHeldByARunningProcessIsRefusedAndOneWhoseProcessIsGoneIsTakenOver() async throws {
        let (store, schema, base) = try await Self.open()
        defer { Task { try? await store.close() } }
        let header = ImportHeader(
            organisation: 751, fileHash: "sha256:held", fileName: "inventory.csv", format: "csv", catalog: testCatalog,
            linesRead: 3, unreadableLines: 0)
        let running = try await store.beginImport(header)
        try await running.add(software: [software(line: 1, host: "h:1"), software(line: 2, host: "h:2")])
        // Counted nowhere while unfinished.
        #expect(try await store.imports(organisation: nil).isEmpty)
        #expect(try await store.distinctHosts(organisation: 751) == 0)
        #expect(try await store.unfinishedImports().map(\.softwareRecords) == [2])
        // The same file again while its importer runs: refused, and the running import is left as it is.
        await #expect(throws: StoreError.self) { _ = try await store.beginImport(header) }
        #expect(try await store.unfinishedImports().map(\.softwareRecords) == [2])
        // Its process gone: the next import of the file skips the two lines stored and adds the third.
        let gone = try await Self.endedProcess()
        try await Self.sql(
            base, schema, "UPDATE imports SET owner = regexp_replace(owner, ' [0-9]+ [^ ]+$', ' \(gone) 0')")
        let again = try await store.beginImport(header)
        try await again.add(software: [
            software(line: 1, host: "h:1"), software(line: 2, host: "h:2"), software(line: 3, host: "h:3"),
        ])
        guard case .imported(let summary) = try await again.finish(finished: Date()) else {
            Issue.record("expected the import to finish")
            return
        }
        #expect(summary.softwareRecords == 3)
        #expect(try await store.distinctHosts(organisation: 751) == 3)
        #expect(try await store.unfinishedImports().isEmpty)
        await running.cancel()
        // The cancelled first session removes nothing of the finished import it no longer owns.
        #expect(try await store.imports(organisation: 751).map(\.softwareRecords) == [3])
    }
}
