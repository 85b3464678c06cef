import Foundation
import ODFValidation
import OverblikModel
import Testing
import TestSupport
import XMLKit

/// libxml2 2.9's RELAX NG validator does not finish on some real documents (fixtures/validation-slow: odfdo's
/// big.ods, whose content.xml without foreign content keeps it busy for more than 15 minutes; Jing needs about a
/// second). The document's time limit must end it with the typed "not checked" verdict, kill the worker that ran
/// it and leave no process behind.
@Suite struct TimeLimitTests {
    static let slow = Fixtures.url("validation-slow/odfdo__big.ods")
    /// These tests are about libxml2's worker processes, whatever engine is the default.
    static let libxml2 = ODFSchemaSet(engine: .libxml2)

    /// The limit is the worker's CPU time (with a wall-clock backstop), so the bounds are too: the validating
    /// thread's own CPU, and a wall-clock bound far below what the check takes without its limit (more than 15
    /// minutes at full speed) but far above what the whole validation takes on a machine busy with the rest of
    /// the suite (up to about 5 minutes seen at a load of 34 on 2 cores; 20 s when idle).
    @Test func aValidationPastItsLimitIsNotCheckedNeverConforming() async throws {
        let killedBefore = Set(RelaxNGSchema.killedWorkerIDs)
        let start = ContinuousClock.now
        let validator = ODFValidator(level: .extended, schemas: Self.libxml2, schemaTimeLimit: .seconds(2))
        let (report, cpu) = try await DedicatedThread.run { () throws -> (ValidationReport, Double) in
            let before = threadCPUSeconds()
            let report = try validator.validate(path: Self.slow.path)
            return (report, threadCPUSeconds() - before)
        }
        let elapsed = ContinuousClock.now - start
        #expect(report.verdict == .notChecked, "\(report.problems)")
        #expect(report.problems.contains { $0.code == .schemaLimitExceeded && $0.part == "content.xml" })
        #expect(report.problems.allSatisfy { $0.code == .schemaLimitExceeded }, "\(report.problems)")
        #expect(report.parts.first { $0.part == "content.xml" }?.notChecked != nil)
        #expect(cpu < 20, "the validating thread used \(cpu) s of CPU")
        #expect(elapsed < .seconds(900), "the limit of 2 s took \(elapsed)")
        // The stuck worker was killed and reaped: no such process exists any more (not even a zombie).
        let killed = Set(RelaxNGSchema.killedWorkerIDs).subtracting(killedBefore)
        #expect(!killed.isEmpty)
        for pid in killed {
            #expect(kill(pid, 0) == -1 && errno == ESRCH, "worker \(pid) still exists")
        }
    }

    /// At the strict level the same document gets its verdict in time (its strict check fails fast), and that
    /// verdict is Jing's.
    @Test func theStrictVerdictOfTheSameDocumentIsJings() async throws {
        let report = try await ODFValidator(level: .strict, schemas: Self.libxml2, schemaTimeLimit: .seconds(30))
            .validateOnOwnThread(path: Self.slow.path)
        let jing = try await JingComparison.oracle([Self.slow])
        let content = try #require(jing.first { $0.part == "content.xml" })
        let ours = try #require(report.parts.first { $0.part == "content.xml" })
        #expect(ours.notChecked == nil)
        #expect(ours.validAsIs != nil && content.strict == ours.validAsIs)
        #expect(report.verdict == .notConforming)
    }

    /// A worker that is not stuck survives for the next document; stopping the idle ones leaves none running. The
    /// workers are the process's: a test running beside this one (`validate` in process stops the idle workers when
    /// it ends) may stop ours first, so the validation is tried again a few times before the test gives up.
    @Test func idleWorkersAreReapedWhenStopped() async throws {
        var stopped: [Int32] = []
        for _ in 0..<5 where stopped.isEmpty {
            _ = try await ODFValidator(schemas: Self.libxml2).validateOnOwnThread(
                path: Fixtures.url("validation/webodf__loadsave.odt").path)
            stopped = RelaxNGSchema.stopIdleWorkers()
        }
        #expect(!stopped.isEmpty)
        for pid in stopped {
            #expect(kill(pid, 0) == -1 && errno == ESRCH, "worker \(pid) still exists")
        }
    }

    /// The native engine honours the same CPU-time limit: a limit far below what the document needs ends its
    /// check with the same typed "not checked" verdict, in about the time of the limit; with room it gets Jing's
    /// verdict.
    @Test func theNativeEngineHonoursTheLimitToo() async throws {
        let native = ODFSchemaSet(engine: .native)
        let start = ContinuousClock.now
        let limited = try ODFValidator(level: .extended, schemas: native, schemaTimeLimit: .milliseconds(5))
            .validate(path: Self.slow.path)
        #expect(limited.verdict == .notChecked, "\(limited.problems)")
        #expect(limited.problems.contains { $0.code == .schemaLimitExceeded })
        #expect(ContinuousClock.now - start < .seconds(20))
        let full = try ODFValidator(level: .strict, schemas: native, schemaTimeLimit: .seconds(60))
            .validate(path: Self.slow.path)
        let jing = try await JingComparison.oracle([Self.slow])
        let content = try #require(jing.first { $0.part == "content.xml" })
        #expect(full.parts.first { $0.part == "content.xml" }?.validAsIs == content.strict)
    }
}
