import Foundation
import OfficeDocuments
import OverblikModel
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What every walker thread found, behind one lock.
final class WalkFindings: @unchecked Sendable {
    // Unchecked: both collections are only touched under `lock`.
    private let lock = NSLock()
    private var files: [String: FileStatus?] = [:]
    private var issues: [WalkIssue] = []
    private var duplicates: [String] = []

    /// Records a file; returns how many distinct files are recorded now.
    func add(_ path: String, _ status: FileStatus?) -> Int {
        lock.withLock {
            if files.updateValue(status, forKey: path) != nil { duplicates.append(path) }
            return files.count
        }
    }

    func add(_ issue: WalkIssue) { lock.withLock { issues.append(issue) } }

    var snapshot: (files: [String: FileStatus?], issues: [WalkIssue], duplicates: [String]) {
        lock.withLock { (files, issues, duplicates) }
    }
}

/// One walker thread's visitor, reporting into the shared findings.
final class CollectingVisitor: WalkVisitor {
    let findings: WalkFindings
    let stopAfter: Int?

    init(_ findings: WalkFindings, stopAfter: Int?) {
        self.findings = findings
        self.stopAfter = stopAfter
    }

    func file(_ path: String, status: FileStatus?) -> Bool {
        let count = findings.add(path, status)
        return stopAfter.map { count < $0 } ?? true
    }

    func issue(_ issue: WalkIssue) { findings.add(issue) }
    func finish() {}
}

@Suite struct TreeWalkerTests {
    /// 6 × 5 folders two levels deep with 7 files each, one empty folder and a FIFO.
    func makeTree() throws -> (root: URL, files: Set<String>) {
        let root = try Fixtures.temporaryDirectory("tree")
        var files: Set<String> = []
        for top in 0..<6 {
            for sub in 0..<5 {
                let folder = root.appendingPathComponent("d\(top)/s\(sub)", isDirectory: true)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for number in 0..<7 {
                    let file = folder.appendingPathComponent("f\(number).odt")
                    try Data(repeating: UInt8(number), count: number * 10 + top).write(to: file)
                    files.insert(file.path)
                }
            }
        }
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("empty", isDirectory: true), withIntermediateDirectories: true)
        #expect(mkfifo(root.appendingPathComponent("d0/pipe").path, 0o644) == 0)
        return (root, files)
    }

    func walk(
        _ root: URL, threads: Int, withStatus: Bool, stopAfter: Int? = nil
    ) -> (
        [String: FileStatus?], [WalkIssue]
    ) {
        let findings = WalkFindings()
        TreeWalker().walk(roots: [root.path], threads: threads, withStatus: withStatus) {
            CollectingVisitor(findings, stopAfter: stopAfter)
        }
        let (files, issues, duplicates) = findings.snapshot
        #expect(duplicates.isEmpty, "visited more than once: \(duplicates)")
        return (files, issues)
    }

    @Test(arguments: [1, 2, 4]) func everyFileOnceWhateverTheThreadCount(threads: Int) throws {
        let (root, files) = try makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let (found, issues) = walk(root, threads: threads, withStatus: false)
        #expect(Set(found.keys) == files)
        #expect(found.values.allSatisfy { $0 == nil })
        #expect(issues.map(\.kind) == [.special])
        #expect(issues.first?.file == root.appendingPathComponent("d0/pipe").path)
    }

    @Test func statusIsWhatStatSays() throws {
        let (root, files) = try makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let (found, _) = walk(root, threads: 2, withStatus: true)
        #expect(found.count == files.count)
        for (path, status) in found {
            var info = stat()
            #expect(stat(path, &info) == 0)
            let expected = FileStatus(
                size: Int64(info.st_size),
                modifiedSeconds: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
            #expect(status == expected, "\(path)")
        }
    }

    @Test(arguments: [1, 3]) func aVisitorCanStopTheWalk(threads: Int) throws {
        let (root, files) = try makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let (found, _) = walk(root, threads: threads, withStatus: false, stopAfter: 10)
        // Other threads may each finish the file in hand, never the rest of the tree.
        #expect(found.count >= 10 && found.count < 10 + threads)
        #expect(found.count < files.count)
    }

    @Test func aFileRootIsVisitedItself() throws {
        let (root, _) = try makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("d1/s1/f3.odt")
        let (found, issues) = walk(file, threads: 1, withStatus: true)
        #expect(Array(found.keys) == [file.path])
        let status = try #require(found[file.path] ?? nil)
        #expect(status.size == 31)
        #expect(issues.isEmpty)
    }
}
