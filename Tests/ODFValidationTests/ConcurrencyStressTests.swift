import Dispatch
import Foundation
import ODFValidation
import OfficeDocuments
import OverblikModel
import Synchronization
import Testing
import TestSupport

/// The crash that reverted the first merge: schema validation running while the scanner's XML readers (and other
/// tests) used libxml2 on other threads. Here both run together, many times over, and every result must equal
/// the one-thread result (the oracle: the same code with no concurrency). `scripts/stress-validate.sh` runs this
/// suite repeatedly (OVERBLIK_STRESS_ROUNDS sets the rounds per run). For the native engine the same test checks that
/// one compiled schema shared by all threads, with engines whose memo tables were warmed by other documents, gives
/// the one-thread reports.
@Suite struct ConcurrencyStressTests {
    static var rounds: Int { Int(ProcessInfo.processInfo.environment["OVERBLIK_STRESS_ROUNDS"] ?? "") ?? 3 }

    @Test(arguments: RelaxNGEngine.allCases)
    func validationAndScannerReadingTogetherMatchOneThread(engine: RelaxNGEngine) async throws {
        let odf = ["validation", "documents/corpus", "documents/generated"].flatMap {
            JingComparison.documents(in: Fixtures.url($0))
        }
        let scanned = try FileManager.default.contentsOfDirectory(
            at: Fixtures.url("documents/corpus"), includingPropertiesForKeys: nil
        ).filter { $0.pathExtension != "md" }.sorted { $0.path < $1.path }
        #expect(odf.count >= 40)
        #expect(scanned.count >= 15)
        let (reportMismatches, recordMismatches) = try await DedicatedThread.run {
            try Self.mismatches(odf: odf, scanned: scanned, engine: engine)
        }
        #expect(reportMismatches == 0)
        #expect(recordMismatches == 0)
    }

    /// Cold schemas asked for by many threads at once: a thread that finds its schema being compiled compiles
    /// another meanwhile (`ODFSchemaSet.compiledWhileWaiting`). Every report must still be the one-thread report,
    /// with a fresh set of schemas each round.
    @Test func coldSchemasCompiledWhileWaitingGiveOneThreadReports() async throws {
        let odf = ["validation", "documents/corpus", "documents/generated"].flatMap {
            JingComparison.documents(in: Fixtures.url($0))
        }
        let mismatches = try await DedicatedThread.run {
            let oracle = ODFValidator(level: .extended, schemas: ODFSchemaSet(engine: .native))
            let expected = try odf.map { try oracle.validate(path: $0.path) }
            #expect(Set(expected.compactMap(\.declaredVersion)).count >= 3)
            let mismatches = Atomic<Int>(0)
            for _ in 0..<Self.rounds {
                let validator = ODFValidator(level: .extended, schemas: ODFSchemaSet(engine: .native))
                DispatchQueue.concurrentPerform(iterations: odf.count) { index in
                    let report = try? validator.validate(path: odf[index].path)
                    if report != expected[index] { mismatches.add(1, ordering: .relaxed) }
                }
            }
            return mismatches.load(ordering: .relaxed)
        }
        #expect(mismatches == 0)
    }

    /// Validates and reads everything once on one thread (the oracle), then many times at once; the results that
    /// differ. Blocking (RELAX NG worker processes): run it on a thread of its own.
    static func mismatches(odf: [URL], scanned: [URL], engine: RelaxNGEngine) throws -> (reports: Int, records: Int) {
        let validator = ODFValidator(level: .extended, schemas: ODFSchemaSet(engine: engine))
        let reader = DocumentReader(classifier: nil)
        let expectedReports = try odf.map { try validator.validate(path: $0.path) }
        let expectedRecords = scanned.map { reader.read(path: $0.path) }

        let jobs = odf.count + scanned.count
        let reportMismatches = Atomic<Int>(0)
        let recordMismatches = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: jobs * Self.rounds) { step in
            let index = step % jobs
            if index < odf.count {
                let report = try? validator.validate(path: odf[index].path)
                if report != expectedReports[index] { reportMismatches.add(1, ordering: .relaxed) }
            } else {
                let record = reader.read(path: scanned[index - odf.count].path)
                if record != expectedRecords[index - odf.count] { recordMismatches.add(1, ordering: .relaxed) }
            }
        }
        return (reportMismatches.load(ordering: .relaxed), recordMismatches.load(ordering: .relaxed))
    }
}
