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
final class CountingClassifier: SuiteClassifying, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var reads: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }

    private func tick() {
        lock.lock()
        count += 1
        lock.unlock()
    }

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
        for folder in ["generated", "damaged", "corpus"] {
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
