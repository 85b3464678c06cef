import Foundation
import GRDB
import OverblikModel
import Synchronization
import Testing
import TestSupport

@testable import Store

/// A first scan's snapshot written from the stamps its session staged (``StampRuns``), against the snapshot the
/// unchanged slow path reads back from the rows of the same store.
@Suite(.tags(.store)) struct StampRunsTests {
    /// The statement only the slow path runs: the root's rows read back in digest order.
    static let readBack = "INDEXED BY documents_folders"

    /// The statements SQL ran on the store's writer while `body` ran.
    final class StatementLog: Sendable {
        private let statements = Mutex<[String]>([])
        var all: [String] { statements.withLock { $0 } }
        func add(_ sql: String) { statements.withLock { $0.append(sql) } }
        /// Whether the snapshot was read back from the rows.
        var readRows: Bool { all.contains { $0.contains(StampRunsTests.readBack) } }
    }

    static func logging<T>(
        _ store: SQLiteEstateStore, _ body: () async throws -> T
    ) async throws -> (T, StatementLog) {
        let log = StatementLog()
        try await store.queue.writeWithoutTransaction { db in
            db.trace { event in
                if case .statement(let statement) = event { log.add(statement.sql) }
            }
        }
        let result = try await body()
        try await store.queue.writeWithoutTransaction { db in db.trace(nil) }
        return (result, log)
    }

    /// The snapshot the slow path writes for `root` from the store's rows (nil: it keeps none).
    static func snapshotFromRows(_ store: SQLiteEstateStore, root: String) async throws -> Data? {
        try await store.queue.write { db in
            let scan = try #require(try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM scans"))
            try FileIndexSnapshot.update(
                db, organisation: 751, rootKey: store.pseudonymiser.rootKey(root),
                rootFolder: store.pseudonymiser.pathKey(root), previousScan: nil, scan: scan, documentsChanged: true)
        }
        return try await FileIndexSnapshotTests().snapshotRow(store)?.stamps
    }

    // MARK: The runs

    @Test(arguments: [(1, 0), (2, 1), (3, 1), (4, 9), (5, 10), (6, 300), (7, 1000), (8, 5000)])
    func mergedRunsGiveEachDigestItsLastStampInDigestOrder(seed: UInt64, count: Int) throws {
        var random = SeededGenerator(seed: seed)
        for capacity in [1, 2, 3, 7, 64, StampRuns.defaultCapacity] {
            let directory = try Fixtures.temporaryDirectory("runs").path
            var runs = StampRuns(capacity: capacity, directory: directory)
            // Few distinct digests: many given twice or more, within a run and across runs. Half of them share
            // their first word's leading bits (one crowded bucket), half are spread as keyed hashes are.
            let digests = (0..<max(1, count / 3)).map { _ in
                PathDigest(high: random.next() % 2 == 0 ? random.next() % 4 : random.next(), low: random.next())
            }
            var expected: [PathDigest: FileStamp] = [:]
            for _ in 0..<count {
                let digest = digests[Int(random.next() % UInt64(digests.count))]
                let stamp = FileStamp(
                    size: Int64(bitPattern: random.next()) & .max, modifiedSeconds: Double(random.next() % 1000) / 3)
                expected[digest] = stamp
                let added = runs.add(key: digest.key, size: stamp.size, modified: stamp.modified)
                #expect(added)
            }
            let taken = runs.sorted()
            let sorted = try #require(taken)
            #expect(sorted.spilledRuns == (capacity < StampRuns.defaultCapacity ? count / capacity : 0))
            var merged: [StampTable.Entry] = []
            #expect(sorted.forEach { merged.append($0) })
            let oracle = expected.map { StampTable.Entry(digest: $0, stamp: $1) }.sorted { $0.digest < $1.digest }
            #expect(merged == oracle)
        }
    }

    @Test func aKeyThatIsNotADigestMakesTheRunsUnusable() {
        var runs = StampRuns(capacity: 4, directory: NSTemporaryDirectory())
        let digest = runs.add(key: PathDigest(high: 1, low: 2).key, size: 1, modified: 1)
        let path = runs.add(key: "/srv/a/f.odt", size: 1, modified: 1)
        let notHex = runs.add(key: "p:" + String(repeating: "g", count: 32), size: 1, modified: 1)
        #expect(digest && !path && !notHex)
    }

    @Test func aRunThatCannotBeSpilledMakesTheRunsUnusable() {
        var runs = StampRuns(capacity: 2, directory: "/nonexistent-\(UUID().uuidString)")
        let first = runs.add(key: PathDigest(high: 1, low: 2).key, size: 1, modified: 1)
        // The run is full at the second entry: its spill fails.
        let second = runs.add(key: PathDigest(high: 1, low: 3).key, size: 1, modified: 1)
        #expect(first && !second)
    }

    // MARK: Against the rows (the oracle)

    /// Stamps at the edges of what a row holds: whole numbers SQLite keeps as integers, the largest and smallest
    /// doubles, infinities.
    static let edgeTimes: [Double] = [
        0, 1, -1, 1_700_000_000.123_456, -1e9, 2_251_799_813_685_247, -2_251_799_813_685_248, 9_007_199_254_740_994,
        1e300, -1e300, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity, -.infinity,
    ]
    static let edgeSizes: [Int64] = [0, 1, .max, 4096]

    @Test(arguments: [
        (1, 0, 1), (2, 1, 1), (3, 2, 1), (4, 40, 3), (5, 40, 7), (6, 260, 16), (7, 260, 65_536), (8, 100, 2),
        (9, 500, 64), (10, 37, 37),
    ])
    func aFirstScansSnapshotFromItsRunsIsTheOneItsRowsGive(seed: UInt64, files: Int, capacity: Int) async throws {
        var random = SeededGenerator(seed: seed)
        let (store, _) = try FileIndexSnapshotTests().openFileStore()
        defer { Task { try? await store.close() } }
        let root = "/srv/o\(seed)"
        var staged: [DocumentRecord] = []
        for index in 0..<files {
            let path = "\(root)/d\(random.next() % 7)/s\(random.next() % 3)/f\(index).odt"
            staged.append(Self.record(path, &random))
            // About one file in five staged again later (another batch, or the same one) with another stamp.
            if random.next() % 5 == 0 { staged.insert(Self.record(path, &random), at: staged.count - 1) }
            if random.next() % 6 == 0, let earlier = staged.randomElement(using: &random) {
                staged.append(Self.record(earlier.path, &random))
            }
        }
        let distinct = Set(staged.map(\.path)).count
        let (summary, log) = try await Self.logging(store) {
            try await StampRuns.$capacity.withValue(capacity) {
                let session = try await store.beginScan(ScanHeader(organisation: 751, root: root, catalog: testCatalog))
                var rest = staged[...]
                while !rest.isEmpty {
                    let batch = rest.prefix(Int(1 + random.next() % 40))
                    rest = rest.dropFirst(batch.count)
                    try await session.add(Array(batch))
                }
                return try await session.finish(finished: Date())
            }
        }
        #expect(summary.new == distinct)
        #expect(!log.readRows)
        let fromRuns = try #require(try await FileIndexSnapshotTests().snapshotRow(store))
        #expect(fromRuns.scan == summary.id)
        let fromRows = try await Self.snapshotFromRows(store, root: root)
        #expect(fromRows == fromRuns.stamps)
        #expect(fromRuns.stamps.withUnsafeBytes { StampTable(snapshot: $0) }?.count == distinct)
    }

    static func record(_ path: String, _ random: inout SeededGenerator) -> DocumentRecord {
        let size = random.next() % 3 == 0 ? edgeSizes.randomElement(using: &random)! : Int64(random.next() % 1_000_000)
        let modified =
            random.next() % 3 == 0
            ? edgeTimes.randomElement(using: &random)! : Double(random.next() % 2_000_000_000) / 1000
        return document(path, size: size, modified: modified)
    }

    @Test(arguments: [(UInt64(1), 3), (2, 50), (3, 400)])
    func storedDoublesComeBackAsTheRunsHoldThem(seed: UInt64, files: Int) async throws {
        // Stamps as a row may hold them but a file system never gives (-0.0, which SQLite reads back as +0.0,
        // subnormals), written behind the scan's back: the runs given the same values must make the same bytes.
        var random = SeededGenerator(seed: seed)
        let (store, _) = try FileIndexSnapshotTests().openFileStore()
        defer { Task { try? await store.close() } }
        let root = "/srv/raw"
        let paths = (0..<files).map { "\(root)/d\($0 % 4)/f\($0).odt" }
        try await scan(store, root: root, paths.map { document($0) })
        let times = Self.edgeTimes + [-0.0, -.leastNonzeroMagnitude, .leastNormalMagnitude, 0.5, -0.5]
        for capacity in [1, 2, 5, 64] {
            var runs = StampRuns(capacity: capacity, directory: try Fixtures.temporaryDirectory("raw").path)
            var last: [String: (Int64, Double)] = [:]
            for _ in 0..<(files * 2) {
                let path = paths.randomElement(using: &random)!
                let stamp = (
                    Self.edgeSizes.randomElement(using: &random)!, times.randomElement(using: &random)!
                )
                last[path] = stamp
                let added = runs.add(key: store.pseudonymiser.pathKey(path), size: stamp.0, modified: stamp.1)
                #expect(added)
            }
            for path in paths where last[path] == nil {
                last[path] = (100, 1_700_000_000)
                let added = runs.add(key: store.pseudonymiser.pathKey(path), size: 100, modified: 1_700_000_000)
                #expect(added)
            }
            let stored = last
            try await store.queue.write { db in
                for (path, stamp) in stored {
                    try db.execute(
                        sql: "UPDATE documents SET size = ?, modified = ? WHERE path_key = ?",
                        arguments: [stamp.0, stamp.1, store.pseudonymiser.pathKey(path)])
                }
            }
            let taken = runs.sorted()
            let sorted = try #require(taken)
            let (_, log) = try await Self.logging(store) {
                try await store.queue.write { db in
                    let scan = try #require(try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM scans"))
                    try FileIndexSnapshot.update(
                        db, organisation: 751, rootKey: store.pseudonymiser.rootKey(root),
                        rootFolder: store.pseudonymiser.pathKey(root), previousScan: nil, scan: scan,
                        documentsChanged: true, staged: (sorted, files))
                }
            }
            #expect(!log.readRows)
            let fromRuns = try #require(try await FileIndexSnapshotTests().snapshotRow(store)).stamps
            #expect(try await Self.snapshotFromRows(store, root: root) == fromRuns)
        }
    }

    @Test func runsThatCannotMakeTheRowsSnapshotLeaveItToTheRows() async throws {
        let (store, _) = try FileIndexSnapshotTests().openFileStore()
        defer { Task { try? await store.close() } }
        let root = "/srv/short"
        let paths = (0..<6).map { "\(root)/f\($0).odt" }
        try await scan(store, root: root, paths.map { document($0) })
        let rows = try #require(try await FileIndexSnapshotTests().snapshotRow(store)).stamps
        // One file short of the rows, and a size no file has: either way the rows are read.
        var short = StampRuns(capacity: 2, directory: try Fixtures.temporaryDirectory("short").path)
        var negative = StampRuns(capacity: 2, directory: try Fixtures.temporaryDirectory("short").path)
        for (index, path) in paths.enumerated() {
            let shortAdded = index == 0 || short.add(key: store.pseudonymiser.pathKey(path), size: 1, modified: 1)
            let added = negative.add(key: store.pseudonymiser.pathKey(path), size: index == 3 ? -1 : 1, modified: 1)
            #expect(shortAdded && added)
        }
        let taken = [short.sorted(), negative.sorted()]
        for runs in try taken.map({ try #require($0) }) {
            let (_, log) = try await Self.logging(store) {
                try await store.queue.write { db in
                    let scan = try #require(try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM scans"))
                    try FileIndexSnapshot.update(
                        db, organisation: 751, rootKey: store.pseudonymiser.rootKey(root),
                        rootFolder: store.pseudonymiser.pathKey(root), previousScan: nil, scan: scan,
                        documentsChanged: true, staged: (runs, paths.count))
                }
            }
            #expect(log.readRows)
            #expect(try await FileIndexSnapshotTests().snapshotRow(store)?.stamps == rows)
        }
    }

    // MARK: Scans

    @Test func aFirstScanFromItsRunsLetsTheUnchangedRescanSkipEveryFile() async throws {
        let (store, _) = try FileIndexSnapshotTests().openFileStore()
        defer { Task { try? await store.close() } }
        let files = (0..<50).map { document("/srv/e/d\($0 % 4)/f\($0).odt", size: Int64($0)) }
        let (_, log) = try await Self.logging(store) {
            try await StampRuns.$capacity.withValue(4) { try await scan(store, root: "/srv/e", files) }
        }
        #expect(!log.readRows)
        let rescan = try await DedicatedThread.run {
            let recorder = try ScanRecorder(
                store: store, header: ScanHeader(organisation: 751, root: "/srv/e", catalog: testCatalog))
            let read = files.filter {
                !recorder.index.isUnchanged(path: $0.path, size: $0.size, modified: $0.modified)
            }
            return (read, try recorder.finish())
        }
        #expect(rescan.0.isEmpty)
        #expect(rescan.1.unchanged == files.count && rescan.1.new == 0 && rescan.1.deleted == 0)
    }

    @Test func aScanThatTookOverAKilledStageReadsItsSnapshotFromTheRows() async throws {
        let (store, _) = try FileIndexSnapshotTests().openFileStore()
        defer { Task { try? await store.close() } }
        let files = (0..<30).map { document("/srv/k/d\($0 % 3)/f\($0).odt", size: Int64($0)) }
        // A scan that staged half the files and was killed: its owner is this process under another start.
        let killed = try await store.beginScan(ScanHeader(organisation: 751, root: "/srv/k", catalog: testCatalog))
        try await killed.add(Array(files.prefix(15)))
        var gone = ScanOwner.current(pseudonymiser: store.pseudonymiser)
        gone.start += "0"
        let goneOwner = gone.text
        try await store.queue.write { db in
            try db.execute(sql: "UPDATE scan_progress SET owner = ?", arguments: [goneOwner])
        }
        let (summary, log) = try await Self.logging(store) {
            try await DedicatedThread.run {
                try StampRuns.$capacity.withValue(4) {
                    let recorder = try ScanRecorder(
                        store: store, header: ScanHeader(organisation: 751, root: "/srv/k", catalog: testCatalog))
                    for file in files
                    where !recorder.index.isUnchanged(path: file.path, size: file.size, modified: file.modified) {
                        try recorder.add(file)
                    }
                    return try recorder.finish()
                }
            }
        }
        #expect(summary.new == files.count)
        #expect(log.readRows)
        let snapshot = try #require(try await FileIndexSnapshotTests().snapshotRow(store))
        #expect(snapshot.scan == summary.id)
        #expect(snapshot.stamps.withUnsafeBytes { StampTable(snapshot: $0) }?.count == files.count)
        #expect(try await Self.snapshotFromRows(store, root: "/srv/k") == snapshot.stamps)
    }

    @Test func aRescanAndARowOutsideTheRootReadTheRows() async throws {
        let (store, _) = try FileIndexSnapshotTests().openFileStore()
        defer { Task { try? await store.close() } }
        let files = (0..<10).map { document("/srv/r/f\($0).odt", size: Int64($0)) }
        try await scan(store, root: "/srv/r", files)
        // A rescan that reads a file again: documents were stored below the root.
        let (_, rescan) = try await Self.logging(store) {
            try await scan(
                store, root: "/srv/r", [document(files[0].path, size: 99)], unchanged: files.dropFirst().map(\.path))
        }
        #expect(rescan.readRows)
        // A first scan of another root given a file outside it.
        let (_, outside) = try await Self.logging(store) {
            try await scan(store, root: "/srv/s", [document("/srv/s/a.odt"), document("/srv/elsewhere/b.odt")])
        }
        #expect(outside.readRows)
    }

    // MARK: Spill files

    /// The spill files this process holds open in `directory` (removed from it: `(deleted)` on Linux).
    static func openSpills(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").compactMap { fd in
            let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")
            return target.flatMap { $0.hasPrefix(directory + "/.overblik-stamps-") ? $0 : nil }
        }
    }

    enum Ending: CaseIterable { case finish, cancel, failedFinish }

    @Test(arguments: Ending.allCases)
    func spillFilesAreNeverListedAndGoWithTheSession(ending: Ending) async throws {
        let (store, path) = try FileIndexSnapshotTests().openFileStore()
        defer { Task { try? await store.close() } }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let files = (0..<20).map { document("/srv/t/f\($0).odt", size: Int64($0)) }
        try await StampRuns.$capacity.withValue(3) {
            let session = try await store.beginScan(ScanHeader(organisation: 751, root: "/srv/t", catalog: testCatalog))
            try await session.add(files)
            // Spilled (six runs) into a file open beside the store and listed nowhere.
            #expect(try Self.openSpills(in: directory).count == 1)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: directory).allSatisfy {
                    $0.hasPrefix("store.sqlite")
                })
            switch ending {
            case .finish:
                _ = try await session.finish(finished: Date())
            case .cancel:
                await session.cancel()
            case .failedFinish:
                // The stage gone behind the session's back: its finish fails.
                try await store.queue.write { db in
                    for stage in try String.fetchAll(
                        db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'scan_stage_%'")
                    {
                        try db.execute(sql: "DROP TABLE \(stage)")
                    }
                }
                await #expect(throws: StoreError.self) { _ = try await session.finish(finished: Date()) }
            }
        }
        #expect(try Self.openSpills(in: directory).isEmpty)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory).allSatisfy { $0.hasPrefix("store.sqlite") })
    }
}
