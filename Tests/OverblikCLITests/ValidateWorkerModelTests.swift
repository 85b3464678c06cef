import Foundation
import TestSupport
import Testing

/// `overblik validate` gives the same result per document however many jobs run and whether the RELAX NG workers
/// are forked from the zygote (which compiles each schema once) or started one by one, each compiling its own
/// schemas (`OVERBLIK_RELAXNG_ZYGOTE=off`, the model before). The oracle is one job without the zygote.
@Suite struct ValidateWorkerModelTests {
    /// Per document path, its whole jsonl object (verdict, version, problems with code, part, line, message).
    func run(jobs: Int, zygote: Bool, level: String) async throws -> [String: NSDictionary] {
        var environment = ProcessInfo.processInfo.environment
        environment["OVERBLIK_RELAXNG_ZYGOTE"] = zygote ? "on" : "off"
        // The worker model is libxml2's, whichever engine is the default.
        environment["OVERBLIK_RELAXNG_ENGINE"] = "libxml2"
        let arguments = [
            "validate", Fixtures.url("validation").path, Fixtures.url("documents").path, "--format", "jsonl",
            "--level", level, "--jobs", "\(jobs)",
        ]
        let result = try await runBinary(try overblikBinary(), arguments, environment: environment)
        #expect(result.status == 1, "\(result.stderr)")  // some fixtures do not conform
        var documents: [String: NSDictionary] = [:]
        for line in result.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? NSDictionary)
            guard object["type"] as? String == "document", let path = object["path"] as? String else { continue }
            documents[path] = object
        }
        return documents
    }

    @Test(arguments: ["strict", "extended"])
    func verdictsAndProblemsDoNotDependOnJobsOrWorkerModel(_ level: String) async throws {
        let oracle = try await run(jobs: 1, zygote: false, level: level)
        #expect(oracle.count >= 60)
        #expect(Set(oracle.values.compactMap { $0["verdict"] as? String }).count >= 3)
        for (jobs, zygote) in [(1, true), (4, true), (4, false)] {
            let other = try await run(jobs: jobs, zygote: zygote, level: level)
            #expect(Set(other.keys) == Set(oracle.keys), "jobs \(jobs), zygote \(zygote)")
            for (path, expected) in oracle {
                #expect(other[path] == expected, "\(path): jobs \(jobs), zygote \(zygote)")
            }
        }
    }
}
