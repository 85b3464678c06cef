import Foundation
import OfficeDocuments
import OverblikModel
import TestSupport
import Testing

/// Collects what the scanner delivers (on the calling thread).
final class CollectingSink: DocumentRecordSink {
    var records: [DocumentRecord] = []
    var issues: [WalkIssue] = []
    var onAccept: ((DocumentRecord) -> Void)?

    func accept(_ record: DocumentRecord) throws {
        onAccept?(record)
        records.append(record)
    }

    func walkIssue(_ issue: WalkIssue) throws { issues.append(issue) }
}

/// A real classifier wrapper that counts how many files have been read (classification happens once per file).
final class CountingClassifier: SuiteClassifying, Sendable {
    private let counter = LockedCounter()
    var reads: Int { counter.value }

    private func tick() { counter.increment() }

    func classify(generator: String) -> Classification {
        tick()
        return .unknown
    }

    func classify(application: String, appVersion: String?) -> Classification {
        tick()
        return .unknown
    }
}

@Suite struct ScannerTests {
    func scanner(jobs: Int, follow: Bool = false, classifier: (any SuiteClassifying)? = nil) -> DocumentScanner {
        DocumentScanner(
            reader: DocumentReader(classifier: classifier), options: ScanOptions(jobs: jobs, followSymlinks: follow))
    }

    @Test func parallelScanEqualsSequentialReads() throws {
        let root = Fixtures.url("documents").path
        let sink = CollectingSink()
        let stats = try scanner(jobs: 3).run(roots: [root], sink: sink)
        let reader = DocumentReader(classifier: nil)
        var expected: [String: DocumentRecord] = [:]
        let folders = try FileManager.default.contentsOfDirectory(atPath: root).filter {
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/" + $0, isDirectory: &isFolder) && isFolder.boolValue
        }
        #expect(folders.count >= 4)
        for folder in folders {
            for name in try FileManager.default.contentsOfDirectory(atPath: root + "/" + folder)
            where DocumentScanner.isCandidate(path: name) {
                let path = root + "/" + folder + "/" + name
                expected[path] = reader.read(path: path)
            }
        }
        #expect(stats.files == expected.count)
        #expect(sink.records.count == expected.count)
        for record in sink.records {
            #expect(expected[record.path] == record, "\(record.path)")
        }
        #expect(stats.errors == sink.records.filter { $0.error != nil }.count)
    }

