import Dispatch
import Foundation
import OverblikModel
import ODFValidation
import Synchronization
import Testing
import TestSupport

/// One hand-made defect per package rule (scripts/make-validation-defects.py, Python zipfile), each named after the
/// problem code it must raise, built from a document that conforms as it stands.
@Suite struct PackageRuleTests {
    static func defects() async throws -> URL {
        let directory = try Fixtures.temporaryDirectory("defects")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Fixtures.repositoryRoot.appendingPathComponent("scripts/make-validation-defects.py").path,
            Fixtures.url("validation/webodf__loadsave.odt").path, directory.path,
        ]
        try process.run()
        await process.ended()
        #expect(process.terminationStatus == 0)
        return directory
    }

    @Test func everyRuleIsCaughtAndTheBaseConforms() async throws {
        let directory = try await Self.defects()
        defer { try? FileManager.default.removeItem(at: directory) }
        let validator = ODFValidator(level: .strict)
        let base = try await validator.validateOnOwnThread(path: directory.appendingPathComponent("base.odt").path)
        #expect(base.verdict == .conforming, "\(base.problems)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0 != "base.odt" }
        var codesSeen = Set<ProblemCode>()
        for file in files {
            let code = try #require(ProblemCode(rawValue: (file as NSString).deletingPathExtension), "\(file)")
            let report = try await validator.validateOnOwnThread(path: directory.appendingPathComponent(file).path)
            #expect(report.problems.contains { $0.code == code }, "\(file): \(report.problems.map(\.code))")
            #expect(report.verdict != .conforming, "\(file)")
            let problem = try #require(report.problems.first { $0.code == code })
            #expect(!problem.message.isEmpty)
            codesSeen.insert(code)
        }
        // Every package rule has its defect (entry-unreadable and part-missing need corrupt ZIPs: see below).
        let packageCodes = ProblemCode.allCases.filter {
            $0.rawValue.hasPrefix("package.") && $0 != .entryUnreadable && $0 != .partMissing
        }
        #expect(Set(packageCodes).isSubset(of: codesSeen), "untested: \(Set(packageCodes).subtracting(codesSeen))")
    }

    @Test func schemaProblemsCarryPartLineAndColumnOrLine() async throws {
        let directory = try await Self.defects()
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = try await ODFValidator().validateOnOwnThread(
            path: directory.appendingPathComponent("schema.invalid.odt").path)
        let problem = try #require(report.problems.first { $0.code == .schemaInvalid })
        #expect(problem.part == "content.xml")
        #expect(problem.line > 0)
    }

    /// Bad files throw a typed error naming the file; hostile ones (bombs, XXE) end as problems, not crashes.
    @Test(arguments: ["not-a-zip.odt", "empty.odt", "truncated.odt"])
    func unreadableFilesThrowNamingTheFile(_ name: String) async throws {
        let path = Fixtures.url("documents/damaged/\(name)").path
        let error = await #expect(throws: ODFValidationError.self) {
            try await ODFValidator().validateOnOwnThread(path: path)
        }
        #expect(error?.description.contains(name) == true)
    }

    @Test(arguments: ["zip-bomb-meta.odt", "xxe-meta.odt", "billion-laughs-meta.odt", "deep-nesting-meta.odt"])
    func hostilePartsAreProblems(_ name: String) async throws {
        let report = try await ODFValidator(partSizeLimit: 8 << 20).validateOnOwnThread(
            path: Fixtures.url("documents/damaged/\(name)").path)
        #expect(report.verdict != .conforming)
        #expect(report.problems.contains { $0.part == "meta.xml" }, "\(report.problems)")
    }

    /// The compiled schemas are shared: validating on many threads at once gives the same reports as one thread.
    @Test func concurrentValidationMatchesSerial() async throws {
        let files = JingComparison.documents(in: Fixtures.url("validation"))
        let validator = ODFValidator(level: .extended)
        let (serial, parallel) = try await DedicatedThread.run {
            () throws -> ([ValidationReport], [ValidationReport?]) in
            let serial = try files.map { try validator.validate(path: $0.path) }
            let parallel = Mutex([ValidationReport?](repeating: nil, count: files.count))
            DispatchQueue.concurrentPerform(iterations: files.count * 2) { index in
                let report = try? validator.validate(path: files[index % files.count].path)
                parallel.withLock { $0[index % files.count] = report }
            }
            return (serial, parallel.withLock { $0 })
        }
        #expect(parallel == serial)
    }
}
