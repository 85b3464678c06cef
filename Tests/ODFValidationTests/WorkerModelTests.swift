import Foundation
import OverblikModel
import Testing
import TestSupport

@testable import ODFValidation

/// A part whose strict check sees it as it stands is parsed once, in the RELAX NG worker; the oracle is the model
/// before, where this process parsed every part first and sent it on (`parsesEveryPartHere`). Every report must
/// be identical (verdict, problems with their codes, lines, columns and messages, part results), on every
/// fixture: real documents of many producers, damaged and hostile ones (malformed parts, XXE, entity bombs, deep
/// nesting) and one hand-made defect per package rule.
@Suite struct WorkerModelTests {
    static func documents() async throws -> (files: [URL], cleanUp: () -> Void) {
        let defects = try await PackageRuleTests.defects()
        let files = ["validation", "documents"].flatMap { JingComparison.documents(in: Fixtures.url($0)) }
        return (files + JingComparison.documents(in: defects), { try? FileManager.default.removeItem(at: defects) })
    }

    /// Per engine: libxml2's parses the part in its worker; the native one parses the bytes in this process, which
    /// must give the same reports as a tree parsed first.
    @Test(arguments: [ConformanceLevel.strict, .extended], RelaxNGEngine.allCases)
    func partsParsedInTheWorkerGiveTheReportsOfPartsParsedHere(
        _ level: ConformanceLevel, _ engine: RelaxNGEngine
    ) async throws {
        let (files, cleanUp) = try await Self.documents()
        defer { cleanUp() }
        #expect(files.count >= 80)
        let worker = ODFValidator(level: level, schemas: ODFSchemaSet(engine: engine), partSizeLimit: 8 << 20)
        var here = worker
        here.parsesEveryPartHere = true
        var compared = 0
        // The validations wait on RELAX NG worker processes: on a thread of their own, not the test's.
        let results = try await DedicatedThread.run {
            files.map { file in
                (file, Result { try worker.validate(path: file.path) }, Result { try here.validate(path: file.path) })
            }
        }
        for (file, ours, before) in results {
            switch (ours, before) {
            case (.success(let ours), .success(let before)):
                #expect(ours == before, "\(file.lastPathComponent)")
                compared += 1
            case (.failure(let ours), .failure(let before)):
                #expect("\(ours)" == "\(before)", "\(file.lastPathComponent)")
            default:
                Issue.record("\(file.lastPathComponent): \(ours) against \(before)")
            }
        }
        #expect(compared >= 70)
    }
}