    @Test func unreadableRootIsAnError() {
        #expect(throws: ScanError.self) {
            try scanner(jobs: 1).run(roots: ["/nonexistent/overblik"], sink: CollectingSink())
        }
    }

    @Test func symlinksAreNotFollowedByDefaultAndLoopsAreCaughtWhenFollowed() throws {
        let dir = try Fixtures.temporaryDirectory("walk")
        defer { try? FileManager.default.removeItem(at: dir) }
        let inner = dir.appendingPathComponent("a/b", isDirectory: true)
        try FileManager.default.createDirectory(at: inner, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Fixtures.url("documents/generated/odfpy.odt"), to: inner.appendingPathComponent("x.odt"))
        // A loop (b/loop → a) and a second path to the same file (link.odt).
        try FileManager.default.createSymbolicLink(
            atPath: inner.appendingPathComponent("loop").path, withDestinationPath: dir.appendingPathComponent("a").path
        )
        try FileManager.default.createSymbolicLink(
            atPath: dir.appendingPathComponent("link.odt").path,
            withDestinationPath: inner.appendingPathComponent("x.odt").path)
        let fifo = dir.appendingPathComponent("pipe.odt").path
        #expect(mkfifo(fifo, 0o644) == 0)

        let plain = CollectingSink()
        _ = try scanner(jobs: 2).run(roots: [dir.path], sink: plain)
        #expect(plain.records.map(\.path) == [inner.appendingPathComponent("x.odt").path])
        #expect(plain.issues.map(\.kind) == [.special])

        let following = CollectingSink()
        _ = try scanner(jobs: 2, follow: true).run(roots: [dir.path], sink: following)
        // x.odt once through the tree and once through link.odt (a file link names a distinct path);
        // the directory loop is entered once and reported.
        #expect(following.records.count == 2)
        #expect(following.issues.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.special, .symlinkLoop])
    }

    @Test func unreadableDirectoryIsReportedNotFatal() throws {
        let dir = try Fixtures.temporaryDirectory("walk")
        defer {
            chmod(dir.appendingPathComponent("locked").path, 0o755)
            try? FileManager.default.removeItem(at: dir)
        }
        let locked = dir.appendingPathComponent("locked", isDirectory: true)
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Fixtures.url("documents/generated/odfpy.odt"), to: locked.appendingPathComponent("x.odt"))
        try FileManager.default.copyItem(
            at: Fixtures.url("documents/generated/odfpy.odt"), to: dir.appendingPathComponent("y.odt"))
        #expect(chmod(locked.path, 0) == 0)
        let sink = CollectingSink()
        _ = try scanner(jobs: 1).run(roots: [dir.path], sink: sink)
        if geteuid() == 0 {
            // root reads through permissions: both files are found.
            #expect(sink.records.count == 2)
        } else {
            #expect(sink.records.map(\.path) == [dir.appendingPathComponent("y.odt").path])
            #expect(sink.issues.map(\.kind) == [.unreadableDirectory])
        }
    }

    /// Files read but not yet delivered stay bounded by the queues, however slow the sink and many the files.
    @Test func inFlightRecordsAreBoundedBySlowSink() throws {
        let dir = try Fixtures.temporaryDirectory("bounded")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = Fixtures.url("documents/generated/odfpy.odt").path
        for index in 0..<1500 {
            #expect(link(source, dir.appendingPathComponent("f\(index).odt").path) == 0)
        }
        let counter = CountingClassifier()
        let jobs = 2
        let sink = CollectingSink()
        var maxInFlight = 0
        sink.onAccept = { _ in
            maxInFlight = max(maxInFlight, counter.reads - sink.records.count)
            usleep(100)
        }
        let stats = try scanner(jobs: jobs, classifier: counter).run(roots: [dir.path], sink: sink)
        #expect(stats.files == 1500)
        // Result queue (2 batches per job) + one batch in each reader's hands + the batch being delivered.
        let batch = DocumentScanner.batchSize
        #expect(maxInFlight <= jobs * 2 * batch + jobs * batch + batch)
        #expect(maxInFlight > 0)
    }
}

/// The files a test treats as unchanged since a last scan, by path (the store's index answers the same question).
private struct KnownFiles: UnchangedFiles {
    let paths: Set<String>

    func directory(_ directory: String) -> (any UnchangedInDirectory)? { Directory(directory: directory, paths: paths) }

    final class Directory: UnchangedInDirectory {
        let directory: String
        let paths: Set<String>

        init(directory: String, paths: Set<String>) {
            self.directory = directory
            self.paths = paths
        }

        func isUnchanged(name: UnsafeBufferPointer<UInt8>, status: FileStatus) -> Bool {
            paths.contains(directory + String(decoding: name, as: UTF8.self))
        }

        func finish() {}
    }
}

@Suite struct LazyReaderTests {

    static let root = Fixtures.url("documents/generated").path

