import Foundation
import GRDB
import GRDBSQLite
import OverblikModel
import StorePostgres
import Testing
import TestSupport

@testable import Store

/// The stamp table behind every file index, and the per-root snapshot a SQLite store reads it from.
@Suite(.tags(.store, .postgres)) struct FileIndexSnapshotTests {
    static func randomEntries(_ count: Int, seed: UInt64) -> [StampTable.Entry] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            StampTable.Entry(
                digest: PathDigest(high: random.next(), low: random.next()),
                stamp: FileStamp(
                    size: Int64(random.next() % 1_000_000), modifiedSeconds: Double(random.next() % 2_000_000_000) / 7))
        }
    }

    @Test(arguments: [0, 1, 2, 17, 1000, 70000])
    func theTableAnswersAsADictionaryWouldAndItsSnapshotReadsBackTheSame(count: Int) throws {
        var entries = Self.randomEntries(count, seed: UInt64(count) + 1)
        // Digests sharing their leading bits, and one given twice (the later stamp wins, as in a dictionary).
        if count >= 2 {
            entries.append(
                StampTable.Entry(
                    digest: PathDigest(high: entries[0].digest.high, low: entries[0].digest.low &+ 1),
                    stamp: FileStamp(size: 5, modifiedSeconds: 5)))
            entries.append(StampTable.Entry(digest: entries[1].digest, stamp: FileStamp(size: 9, modifiedSeconds: 9)))
        }
        var expected: [PathDigest: FileStamp] = [:]
        for entry in entries { expected[entry.digest] = entry.stamp }
        let table = StampTable(entries)
        #expect(table.count == expected.count)
        let snapshot = table.snapshotBytes
        let reread = try #require(snapshot.withUnsafeBytes { StampTable(snapshot: $0) })
        #expect(reread.snapshotBytes == snapshot)
        for candidate in [table, reread] {
            for (digest, stamp) in expected {
                #expect(candidate.stamp(for: digest) == stamp)
            }
            for absent in Self.randomEntries(200, seed: 99) {
                #expect(candidate.stamp(for: absent.digest) == expected[absent.digest])
            }
        }
    }

    @Test func theSnapshotWriterTakesEntriesOnlyInStrictlyAscendingOrderWithSizes() throws {
        let sorted = Self.randomEntries(500, seed: 7).sorted { $0.digest < $1.digest }
        var writer = StampTable.SnapshotWriter()
        for entry in sorted {
            let accepted = writer.append(entry)
            #expect(accepted)
        }
        // Written one by one in digest order: the same bytes as the table's own snapshot, and read back alike.
        #expect(writer.bytes == StampTable(sorted).snapshotBytes)
        let reread = try #require(writer.bytes.withUnsafeBytes { StampTable(snapshot: $0) })
        #expect(reread.count == 500)
        #expect(reread.stamp(for: sorted[250].digest) == sorted[250].stamp)
        // Out of order, repeated, or a negative size: refused (the caller then keeps no snapshot).
        let earlier = writer.append(sorted[0])
        let repeated = writer.append(sorted[499])
        var fresh = StampTable.SnapshotWriter()
        let negative = fresh.append(
            StampTable.Entry(digest: sorted[0].digest, stamp: FileStamp(size: -1, modifiedSeconds: 0)))
        #expect(!earlier && !repeated && !negative)
        #expect(writer.count == 500 && fresh.count == 0)
    }

    @Test func digestsWhoseBucketLiesPastTheLastEntryAreAbsentAndSafeToTouch() {
        // Every entry's bucket is the first (small first words): the later buckets start past the last entry.
        let entries = (0..<100).map {
            StampTable.Entry(
                digest: PathDigest(high: UInt64($0), low: 7), stamp: FileStamp(size: Int64($0), modifiedSeconds: 1))
        }
        let table = StampTable(entries)
        #expect(table.slotCount == 100)
        let far = [PathDigest(high: .max, low: .max), PathDigest(high: .max / 3 * 2, low: 0)]
        _ = table.touch(far + entries.map(\.digest))
        for digest in far { #expect(table.position(of: digest) == nil) }
        for entry in entries { #expect(table.stamp(for: entry.digest) == entry.stamp) }
        #expect(table.stamp(for: PathDigest(high: 5, low: 8)) == nil)
        #expect(table.stamp(for: PathDigest(high: 5, low: 6)) == nil)
    }

    @Test func aTableHoldsThirtyThreeBytesAFileAndItsLookUpsReadOneBucket() throws {
        // A rescan holds its root's table: at a million files, every byte a file is a megabyte of peak memory.
        let entries = Self.randomEntries(100_000, seed: 11)
        let table = StampTable(entries)
        #expect(table.count == 100_000)
        #expect(table.heldBytes <= 33 * table.count + 8192)
        // Look-ups read from their bucket's start to the entry: a few entries, not a long run.
        #expect(table.longestBucket < 24)
        for entry in entries.prefix(1000) { #expect(table.stamp(for: entry.digest) == entry.stamp) }
    }

    @Test func bytesThatAreNotASnapshotAreRefused() throws {
        let bytes = StampTable(Self.randomEntries(50, seed: 7)).snapshotBytes
        let refused: [[UInt8]] = [
            [],
            Array(bytes.prefix(15)),
            Array(bytes.dropLast()),
            Array(bytes.dropLast(32)),  // the count says 50 entries, 49 follow
            [0x58] + Array(bytes.dropFirst()),  // another tag
            // Two entries swapped: the digests are no longer ascending.
            Array(bytes[0..<16]) + Array(bytes[48..<80]) + Array(bytes[16..<48]) + Array(bytes[80...]),
        ]
        for candidate in refused {
            #expect(candidate.withUnsafeBytes { StampTable(snapshot: $0) } == nil)
        }
    }

    // MARK: The snapshot in a SQLite store

    func openFileStore() throws -> (store: SQLiteEstateStore, path: String) {
        let path = try Fixtures.temporaryDirectory("snapshot").appendingPathComponent("store.sqlite").path
        return (try SQLiteEstateStore(path: path), path)
    }

    func snapshotRow(_ store: SQLiteEstateStore) async throws -> (scan: Int64, stamps: Data)? {
        try await store.queue.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT t.scan_id, s.stamps FROM file_index_snapshots t JOIN file_index_snapshot_stamps s
                        USING (organisation, root_key)
                    """
            ).map { ($0["scan_id"], $0["stamps"]) }
        }
    }

    func newestScan(_ store: SQLiteEstateStore) async throws -> Int64? {
        try await store.queue.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM scans") }
    }

    /// Rescans `root` as the scanner would: every file the index calls unchanged is skipped, the rest read.
    func rescan(_ store: SQLiteEstateStore, root: String, _ files: [DocumentRecord]) async throws -> ScanSummary {
        // The recorder blocks on the store: off Swift's cooperative pool, as in the scan command.
        try await DedicatedThread.run {
            let recorder = try ScanRecorder(
                store: store, header: ScanHeader(organisation: 751, root: root, catalog: testCatalog))
            for file in files
            where !recorder.index.isUnchanged(path: file.path, size: file.size, modified: file.modified) {
                try recorder.add(file)
            }
            return try recorder.finish()
        }
    }

    @Test func aScanLeavesASnapshotThatTheNextIndexIsReadFromAndAStaleOneIsNeverUsed() async throws {
        let (store, _) = try openFileStore()
        defer { Task { try? await store.close() } }
        let files = (0..<40).map { document("/srv/p/d\($0 % 3)/f\($0).odt", size: Int64(100 + $0)) }
        try await scan(store, root: "/srv/p", files)
        let written = try #require(try await snapshotRow(store))
        #expect(written.scan == (try await newestScan(store)))
        // Only keyed digests, sizes and times: no path, folder or root in the bytes.
        // (Needles of 6 bytes or more: a 2-byte one turns up in 1,280 random bytes about one run in fifty.)
        for text in ["/srv/p", "/srv/p/d1", "f7.odt"] {
            #expect(written.stamps.range(of: Data(text.utf8)) == nil)
        }

        // The index is read from the snapshot: a snapshot claiming other stamps is believed while current...
        #expect(written.stamps.withUnsafeBytes { StampTable(snapshot: $0) }?.count == files.count)
        let first = store.pseudonymiser.pathDigest(files[0].path)
        let altered = StampTable([StampTable.Entry(digest: first, stamp: FileStamp(size: 1, modifiedSeconds: 1))])
        try await store.queue.write { db in
            try db.execute(
                sql: "UPDATE file_index_snapshot_stamps SET stamps = ?", arguments: [Data(altered.snapshotBytes)])
        }
        let fromSnapshot = try await store.fileIndex(organisation: 751, root: "/srv/p")
        #expect(fromSnapshot.count == 1)
        #expect(fromSnapshot.stamp(forPath: files[0].path) == FileStamp(size: 1, modifiedSeconds: 1))

        // ...and ignored once its scan is no longer the root's newest: the rows answer.
        try await store.queue.write { db in
            try db.execute(sql: "UPDATE file_index_snapshots SET scan_id = scan_id - 1")
        }
        let fromRows = try await store.fileIndex(organisation: 751, root: "/srv/p")
        #expect(fromRows.count == files.count)
        for file in files {
            #expect(fromRows.stamp(forPath: file.path) == FileStamp(size: file.size, modified: file.modified))
        }
        // Bytes that are not a snapshot are never used either, whatever their tag.
        try await store.queue.write { db in
            try db.execute(sql: "UPDATE file_index_snapshots SET scan_id = scan_id + 1")
            try db.execute(sql: "UPDATE file_index_snapshot_stamps SET stamps = x'0102030405'")
        }
        #expect(try await store.fileIndex(organisation: 751, root: "/srv/p").count == files.count)
    }

    @Test func aLargeSnapshotIsReadThroughASmallPageCacheAndTheStoresCacheSizeComesBack() async throws {
        let (store, _) = try openFileStore()
        defer { Task { try? await store.close() } }
        try await scan(store, root: "/srv/big", [document("/srv/big/f.odt")])
        // A snapshot of 60,000 stamps (1.9 MB, several times the cache it is read through), believed while current.
        let entries = Self.randomEntries(60_000, seed: 5)
        let big = StampTable(entries)
        try await store.queue.write { db in
            try db.execute(
                sql: "UPDATE file_index_snapshot_stamps SET stamps = ?", arguments: [Data(big.snapshotBytes)])
        }
        // The page cache's bytes after `read` ran on a connection whose cache held nothing (as at a scan's start).
        func cacheUsed(after read: @escaping @Sendable (Database) throws -> Void) async throws -> Int32 {
            try await store.queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA shrink_memory")
                try read(db)
                var used: Int32 = 0
                var highwater: Int32 = 0
                sqlite3_db_status(db.sqliteConnection, SQLITE_DBSTATUS_CACHE_USED, &used, &highwater, 0)
                return used
            }
        }
        let cacheSize = try await store.queue.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
        let index = try await store.fileIndex(organisation: 751, root: "/srv/big")
        #expect(index.count == entries.count)
        let viaIndex = try await cacheUsed { db in
            let scan = try #require(try SQLiteEstateStore.newestScan(db, organisation: 751))
            let rootKey = store.pseudonymiser.rootKey("/srv/big")
            _ = try FileIndexSnapshot.read(db, organisation: 751, rootKey: rootKey, scan: scan)
        }
        // The same bytes read as a plain column go through the store's own cache (the oracle for "filled").
        let viaColumn = try await cacheUsed { db in
            _ = try Data.fetchOne(db, sql: "SELECT stamps FROM file_index_snapshot_stamps")
        }
        #expect(viaColumn > 1_500_000)
        #expect(viaIndex < 1_000_000)
        #expect(try await store.queue.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == cacheSize)
    }

    @Test func anUnchangedRescanRetagsTheSnapshotAndAChangedOneRebuildsIt() async throws {
        let (store, _) = try openFileStore()
        defer { Task { try? await store.close() } }
        var files = (0..<30).map { document("/srv/q/f\($0).odt", size: Int64(10 + $0)) }
        try await scan(store, root: "/srv/q", files)
        let original = try #require(try await snapshotRow(store))

        let unchanged = try await rescan(store, root: "/srv/q", files)
        #expect(unchanged.unchanged == files.count && unchanged.new == 0 && unchanged.changed == 0)
        let retagged = try #require(try await snapshotRow(store))
        #expect(retagged.scan == unchanged.id)
        #expect(retagged.stamps == original.stamps)

        // One file modified (same size, later time), one gone, one new.
        files[3] = document(files[3].path, size: files[3].size, modified: 1_800_000_000)
        let gone = files.remove(at: 7)
        files.append(document("/srv/q/new.odt", size: 77))
        let changed = try await rescan(store, root: "/srv/q", files)
        #expect(changed.new == 1 && changed.changed == 1 && changed.deleted == 1)
        #expect(changed.unchanged == files.count - 2)
        let rebuilt = try #require(try await snapshotRow(store))
        #expect(rebuilt.scan == changed.id)

        let index = try await store.fileIndex(organisation: 751, root: "/srv/q")
        #expect(index.count == files.count)
        // The modified file is never unchanged at its old time; the gone file is unknown; the new one known.
        #expect(
            !index.isUnchanged(
                path: files[3].path, size: files[3].size, modified: Date(timeIntervalSince1970: 1_700_000_000)))
        #expect(index.isUnchanged(path: files[3].path, size: files[3].size, modified: files[3].modified))
        #expect(index.stamp(forPath: gone.path) == nil)
        #expect(index.stamp(forPath: "/srv/q/new.odt") == FileStamp(size: 77, modifiedSeconds: 1_700_000_000))

        // A second rescan of the changed tree finds everything unchanged.
        let again = try await rescan(store, root: "/srv/q", files)
        #expect(again.unchanged == files.count && again.new == 0 && again.changed == 0 && again.deleted == 0)
    }

    @Test func aStoreWithoutSnapshotsReadsTheRowsAndTheNextScanWritesOne() async throws {
        let (store, _) = try openFileStore()
        defer { Task { try? await store.close() } }
        let files = (0..<12).map { document("/srv/r/f\($0).odt", size: Int64($0)) }
        try await scan(store, root: "/srv/r", files)
        // As a store scanned before snapshots existed (or by a scan that could not write one).
        try await store.queue.write { db in
            try db.execute(sql: "DELETE FROM file_index_snapshots")
            try db.execute(sql: "DELETE FROM file_index_snapshot_stamps")
        }
        let summary = try await rescan(store, root: "/srv/r", files)
        #expect(summary.unchanged == files.count)
        let written = try #require(try await snapshotRow(store))
        #expect(written.scan == summary.id)
        let index = try await store.fileIndex(organisation: 751, root: "/srv/r")
        #expect(index.count == files.count)
    }

    @Test func aRowTheSnapshotCannotHoldMeansNoSnapshotAndItsDeletionIsStillFound() async throws {
        let (store, _) = try openFileStore()
        defer { Task { try? await store.close() } }
        // A size no file has: the table leaves it out, so a snapshot would count one file fewer than the rows.
        var files = (0..<5).map { document("/srv/n/f\($0).odt", size: Int64($0)) }
        files.append(document("/srv/n/odd.odt", size: -1))
        try await scan(store, root: "/srv/n", files)
        #expect(try await snapshotRow(store) == nil)
        // The odd file is gone; the others are unchanged: the deletion is noticed.
        let summary = try await rescan(store, root: "/srv/n", Array(files.prefix(5)))
        #expect(summary.unchanged == 5 && summary.deleted == 1 && summary.new == 0)
        // Without it the rows fit a snapshot again.
        #expect(try await snapshotRow(store)?.scan == summary.id)
        #expect(try await store.fileIndex(organisation: 751, root: "/srv/n").count == 5)
    }

    @Test(arguments: [Backend.sqliteMemory, .sqliteFile])
    func aDirectoryAskedInOneBatchGetsTheAnswersItWouldOneByOne(backend: Backend) async throws {
        let store = try await backend.open()
        let names = (0..<300).map { "f\($0)-æøå.odt" } + ["a.odt", "ab.odt", "b.odt"]
        try await scan(store, root: "/srv/b", names.map { document("/srv/b/d/" + $0, size: Int64($0.utf8.count)) })
        let index = try await store.fileIndex(organisation: 751, root: "/srv/b")
        // Known with the same stamp, known with another size or time, unknown, and one name asked twice.
        let stamp = { (name: String) in FileStamp(size: Int64(name.utf8.count), modifiedSeconds: 1_700_000_000) }
        var asked: [(name: String, stamp: FileStamp)] = names.enumerated().map { offset, name in
            switch offset % 4 {
            case 1: return (name, FileStamp(size: stamp(name).size + 1, modifiedSeconds: 1_700_000_000))
            case 2: return (name, FileStamp(size: stamp(name).size, modifiedSeconds: 1_700_000_000.5))
            default: return (name, stamp(name))
            }
        }
        asked += [("new.odt", stamp("new.odt")), ("a.odt", stamp("a.odt")), ("", stamp(""))]
        var bytes: [UInt8] = []
        var ends: [Int] = []
        for (name, _) in asked {
            bytes += Array(name.utf8)
            ends.append(bytes.count)
        }
        let batch = bytes.withUnsafeBufferPointer {
            index.directory("/srv/b/d/").areUnchanged(names: $0, ends: ends, stamps: asked.map(\.stamp))
        }
        let single = index.directory("/srv/b/d/")
        #expect(batch == asked.map { Self.ask(single, $0.name, $0.stamp) })
        // Offsets 0 and 3 (mod 4) kept their stamps, and "a.odt" asked again.
        #expect(batch.filter { $0 }.count == names.indices.filter { $0 % 4 == 0 || $0 % 4 == 3 }.count + 1)
        // Another directory's files are not this one's.
        let elsewhere = bytes.withUnsafeBufferPointer {
            index.directory("/srv/b/").areUnchanged(names: $0, ends: ends, stamps: asked.map(\.stamp))
        }
        #expect(!elsewhere.contains(true))
        try await store.close()
    }

    static func ask(_ check: FileIndex.DirectoryCheck, _ name: String, _ stamp: FileStamp) -> Bool {
        var bytes = Array(name.utf8)
        return bytes.withUnsafeMutableBufferPointer { check.isUnchanged(name: UnsafeBufferPointer($0), stamp: stamp) }
    }

    @Test func anotherRootsScanDoesNotTouchThisRootsSnapshot() async throws {
        let (store, _) = try openFileStore()
        defer { Task { try? await store.close() } }
        try await scan(store, root: "/srv/a", [document("/srv/a/1.odt", size: 1)])
        try await scan(store, root: "/srv/b", [document("/srv/b/1.odt", size: 2)])
        let indexA = try await store.fileIndex(organisation: 751, root: "/srv/a")
        #expect(indexA.count == 1)
        #expect(indexA.stamp(forPath: "/srv/a/1.odt")?.size == 1)
        // Another organisation's scan of the same folder is another root.
        try await scan(store, organisation: 101, root: "/srv/a", [document("/srv/a/1.odt", size: 3)])
        #expect(try await store.fileIndex(organisation: 751, root: "/srv/a").stamp(forPath: "/srv/a/1.odt")?.size == 1)
        #expect(try await store.fileIndex(organisation: 101, root: "/srv/a").stamp(forPath: "/srv/a/1.odt")?.size == 3)
    }

    // MARK: The remembered catalog stamp

    @Test(arguments: Backend.allCases)
    func aStoreRemembersTheLastCatalogStampUnderItsFingerprint(backend: Backend) async throws {
        let store = try await backend.open()
        #expect(try await store.rememberedCatalogStamp(fingerprint: "sha256:aa") == nil)
        let first = CatalogStamp(version: "2026.1", digest: "sha256:1")
        try await store.rememberCatalogStamp(first, fingerprint: "sha256:aa")
        #expect(try await store.rememberedCatalogStamp(fingerprint: "sha256:aa") == first)
        #expect(try await store.rememberedCatalogStamp(fingerprint: "sha256:bb") == nil)
        // Only the latest is kept.
        let second = CatalogStamp(version: "2026.1+mine.yaml@3", digest: "sha256:2")
        try await store.rememberCatalogStamp(second, fingerprint: "sha256:bb")
        #expect(try await store.rememberedCatalogStamp(fingerprint: "sha256:bb") == second)
        #expect(try await store.rememberedCatalogStamp(fingerprint: "sha256:aa") == nil)
        try await store.close()
    }

    // MARK: LazyValue

    @Test func aStartedValueIsComputedWithoutBeingAskedAndOnlyOnce() async throws {
        let calls = LockedCounter()
        let value = LazyValue.started { calls.increment() }
        let deadline = Date().addingTimeInterval(10)
        while calls.value == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(1)) }
        #expect(calls.value == 1)
        #expect(try value.value() == 1)
        #expect(calls.value == 1)
    }

    @Test func aLazyValueIsComputedOnceWhoeverAsksAndKeepsItsError() throws {
        let calls = LockedCounter()
        let value = LazyValue { calls.increment() }
        DispatchQueue.concurrentPerform(iterations: 8) { _ in _ = try? value.value() }
        #expect(try value.value() == 1)
        #expect(calls.value == 1)

        let started = LazyValue { calls.increment() }
        started.start()
        started.start()
        #expect(try started.value() == 2)
        #expect(calls.value == 2)

        struct Failure: Error, Equatable {}
        let failing = LazyValue<Int> {
            _ = calls.increment()
            throw Failure()
        }
        #expect(throws: Failure()) { try failing.value() }
        #expect(throws: Failure()) { try failing.value() }
        #expect(calls.value == 3)
    }
}

extension StampTable {
    /// The table's entries as a snapshot, written as a finishing scan writes one.
    var snapshotBytes: [UInt8] {
        var writer = SnapshotWriter()
        for entry in entries { _ = writer.append(entry) }
        return writer.bytes
    }

    /// Reads a snapshot; nil when the bytes are not one this build wrote (wrong tag or length, digests not
    /// strictly ascending, a negative size): the caller then reads the rows instead.
    init?(snapshot raw: UnsafeRawBufferPointer) {
        self.init(snapshotByteCount: raw.count) { buffer, offset in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + buffer.count]))
            return true
        }
    }
}
