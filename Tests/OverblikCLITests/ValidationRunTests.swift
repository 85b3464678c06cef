import Foundation
@testable import ODFValidation
import Synchronization
import Testing

@testable import OverblikCLI

/// `ValidationRun` hands outcomes over in input order while workers validate ahead, never more than its window
/// ahead, and stops them when delivering fails. The oracle is the input itself: each file's outcome is a report
/// whose generator is the file's name, so order and identity can be checked one by one.
@Suite struct ValidationRunTests {
    /// A report that names `path` (its generator), after a pause that varies with the path, so that the workers
    /// finish out of order.
    static func report(_ path: String) -> ValidationResult {
        usleep(useconds_t(path.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) % 997 } % 400))
        return .success(
            ValidationReport(
                path: path, verdict: .conforming, declaredVersion: "1.2", mediaType: nil, generator: path,
                isFlat: false,
                encryptedParts: [], problems: [], parts: []))
    }

    @Test(arguments: [1, 2, 7])
    func outcomesArriveInInputOrderWhateverTheJobs(_ jobs: Int) throws {
        let files = (0..<1_000).map { "file-\($0).odt" }
        var delivered: [String] = []
        let prepared = try ValidationRun.run(
            files, jobs: jobs, validate: Self.report, prepare: { "ready" },
            deliver: { prepared, outcome in
                #expect(prepared == "ready")
                guard case .success(let report) = outcome.result else {
                    Issue.record("\(outcome.path) failed")
                    return
                }
                #expect(report.generator == outcome.path)
                delivered.append(outcome.path)
            })
        #expect(prepared == "ready")
        #expect(delivered == files)
    }

    @Test func workersStayWithinTheWindowAndStopWhenDeliveringFails() throws {
        struct Refused: Error {}
        let files = (0..<5_000).map { "file-\($0).odt" }
        let validated = Mutex<Set<Int>>([])
        let furthest = Mutex(0)
        var delivered = 0
        #expect(throws: Refused.self) {
            _ = try ValidationRun.run(
                files, jobs: 4,
                validate: { path in
                    let index = Int(path.dropFirst(5).dropLast(4))!
                    validated.withLock { _ = $0.insert(index) }
                    furthest.withLock { $0 = max($0, index) }
                    return Self.report(path)
                }, prepare: {},
                deliver: { _, _ in
                    // While file `delivered` is handed over, no worker has gone past the window.
                    #expect(furthest.withLock { $0 } < delivered + ValidationRun.window + 4)
                    delivered += 1
                    if delivered == 600 { throw Refused() }
                })
        }
        #expect(delivered == 600)
        // Once delivering failed, the workers took no more than the window's worth of further files.
        let count = validated.withLock { $0.count }
        #expect(count >= 600 && count <= 600 + ValidationRun.window + 4, "\(count) files validated")
    }

    @Test func aFailingPrepareStopsTheRunAndDeliversNothing() {
        struct Unprepared: Error {}
        var delivered = 0
        #expect(throws: Unprepared.self) {
            try ValidationRun.run(
                (0..<3_000).map { "file-\($0).odt" }, jobs: 2, validate: Self.report,
                prepare: { throw Unprepared() }, deliver: { _, _ in delivered += 1 })
        }
        #expect(delivered == 0)
    }
}