    static func candidates() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root).filter { DocumentScanner.isCandidate(path: $0) }
            .map { root + "/" + $0 }
    }

    @Test func theReaderIsMadeOnlyWhenAFileNeedsReadingAndThenOnce() throws {
        let files = try Self.candidates()
        #expect(files.count > 2)
        let calls = LockedCounter()
        func scanner(unchanged: Set<String>) -> DocumentScanner {
            var scanner = DocumentScanner(
                makeReader: {
                    calls.increment()
                    return DocumentReader(classifier: nil)
                }, options: ScanOptions(jobs: 3))
            scanner.skipUnchanged = KnownFiles(paths: unchanged)
            return scanner
        }
        let allKnown = CollectingSink()
        let skipped = try scanner(unchanged: Set(files)).run(roots: [Self.root], sink: allKnown)
        #expect(skipped.unchanged == files.count && allKnown.records.isEmpty)
        #expect(calls.value == 0)

        let someNew = CollectingSink()
        let read = try scanner(unchanged: Set(files.dropFirst(2))).run(roots: [Self.root], sink: someNew)
        #expect(read.files == 2 && read.unchanged == files.count - 2)
        #expect(Set(someNew.records.map(\.path)) == Set(files.prefix(2)))
        #expect(
            someNew.records.sorted { $0.path < $1.path }
                == files.prefix(2).sorted().map { DocumentReader(classifier: nil).read(path: $0) })
        #expect(calls.value == 1)
    }

    @Test func aReaderThatCannotBeMadeStopsTheScan() throws {
        struct CatalogBroken: Error, CustomStringConvertible {
            var description: String { "catalog broken" }
        }
        let scanner = DocumentScanner(makeReader: { throw CatalogBroken() }, options: ScanOptions(jobs: 2))
        let sink = CollectingSink()
        #expect(throws: ScanError.readerUnavailable("catalog broken")) {
            try scanner.run(roots: [Self.root], sink: sink)
        }
        #expect(sink.records.isEmpty)
    }
}

@Suite struct BatchedCheckTests {
    @Test func aDirectoryLargerThanOneCheckBatchIsAnsweredFileByFile() throws {
        let dir = try Fixtures.temporaryDirectory("batched-check")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Two and a half batches of (empty) documents in one folder, plus a file that is not a document.
        let paths = (0..<2_600).map { dir.appendingPathComponent("doc \($0) æ.odt").path }
        for path in paths { #expect(FileManager.default.createFile(atPath: path, contents: nil)) }
        #expect(FileManager.default.createFile(atPath: dir.appendingPathComponent("notes.txt").path, contents: nil))
        let unread = Set(paths.enumerated().filter { $0.offset % 97 == 5 }.map(\.element))
        var scanner = DocumentScanner(reader: DocumentReader(classifier: nil), options: ScanOptions(jobs: 2))
        scanner.skipUnchanged = KnownFiles(paths: Set(paths).subtracting(unread))
        let sink = CollectingSink()
        let stats = try scanner.run(roots: [dir.path], sink: sink)
        #expect(stats.unchanged == paths.count - unread.count)
        #expect(Set(sink.records.map(\.path)) == unread)
        #expect(sink.records.count == unread.count)
    }
}

/// A sink that encodes on the scanner's reader threads: `accept(_:encoded:)` gets, for each record, the bytes made
/// of that record, checked against a fresh encoding of it made under the scanner's lock.
final class EncodingSink: DocumentRecordEncodingSink {
    var records: [DocumentRecord] = []
    var mismatches: [String] = []
    var plainAccepts = 0

    func encode(_ record: DocumentRecord, into bytes: inout [UInt8]) {
        DocumentRecordJSON.append(record, to: &bytes)
        bytes.append(0x0A)
    }

    func accept(_ record: DocumentRecord, encoded: ArraySlice<UInt8>) throws {
        var fresh: [UInt8] = []
        encode(record, into: &fresh)
        if !encoded.elementsEqual(fresh) { mismatches.append(record.path) }
        records.append(record)
    }

    func accept(_ record: DocumentRecord) throws {
        plainAccepts += 1
        records.append(record)
    }

    func walkIssue(_ issue: WalkIssue) throws {}
}

@Suite struct ScannerHandOffTests {
    @Test(arguments: [1, 3])
    func recordsEncodedOnTheReaderThreadsReachTheSinkWithTheirOwnBytes(jobs: Int) throws {
        let root = Fixtures.url("documents").path
        let plain = CollectingSink()
        let encoding = EncodingSink()
        let options = ScanOptions(jobs: jobs)
        _ = try DocumentScanner(reader: DocumentReader(classifier: nil), options: options).run(
            roots: [root], sink: plain)
        let stats = try DocumentScanner(reader: DocumentReader(classifier: nil), options: options).run(
            roots: [root], sink: encoding)
        #expect(encoding.mismatches.isEmpty)
        #expect(encoding.plainAccepts == 0)
        #expect(stats.files == plain.records.count)
        #expect(Set(encoding.records.map(\.path)) == Set(plain.records.map(\.path)))
    }
}
