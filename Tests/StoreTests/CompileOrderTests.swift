import Foundation
import OverblikModel
import Store
import Testing
import TestSupport
import Submissions

/// `compile` gives every file the same outcome, and the store the same current submissions, whatever the
/// order the files are given in (issue 12): every file is verified first, then loaded newest first.
@Suite(.tags(.store, .postgres, .slow)) struct CompileOrderTests {
    static func submission(_ code: Int, _ name: String, created: String, hosts: Int) throws -> Submission {
        let date = ISO8601DateFormatter().date(from: created)!
        return try Submission(
            body: Submission.Body(
                organisation: .init(code: code, name: name, kind: "municipality"), period: "2026", created: date,
                catalog: testCatalog, comment: nil, synthetic: false,
                documents: .init(asOf: nil, counts: [], errors: []),
                installations: .init(
                    asOf: date, hosts: hosts,
                    counts: [.init(product: "libreoffice", versionLine: "25.8", hosts: hosts)]),
                usage: [], unknownTitles: nil))
    }

    static func permutations<T>(_ items: [T]) -> [[T]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { index in
            var rest = items
            let first = rest.remove(at: index)
            return permutations(rest).map { [first] + $0 }
        }
    }

    @Test(arguments: Backend.allCases)
    func everyOrderOfTheFilesGivesTheSameOutcomes(_ backend: Backend) async throws {
        let directory = try Fixtures.temporaryDirectory("compile-order")
        defer { try? FileManager.default.removeItem(at: directory) }
        let older = try Self.submission(751, "Aarhus Kommune", created: "2026-01-01T00:00:00Z", hosts: 10)
        let newer = try Self.submission(751, "Aarhus Kommune", created: "2026-06-01T00:00:00Z", hosts: 20)
        // Two different submissions created in the same second: the larger digest is current, as in the store.
        let tied = [
            try Self.submission(147, "Frederiksberg Kommune", created: "2026-03-01T00:00:00Z", hosts: 1),
            try Self.submission(147, "Frederiksberg Kommune", created: "2026-03-01T00:00:00Z", hosts: 2),
        ].sorted { $0.digest > $1.digest }
        let named: [(String, Submission)] = [
            ("a-old.json", older), ("b-new.json", newer), ("c-copy-of-new.json", newer), ("d-tie.json", tied[1]),
            ("e-tie.json", tied[0]),
        ]
        var files: [URL] = []
        for (name, submission) in named {
            let url = directory.appendingPathComponent(name)
            try encodeSubmission(submission).write(to: url)
            files.append(url)
        }
        let verifier = try SubmissionVerifier()
        var outcomes: Set<[String: String]> = []
        var tallies: Set<[String: Int]> = []
        for order in Self.permutations(files) {
            let store = try await backend.open()
            let results = await SubmissionCompiler.compile(files: order, into: store, verifier: verifier)
            #expect(results.map(\.file) == order.map(\.relativePath), "results come back in the order given")
            var outcome: [String: String] = [:]
            var tally: [String: Int] = [:]
            for result in results {
                let label = result.outcome.map { "\($0)" } ?? "rejected"
                outcome[URL(fileURLWithPath: result.file).lastPathComponent] = label
                tally[label, default: 0] += 1
            }
            outcomes.insert(outcome)
            tallies.insert(tally)
            #expect(try await store.latestSubmissions(period: "2026").map(\.digest) == [tied[0].digest, newer.digest])
            try await store.close()
        }
        #expect(
            outcomes == [
                [
                    "a-old.json": "history", "b-new.json": "current", "c-copy-of-new.json": "duplicate",
                    "d-tie.json": "history", "e-tie.json": "current",
                ]
            ])
        #expect(tallies == [["current": 2, "history": 2, "duplicate": 1]])
    }

    /// One authority's figures re-sealed under another's code: refused whatever the order of the files, and
    /// refused too when the original is already in the store; the original and an unrelated submission load.
    @Test(arguments: Backend.allCases)
    func figuresCopiedUnderAnotherCodeAreRefusedWhateverTheOrder(_ backend: Backend) async throws {
        let directory = try Fixtures.temporaryDirectory("compile-copy")
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try Self.submission(751, "Aarhus Kommune", created: "2026-01-01T00:00:00Z", hosts: 10)
        var copied = original.body
        copied.organisation = .init(code: 147, name: "Frederiksberg Kommune", kind: "municipality")
        copied.created = ISO8601DateFormatter().date(from: "2026-02-01T00:00:00Z")!
        let copy = try Submission(body: copied)
        let unrelated = try Self.submission(101, "Københavns Kommune", created: "2026-01-01T00:00:00Z", hosts: 11)
        var files: [URL] = []
        for (name, submission) in [("original.json", original), ("copy.json", copy), ("other.json", unrelated)] {
            let url = directory.appendingPathComponent(name)
            try encodeSubmission(submission).write(to: url)
            files.append(url)
        }
        let verifier = try SubmissionVerifier()
        for order in Self.permutations(files) {
            let store = try await backend.open()
            let results = await SubmissionCompiler.compile(files: order, into: store, verifier: verifier)
            for result in results {
                let name = URL(fileURLWithPath: result.file).lastPathComponent
                if name == "copy.json" {
                    #expect(result.isRejected)
                    #expect(result.problems.first?.contains("identical to those of Aarhus Kommune (751)") == true)
                } else {
                    #expect(!result.isRejected, "\(name): \(result.problems)")
                }
            }
            #expect(
                Set(try await store.latestSubmissions(period: "2026").map(\.digest))
                    == [original.digest, unrelated.digest])
            try await store.close()
        }
        // The original already held: a later compile of the copy alone is refused, and says where the figures are.
        let store = try await backend.open()
        _ = await SubmissionCompiler.compile(files: [files[0]], into: store, verifier: verifier)
        let later = await SubmissionCompiler.compile(files: [files[1]], into: store, verifier: verifier)
        #expect(later.first?.isRejected == true)
        #expect(later.first?.problems.first?.contains("already in the store") == true)
        try await store.close()
    }
}
